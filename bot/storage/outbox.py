"""SQL for deliveries: every post, reminder, digest and notice is claimed here before it happens."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.models import Delivery, DeliveryStatus, Purpose
from bot.storage.db import changed, iso, one, rows

MAX_ATTEMPTS = 5


class Outbox:
    """Deliveries: pending → sending → sent | failed | uncertain, each step a conditional UPDATE.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def add(
        self,
        round_id: int,
        purpose: Purpose,
        now: datetime,
        *,
        conversation_id: int = 0,
        member_id: int = 0,
    ) -> bool:
        """Queue a side effect once; False when the same one was queued before."""
        return (
            changed(
                self.db,
                "INSERT OR IGNORE INTO delivery (round_id, purpose, conversation_id, member_id, "
                "next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                [round_id, purpose.value, conversation_id, member_id, iso(now)],
            )
            == 1
        )

    def due(self, now: datetime, limit: int = 200) -> list[Delivery]:
        """Return pending deliveries whose time has come, oldest first."""
        found = rows(
            self.db,
            "SELECT * FROM delivery WHERE status = 'pending' AND next_attempt_at <= ? "
            "ORDER BY next_attempt_at, id LIMIT ?",
            [iso(now), limit],
        )
        return [Delivery.model_validate(r) for r in found]

    def claim(self, delivery_id: int, now: datetime) -> bool:
        """Claim a pending delivery; only the claimant may call the platform."""
        return (
            changed(
                self.db,
                "UPDATE delivery SET status = 'sending', claimed_at = ?, attempts = attempts + 1 "
                "WHERE id = ? AND status = 'pending'",
                [iso(now), delivery_id],
            )
            == 1
        )

    def sent(self, delivery_id: int, message_id: str, now: datetime) -> None:
        """Record a successful send."""
        self.db.execute(
            "UPDATE delivery SET status = 'sent', message_id = ?, sent_at = ?, "
            "error = NULL WHERE id = ?",
            [message_id, iso(now), delivery_id],
        )

    def failed(self, delivery_id: int, reason: str, *, retry_at: datetime | None) -> DeliveryStatus:
        """Record a failed attempt; retry later when allowed, else give up. Returns the status."""
        row = one(self.db, "SELECT attempts FROM delivery WHERE id = ?", [delivery_id])
        attempts = int(row["attempts"]) if row else MAX_ATTEMPTS
        if retry_at is not None and attempts < MAX_ATTEMPTS:
            self.db.execute(
                "UPDATE delivery SET status = 'pending', next_attempt_at = ?, "
                "error = ? WHERE id = ?",
                [iso(retry_at), reason, delivery_id],
            )
            return DeliveryStatus.PENDING
        self.db.execute(
            "UPDATE delivery SET status = 'failed', error = ? WHERE id = ?", [reason, delivery_id]
        )
        return DeliveryStatus.FAILED

    def expire_sending(self, now: datetime, after: timedelta = timedelta(minutes=10)) -> int:
        """Mark sends that never reported back as uncertain; they are never sent again."""
        return changed(
            self.db,
            "UPDATE delivery SET status = 'uncertain' WHERE status = 'sending' AND claimed_at < ?",
            [iso(now - after)],
        )

    def of_round(self, round_id: int) -> list[Delivery]:
        """Return all deliveries of a round."""
        found = rows(self.db, "SELECT * FROM delivery WHERE round_id = ? ORDER BY id", [round_id])
        return [Delivery.model_validate(r) for r in found]

    def counts(self) -> dict[DeliveryStatus, int]:
        """Return the number of deliveries per status (for status output and benchmarks)."""
        return {
            DeliveryStatus(r["status"]): int(r["n"])
            for r in rows(self.db, "SELECT status, COUNT(*) AS n FROM delivery GROUP BY status")
        }
