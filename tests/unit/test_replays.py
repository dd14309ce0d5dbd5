"""Ids of requests a platform never retries: replays within the window are caught, in memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.replays import REPLAY_WINDOW, RecentIds

NOW = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)


def test_a_replay_within_the_window_is_caught_and_after_it_is_new_again() -> None:
    ids = RecentIds()
    assert ids.first_seen("slack", "1.2", NOW)
    assert not ids.first_seen("slack", "1.2", NOW + REPLAY_WINDOW - timedelta(seconds=1))
    assert ids.first_seen("teams", "1.2", NOW), "ids of two platforms never collide"
    # Past the window a copy's signature has expired, so the id need not be kept.
    assert ids.first_seen("slack", "1.2", NOW + REPLAY_WINDOW + timedelta(seconds=1))


def test_a_flood_of_distinct_ids_keeps_memory_bounded() -> None:
    ids = RecentIds(limit=100)
    for n in range(1000):
        assert ids.first_seen("slack", str(n), NOW)
    assert len(ids._seen) == 100
    assert not ids.first_seen("slack", "999", NOW), "the newest are kept"
