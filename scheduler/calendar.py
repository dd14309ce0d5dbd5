"""Dutch working-day calendar: when a round opens, is reminded and closes, in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class RoundWindow:
    """The three moments of a round, as aware UTC datetimes."""

    opens_at: datetime
    remind_at: datetime
    closes_at: datetime


@lru_cache(maxsize=64)
def _dutch_holidays(year: int) -> frozenset[date]:
    # Bevrijdingsdag is only PUBLIC in lustrum years; OPTIONAL covers it (and Good Friday)
    # in the other years. Government offices mostly close on both, so we skip both.
    found = holidays.country_holidays("NL", years=year, categories=("public", "optional"))
    return frozenset(found.keys())


class Calendar:
    """Working days in the Netherlands for one team's time zone.

    Args:
        timezone: IANA zone name of the team, such as ``Europe/Amsterdam``.
        open_time: Local time a round opens and the reminder goes out.
        close_time: Local time a round closes on its last day.
        open_days: Working days a round stays open, counting the opening day.
        extra_closed: Extra days that are not working days (e.g. the Christmas week).
    """

    def __init__(self, timezone: str = "Europe/Amsterdam", *, open_time: time = time(9, 30),
                 close_time: time = time(17, 0), open_days: int = 5,
                 extra_closed: Iterable[date] = ()):
        if open_days < 1:
            raise ValueError("open_days must be at least 1")
        self.zone = ZoneInfo(timezone)
        self.open_time = open_time
        self.close_time = close_time
        self.open_days = open_days
        self.extra_closed = frozenset(extra_closed)

    def is_working_day(self, day: date) -> bool:
        """Return whether ``day`` is a working day (no weekend, holiday or closed day)."""
        return (day.weekday() < 5 and day not in _dutch_holidays(day.year)
                and day not in self.extra_closed)

    def next_working_day(self, day: date) -> date:
        """Return ``day`` itself when it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """Return the working day ``count`` working days after working day ``day``."""
        while count > 0:
            day = self.next_working_day(day + timedelta(days=1))
            count -= 1
        return day

    def local(self, day: date, at: time) -> datetime:
        """Return ``day`` at local time ``at`` as an aware UTC datetime (DST-correct)."""
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def window(self, planned: date, open_days: int | None = None) -> RoundWindow:
        """Return when a round planned for ``planned`` opens, is reminded and closes.

        Args:
            planned: The milestone date; a non-working day moves to the next working day.
            open_days: Overrides the calendar's default number of open working days.
        """
        first = self.next_working_day(planned)
        last = self.add_working_days(first, (open_days or self.open_days) - 1)
        return RoundWindow(self.local(first, self.open_time), self.local(last, self.open_time),
                           self.local(last, self.close_time))
