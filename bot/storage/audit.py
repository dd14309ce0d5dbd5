"""SQL for the audit log: who planned, started, stopped, changed, exported or forgot, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.models import AuditAction
from bot.storage.db import changed, iso, rows

FORGOTTEN = "forgotten"
"""What an erased person's id becomes in the entries that named them."""


class AuditStore:
    """Appends and reads audit entries; an entry never holds answer text or command text.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def record(
        self,
        at: datetime,
        actor: str,
        action: AuditAction,
        team_id: str | None = None,
        detail: str = "",
    ) -> None:
        """Append one entry.

        Args:
            at: When it happened.
            actor: Who did it: ``platform:user_id``, ``cli`` or ``scheduler``.
            action: What they did.
            team_id: The team it concerned, if any.
            detail: Ids or setting names that say what it touched (never content).
        """
        self.db.execute(
            "INSERT INTO audit (at, actor, action, team_id, detail) VALUES (?, ?, ?, ?, ?)",
            [iso(at), actor, action.value, team_id, detail],
        )

    def entries(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Return entries (oldest first), from ``since`` on when given."""
        return rows(
            self.db,
            "SELECT at, actor, action, team_id, detail FROM audit WHERE at >= ? ORDER BY at, id",
            [iso(since) if since else ""],
        )

    def count_by(self, actor: str) -> int:
        """Return how many entries name ``actor`` as the one who acted."""
        found = rows(self.db, "SELECT COUNT(*) AS n FROM audit WHERE actor = ?", [actor])
        return int(found[0]["n"])

    def unlink(self, actor: str) -> int:
        """Replace a forgotten person's id in every entry; the events themselves stay."""
        return changed(
            self.db,
            "UPDATE audit SET actor = CASE WHEN actor = ? THEN ? ELSE actor END, "
            "detail = replace(detail, ?, ?) WHERE actor = ? OR instr(detail, ?) > 0",
            [actor, FORGOTTEN, actor, FORGOTTEN, actor, actor],
        )

    def purge_before(self, cutoff: datetime) -> int:
        """Delete entries older than ``cutoff``; return how many."""
        return changed(self.db, "DELETE FROM audit WHERE at < ?", [iso(cutoff)])
