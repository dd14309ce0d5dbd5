"""Clocks: the system clock and a manual clock for tests and the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current time in UTC."""


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; used by tests and the demo."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to ``when``; the clock never runs backwards."""
        when = when.astimezone(UTC)
        if when < self._now:
            raise ValueError("ManualClock cannot run backwards")
        self._now = when

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self.set(self._now + delta)
