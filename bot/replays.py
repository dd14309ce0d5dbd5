"""Request ids a platform never sends twice by itself, remembered in memory for a replay window."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

# A signed Slack request is accepted for five minutes after its timestamp (SignatureVerifier),
# so a copy can only be replayed within that window; a little more covers clock skew.
REPLAY_WINDOW = timedelta(minutes=6)
# Bounds memory under a flood of distinct ids; far above the requests of six busy minutes.
MAX_IDS = 100_000


class RecentIds:
    """Which ids were seen within the replay window; oldest first, forgotten as they age.

    Slack never retries slash commands or interactivity, so their trigger ids need no durable
    record: a copy of such a request can only be a replay within its signature's lifetime.
    Keeping them here spares each of those acknowledgements a committed (fsync'd) write.
    """

    def __init__(self, window: timedelta = REPLAY_WINDOW, limit: int = MAX_IDS):
        self.window = window
        self.limit = limit
        self._seen: OrderedDict[tuple[str, str], datetime] = OrderedDict()

    def first_seen(self, platform: str, event_id: str, now: datetime) -> bool:
        """Remember ``event_id``; False when it was seen within the window.

        Args:
            platform: Where the id comes from (ids of two platforms never collide).
            event_id: The platform's id of the request.
            now: The core clock's time.
        """
        self._forget(now)
        key = (platform, event_id)
        if key in self._seen:
            return False
        self._seen[key] = now
        if len(self._seen) > self.limit:
            self._seen.popitem(last=False)
        return True

    def _forget(self, now: datetime) -> None:
        cutoff = now - self.window
        while self._seen:
            oldest = next(iter(self._seen.values()))
            if oldest >= cutoff:
                return
            self._seen.popitem(last=False)
