"""SQL for inbound event ids: a platform's redelivery is recognised and counted once."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.storage.db import changed, iso


class EventStore:
    """Remembers which inbound events were handled.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def first_seen(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record an inbound event; False when it was seen before (a redelivery)."""
        return (
            changed(
                self.db,
                "INSERT OR IGNORE INTO inbound_event (platform, event_id, seen_at) "
                "VALUES (?, ?, ?)",
                [platform, event_id, iso(now)],
            )
            == 1
        )

    def forget_before(self, cutoff: datetime) -> int:
        """Forget event ids older than ``cutoff``; platforms redeliver within minutes."""
        return changed(self.db, "DELETE FROM inbound_event WHERE seen_at < ?", [iso(cutoff)])
