"""Dutch working-day calendar: when a round opens, is reminded and closes, in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

# No real calendar has a year without working days; a longer search means bad closed days.
_MAX_SEARCH_DAYS = 366


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


def dutch_holiday_name(day: date) -> str | None:
    """Return the (English) name of the Dutch holiday on ``day``, if it is one we skip."""
    found = holidays.country_holidays("NL", years=day.year, categories=("public", "optional"))
    name = found.get(day)
    return str(name) if name is not None else None


class Calendar:
    """Working days in the Netherlands for one team's time zone.

    Args:
        timezone: IANA zone name of the team, such as ``Europe/Amsterdam``.
        open_time: Local time a round opens and the reminder goes out.
        close_time: Local time a round closes on its last day.
        open_days: Working days a round stays open, counting the opening day.
        extra_closed: Extra days that are not working days (e.g. the Christmas week).

    Raises:
        ValueError: ``open_days`` below 1 or ``close_time`` not after ``open_time``.
        zoneinfo.ZoneInfoNotFoundError: The zone is unknown (a ``KeyError``).
    """

    def __init__(
        self,
        timezone: str = "Europe/Amsterdam",
        *,
        open_time: time = time(9, 30),
        close_time: time = time(17, 0),
        open_days: int = 5,
        extra_closed: Iterable[date] = (),
    ) -> None:
        if open_days < 1:
            raise ValueError("open_days must be at least 1")
        if close_time <= open_time:
            raise ValueError("close_time must be later than open_time")
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)
        self.open_time = open_time
        self.close_time = close_time
        self.open_days = open_days
        self.extra_closed = frozenset(extra_closed)

    def is_working_day(self, day: date) -> bool:
        """Return whether ``day`` is a working day (no weekend, holiday or closed day)."""
        return (
            day.weekday() < 5
            and day not in _dutch_holidays(day.year)
            and day not in self.extra_closed
        )

    def next_working_day(self, day: date) -> date:
        """Return ``day`` itself when it is a working day, else the first one after it."""
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {day}")

    def previous_working_day(self, day: date) -> date:
        """Return ``day`` itself when it is a working day, else the last one before it."""
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day -= timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {day}")

    def nearest_working_day(self, day: date) -> date:
        """Return the working day closest to ``day``; on a tie the earlier one."""
        before, after = self.previous_working_day(day), self.next_working_day(day)
        return before if (day - before) <= (after - day) else after

    def add_working_days(self, day: date, count: int) -> date:
        """Return the working day ``count`` working days after working day ``day``."""
        while count > 0:
            day = self.next_working_day(day + timedelta(days=1))
            count -= 1
        return day

    def local(self, day: date, at: time) -> datetime:
        """Return ``day`` at local time ``at`` as an aware UTC datetime (DST-correct)."""
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def to_local(self, moment: datetime) -> datetime:
        """Return the aware ``moment`` in the team's zone, for display."""
        return moment.astimezone(self.zone)

    def window_from(self, now: datetime, open_days: int | None = None) -> RoundWindow:
        """Return the window of a round opened right ``now`` (an ad-hoc round).

        A round started after closing time counts from the next working day; a reminder
        that would come (almost) at once moves to halfway between now and the close.
        """
        days = self.open_days if open_days is None else open_days
        today = now.astimezone(self.zone).date()
        first = self.next_working_day(today)
        if first == today and now >= self.local(today, self.close_time):
            first = self.add_working_days(today, 1)
        last = self.add_working_days(first, days - 1)
        closes_at = self.local(last, self.close_time)
        remind_at = self.local(last, self.open_time)
        if remind_at <= now + timedelta(hours=1):
            remind_at = now + (closes_at - now) / 2
        return RoundWindow(now, remind_at, closes_at)

    def window(self, planned: date, open_days: int | None = None) -> RoundWindow:
        """Return when a round planned for ``planned`` opens, is reminded and closes.

        The reminder goes at opening time on the last open day; a one-day round has no
        later morning, so its reminder goes halfway between opening and closing.

        Args:
            planned: The milestone date; a non-working day moves to the next working day.
            open_days: Overrides the calendar's default number of open working days.

        Raises:
            ValueError: ``open_days`` is below 1.
        """
        days = self.open_days if open_days is None else open_days
        if days < 1:
            raise ValueError("open_days must be at least 1")
        first = self.next_working_day(planned)
        last = self.add_working_days(first, days - 1)
        opens_at = self.local(first, self.open_time)
        closes_at = self.local(last, self.close_time)
        if last == first:
            remind_at = opens_at + (closes_at - opens_at) / 2
            remind_at = remind_at.replace(second=0, microsecond=0)
        else:
            remind_at = self.local(last, self.open_time)
        return RoundWindow(opens_at, remind_at, closes_at)
