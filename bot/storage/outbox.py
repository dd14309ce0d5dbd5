"""SQL for deliveries: every post, reminder, digest and notice is claimed here before it happens."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.models import Delivery, DeliveryStatus, Purpose
from bot.storage.db import changed, iso, many, one, rows

MAX_ATTEMPTS = 8
"""Tries of one delivery before it counts as failed (with backoff: about eight minutes)."""
# Only these wait for their round to be open: a stopped round's post and reminders are moot.
NEEDS_OPEN_ROUND = (Purpose.OPEN, Purpose.REMIND)


class Outbox:
    """Deliveries: pending → sending → sent | failed | skipped, each step a conditional UPDATE.

    Messages to one target (a conversation, or one person's direct messages) go out in the
    order they were queued: a delivery is only due once every earlier one to the same target
    is finished.

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

    def add_many(
        self, round_ids: list[int], purpose: Purpose, now: datetime, conversations: list[int]
    ) -> None:
        """Queue one channel delivery per round (``conversations[i]`` for ``round_ids[i]``)."""
        many(
            self.db,
            "INSERT OR IGNORE INTO delivery (round_id, purpose, conversation_id, member_id, "
            "next_attempt_at) VALUES (?, ?, ?, 0, ?)",
            [
                (r, purpose.value, c, iso(now))
                for r, c in zip(round_ids, conversations, strict=True)
            ],
        )

    def due(self, now: datetime, limit: int = 200) -> list[Delivery]:
        """Return pending deliveries whose time has come and whose turn it is, oldest first."""
        found = rows(
            self.db,
            "SELECT d.* FROM delivery d WHERE d.status = 'pending' AND d.next_attempt_at <= ? "
            "AND NOT EXISTS (SELECT 1 FROM delivery e WHERE e.conversation_id = "
            "d.conversation_id AND e.member_id = d.member_id AND e.id < d.id "
            "AND e.status IN ('pending', 'sending')) "
            "ORDER BY d.next_attempt_at, d.id LIMIT ?",
            [iso(now), limit],
        )
        return [Delivery.model_validate(r) for r in found]

    def claim(self, delivery_id: int, now: datetime, owner: str = "") -> bool:
        """Claim a pending delivery for ``owner``; only the claimant may call the platform."""
        return (
            changed(
                self.db,
                "UPDATE delivery SET status = 'sending', claimed_at = ?, claimed_by = ?, "
                "attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
                [iso(now), owner, delivery_id],
            )
            == 1
        )

    def sent(self, delivery_id: int, message_id: str, now: datetime) -> None:
        """Record a successful send (with the platform's message id, in the same write)."""
        self.db.execute(
            "UPDATE delivery SET status = 'sent', message_id = ?, sent_at = ?, "
            "error = NULL WHERE id = ?",
            [message_id, iso(now), delivery_id],
        )

    def failed(
        self, delivery_id: int, reason: str, *, retry_at: datetime | None, counted: bool = True
    ) -> DeliveryStatus:
        """Record a failed attempt; retry later when allowed, else give up. Returns the status.

        An attempt that is not ``counted`` (the platform said when to come back: a rate
        limit, not a failure of this delivery) is retried without using up a try.
        """
        row = one(self.db, "SELECT attempts FROM delivery WHERE id = ?", [delivery_id])
        attempts = int(row["attempts"]) if row else MAX_ATTEMPTS
        if retry_at is not None and (attempts < MAX_ATTEMPTS or not counted):
            refund = 0 if counted else 1
            self.db.execute(
                "UPDATE delivery SET status = 'pending', next_attempt_at = ?, "
                "error = ?, attempts = MAX(attempts - ?, 0) WHERE id = ?",
                [iso(retry_at), reason, refund, delivery_id],
            )
            return DeliveryStatus.PENDING
        self.db.execute(
            "UPDATE delivery SET status = 'failed', error = ? WHERE id = ?", [reason, delivery_id]
        )
        return DeliveryStatus.FAILED

    def skip(self, delivery_id: int, reason: str) -> None:
        """Give up a delivery that is no longer wanted (its round stopped before it went out)."""
        self.db.execute(
            "UPDATE delivery SET status = 'skipped', error = ? WHERE id = ? "
            "AND status IN ('pending', 'sending')",
            [reason, delivery_id],
        )

    def skip_unsent_of_round(self, round_id: int, reason: str) -> int:
        """Skip a round's queued post and reminders (not its close or digest); return how many."""
        return changed(
            self.db,
            "UPDATE delivery SET status = 'skipped', error = ? WHERE round_id = ? "
            "AND status = 'pending' AND purpose IN (?, ?)",
            [reason, round_id, *(p.value for p in NEEDS_OPEN_ROUND)],
        )

    def forget_reminders(self, round_id: int) -> int:
        """Delete a closed round's finished reminders to people; return how many.

        Reminders go to those who had not answered yet, so their rows would keep the "has
        answered" status of an anonymous round after it closed. One still being sent stays
        until recovery has settled it.
        """
        return changed(
            self.db,
            "DELETE FROM delivery WHERE round_id = ? AND purpose = ? AND member_id != 0 "
            "AND status IN ('sent', 'skipped', 'failed')",
            [round_id, Purpose.REMIND.value],
        )

    def in_flight(self, claimed_before: datetime | None = None) -> list[Delivery]:
        """Return deliveries left 'sending' (claimed before ``claimed_before``, if given)."""
        sql = "SELECT * FROM delivery WHERE status = 'sending'"
        params: list[str] = []
        if claimed_before is not None:
            sql += " AND claimed_at < ?"
            params.append(iso(claimed_before))
        # Ordered as the partial index delivery_sending is, so only 'sending' rows are read.
        order = " ORDER BY claimed_at, id"
        return [Delivery.model_validate(r) for r in rows(self.db, sql + order, params)]

    def requeue(self, delivery_id: int, now: datetime) -> bool:
        """Put a delivery whose outcome is unknown back in line, to be sent again."""
        return (
            changed(
                self.db,
                "UPDATE delivery SET status = 'pending', next_attempt_at = ?, "
                "error = 'outcome_unknown' WHERE id = ? AND status = 'sending'",
                [iso(now), delivery_id],
            )
            == 1
        )

    def release(self, delivery_id: int) -> bool:
        """Give back a claim that was never sent (its try is not counted)."""
        return (
            changed(
                self.db,
                "UPDATE delivery SET status = 'pending', claimed_at = NULL, claimed_by = NULL, "
                "attempts = attempts - 1 WHERE id = ? AND status = 'sending'",
                [delivery_id],
            )
            == 1
        )

    def next_due(self) -> datetime | None:
        """Return when the earliest pending delivery is due (for the retry timer)."""
        row = one(
            self.db, "SELECT MIN(next_attempt_at) AS at FROM delivery WHERE status = 'pending'"
        )
        return datetime.fromisoformat(row["at"]) if row and row["at"] else None

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
