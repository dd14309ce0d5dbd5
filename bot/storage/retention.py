"""SQL for retention: what ended long ago is deleted with all it holds; the file shrinks."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from bot.storage.db import changed, iso, rows

_ENDED = "status IN ('closed', 'missed', 'cancelled')"


class RetentionStore:
    """Deletes what is kept no longer than the retention period.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def _per_team(self, sql: str, now: datetime, default_days: int) -> int:
        # ``sql`` deletes rows older than a cutoff (its one parameter) for the teams that
        # ``{teams}`` selects: one statement per team with its own period, one for the rest.
        own = rows(self.db, "SELECT id, retention_days FROM team WHERE retention_days IS NOT NULL")
        deleted = 0
        for team in own:
            cutoff = now - timedelta(days=int(team["retention_days"]))
            one_team = sql.format(teams="team_id = ?")
            deleted += changed(self.db, one_team, [team["id"], iso(cutoff)])
        # Correlated on the team's primary key, so the rows' own date index drives the delete
        # instead of a scan of every team.
        rest = sql.format(
            teams="NOT EXISTS (SELECT 1 FROM team t WHERE t.id = team_id "
            "AND t.retention_days IS NOT NULL)"
        )
        return deleted + changed(self.db, rest, [iso(now - timedelta(days=default_days))])

    def purge_rounds(self, now: datetime, default_days: int) -> int:
        """Delete each team's rounds that closed longer ago than its retention period.

        A team's own period (``instellingen bewaartermijn``) wins over ``default_days``.

        Returns:
            How many rounds were deleted.
        """
        return self._per_team(
            f"DELETE FROM round WHERE {{teams}} AND {_ENDED} AND closes_at < ?",
            now,
            default_days,
        )

    def purge_history(self, now: datetime, default_days: int) -> int:
        """Delete each team's agreements and timeline entries (joins, task changes with their
        notes) older than its retention period; return how many."""
        return self._per_team(
            "DELETE FROM agreement WHERE {teams} AND created_at < ?", now, default_days
        ) + self._per_team("DELETE FROM team_event WHERE {teams} AND at < ?", now, default_days)

    def purge_people(self, seen_before: date) -> int:
        """Delete people the bot no longer needs: in no team's conversation, no role, no round.

        Their name, language and personal conversation are all that was left of them.

        Args:
            seen_before: Only people who did nothing with the bot since before this day go:
                someone who just typed their first command is not yet in any team or round.

        Returns:
            How many people were deleted.
        """
        idle = (
            "SELECT m.id FROM member m WHERE (m.seen_on IS NULL OR m.seen_on < ?) "
            "AND NOT EXISTS (SELECT 1 FROM team_member tm WHERE "
            "tm.member_id = m.id AND tm.active = 1) AND NOT EXISTS (SELECT 1 FROM role r WHERE "
            "r.member_id = m.id) AND NOT EXISTS (SELECT 1 FROM round_member rm WHERE "
            "rm.member_id = m.id)"
        )
        found = rows(
            self.db,
            f"SELECT id, personal_conversation_id AS conv FROM member WHERE id IN ({idle})",
            [seen_before.isoformat()],
        )
        if not found:
            return 0
        ids = json.dumps([r["id"] for r in found])
        convs = json.dumps([r["conv"] for r in found if r["conv"] is not None])
        # The people first: their row points at their personal conversation.
        deleted = changed(
            self.db, "DELETE FROM member WHERE id IN (SELECT value FROM json_each(?))", [ids]
        )
        self.db.execute(
            "DELETE FROM conversation WHERE kind = 'personal' AND id IN "
            "(SELECT value FROM json_each(?))",
            [convs],
        )
        return deleted

    def reclaim(self) -> bool:
        """Rewrite the file so deleted data leaves no pages behind; False when it is busy.

        VACUUM cannot run inside a transaction, and waits for no other connection: when one
        is reading, the next day's run tries again.
        """
        if self.db.conn.in_transaction:
            return False
        try:
            self.db.execute("VACUUM")
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:
            return False
        return True
