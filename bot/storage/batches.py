"""SQL for batches: a programme-wide round recorded once, with its question set fixed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from bot.storage.db import iso, one


@dataclass(frozen=True)
class Batch:
    """A programme-wide round: which set it asks, and how far its posts have got."""

    id: str
    programme_id: str
    set_id: str
    rounds: int
    open_rounds: int
    posts_waiting: int
    posts_sent: int


class BatchStore:
    """Use-case queries about programme-wide rounds.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def create(
        self,
        batch_id: str,
        programme_id: str,
        set_id: str,
        created_by: int | None,
        now: datetime,
        teams: int,
    ) -> None:
        """Record a batch before any of its rounds is opened (same transaction)."""
        self.db.execute(
            "INSERT INTO batch (id, programme_id, set_id, created_by, created_at, teams) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [batch_id, programme_id, set_id, created_by, iso(now), teams],
        )

    def latest_open(self, programme_id: str) -> Batch | None:
        """Return the programme's newest batch that still has open rounds, with its progress."""
        row = one(
            self.db,
            "SELECT b.id, b.programme_id, b.set_id, "
            "(SELECT COUNT(*) FROM round r WHERE r.batch_id = b.id) AS rounds, "
            "(SELECT COUNT(*) FROM round r WHERE r.batch_id = b.id AND r.status = 'open') "
            "AS open_rounds, "
            "(SELECT COUNT(*) FROM delivery d JOIN round r ON r.id = d.round_id WHERE "
            "r.batch_id = b.id AND d.purpose = 'open' AND d.status IN ('pending', 'sending')) "
            "AS posts_waiting, "
            "(SELECT COUNT(*) FROM delivery d JOIN round r ON r.id = d.round_id WHERE "
            "r.batch_id = b.id AND d.purpose = 'open' AND d.status = 'sent') AS posts_sent "
            "FROM batch b WHERE b.programme_id = ? AND EXISTS (SELECT 1 FROM round r "
            "WHERE r.batch_id = b.id AND r.status = 'open') ORDER BY b.created_at DESC LIMIT 1",
            [programme_id],
        )
        return Batch(**row) if row else None

    def teams_in(self, batch_id: str) -> set[str]:
        """Return the ids of the teams that have a round in the batch."""
        return {
            str(r["team_id"])
            for r in self.db.query("SELECT team_id FROM round WHERE batch_id = ?", [batch_id])
        }
