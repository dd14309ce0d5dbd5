"""SQL for retention: rounds that ended long ago are deleted with everything they hold."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.storage.db import changed, iso


class RetentionStore:
    """Deletes what is kept no longer than the retention period.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def purge_rounds_before(self, cutoff: datetime) -> int:
        """Delete rounds that ended before ``cutoff`` with their questions, answers and posts.

        The foreign keys cascade, so one statement removes every row a round owns.

        Returns:
            How many rounds were deleted.
        """
        return changed(
            self.db,
            "DELETE FROM round WHERE status IN ('closed', 'missed', 'cancelled') AND closes_at < ?",
            [iso(cutoff)],
        )
