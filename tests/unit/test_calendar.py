"""Working days, holidays, DST and the round window of the Dutch calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from scheduler.calendar import Calendar, dutch_holiday_name

AMS = Calendar("Europe/Amsterdam")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2027, 1, 1), "Nieuwjaar"),
        (date(2026, 4, 3), "Goede Vrijdag"),
        (date(2027, 3, 26), "Goede Vrijdag"),
        (date(2027, 3, 29), "Tweede Paasdag"),
        (date(2026, 4, 27), "Koningsdag"),
        (date(2027, 4, 27), "Koningsdag"),
        (date(2025, 5, 5), "Bevrijdingsdag (lustrum, public)"),
        (date(2027, 5, 5), "Bevrijdingsdag (optional)"),
        (date(2026, 5, 14), "Hemelvaart"),
        (date(2027, 5, 6), "Hemelvaart"),
        (date(2026, 5, 25), "Tweede Pinksterdag"),
        (date(2027, 5, 17), "Tweede Pinksterdag"),
        (date(2026, 12, 25), "Eerste Kerstdag"),
        (date(2025, 12, 26), "Tweede Kerstdag"),
    ],
)
def test_dutch_holidays_are_not_working_days(day: date, name: str) -> None:
    assert day.weekday() < 5, f"{name} should fall on a weekday in this test"
    assert not AMS.is_working_day(day), name
    assert dutch_holiday_name(day) is not None


def test_weekends_are_not_working_days_and_ordinary_weekdays_are() -> None:
    assert not AMS.is_working_day(date(2027, 1, 9))  # Saturday
    assert not AMS.is_working_day(date(2027, 1, 10))  # Sunday
    assert AMS.is_working_day(date(2027, 1, 11))  # Monday
    assert dutch_holiday_name(date(2027, 1, 11)) is None


def test_bevrijdingsdag_on_a_weekend_changes_nothing() -> None:
    # 5 May 2029 is a Saturday; the Friday before and Monday after stay working days.
    assert AMS.is_working_day(date(2029, 5, 4))
    assert AMS.is_working_day(date(2029, 5, 7))


def test_next_previous_and_nearest_working_day() -> None:
    saturday = date(2027, 1, 9)
    assert AMS.next_working_day(saturday) == date(2027, 1, 11)
    assert AMS.previous_working_day(saturday) == date(2027, 1, 8)
    assert AMS.nearest_working_day(saturday) == date(2027, 1, 8)  # Friday is 1 day away
    assert AMS.nearest_working_day(date(2027, 1, 10)) == date(2027, 1, 11)
    assert AMS.nearest_working_day(date(2027, 1, 13)) == date(2027, 1, 13)


def test_add_working_days_skips_holidays() -> None:
    # Thursday 13 May 2026 + 1 working day: Hemelvaart (14th) skipped, Friday 15th.
    assert AMS.add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 15)
    assert AMS.add_working_days(date(2026, 5, 13), 0) == date(2026, 5, 13)


def test_year_end_example_from_design() -> None:
    window = AMS.window(date(2026, 12, 25))
    assert AMS.to_local(window.opens_at).isoformat() == "2026-12-28T09:30:00+01:00"
    assert AMS.to_local(window.remind_at).isoformat() == "2027-01-04T09:30:00+01:00"
    assert AMS.to_local(window.closes_at).isoformat() == "2027-01-04T17:00:00+01:00"
    assert window.opens_at == utc(2026, 12, 28, 8, 30)


def test_dst_spring_forward_monday_after_last_sunday_of_march() -> None:
    window = AMS.window(date(2026, 3, 30))
    assert window.opens_at == utc(2026, 3, 30, 7, 30)
    assert AMS.to_local(window.opens_at).isoformat() == "2026-03-30T09:30:00+02:00"


def test_dst_autumn_back_monday_after_last_sunday_of_october() -> None:
    window = AMS.window(date(2026, 10, 26))
    assert window.opens_at == utc(2026, 10, 26, 8, 30)
    assert window.closes_at == utc(2026, 10, 30, 16, 0)


def test_window_across_the_dst_switch_keeps_local_wall_times() -> None:
    # Opens Thursday 26 March 2026 in winter time, closes Wednesday 1 April in summer time.
    window = AMS.window(date(2026, 3, 26))
    assert window.opens_at == utc(2026, 3, 26, 8, 30)
    assert window.remind_at == utc(2026, 4, 1, 7, 30)
    assert window.closes_at == utc(2026, 4, 1, 15, 0)


def test_window_over_easter_and_kings_day() -> None:
    # Good Friday 26 March 2027 moves the opening to Tuesday after Easter Monday.
    window = AMS.window(date(2027, 3, 26))
    assert AMS.to_local(window.opens_at).date() == date(2027, 3, 30)
    assert AMS.to_local(window.closes_at).date() == date(2027, 4, 5)
    # Koningsdag 2027 (Tuesday) inside the window adds a day.
    window = AMS.window(date(2027, 4, 26))
    assert AMS.to_local(window.closes_at).date() == date(2027, 5, 3)


def test_extra_closed_days() -> None:
    christmas_week = [date(2026, 12, 28 + i) for i in range(4)]
    cal = Calendar(extra_closed=christmas_week)
    window = cal.window(date(2026, 12, 25))
    assert cal.to_local(window.opens_at).isoformat() == "2027-01-04T09:30:00+01:00"
    assert cal.to_local(window.closes_at).isoformat() == "2027-01-08T17:00:00+01:00"


def test_open_days_override_and_one_day_round_reminds_midday() -> None:
    window = AMS.window(date(2027, 1, 11), open_days=3)
    assert window.closes_at == utc(2027, 1, 13, 16, 0)
    one = AMS.window(date(2027, 1, 11), open_days=1)
    assert one.opens_at < one.remind_at < one.closes_at
    assert AMS.to_local(one.remind_at).time() == time(13, 15)
    with pytest.raises(ValueError):
        AMS.window(date(2027, 1, 11), open_days=0)


def test_other_zone_and_custom_times() -> None:
    cal = Calendar("America/Curacao", open_time=time(8, 0), close_time=time(16, 0))
    window = cal.window(date(2027, 1, 11))
    assert window.opens_at == utc(2027, 1, 11, 12, 0)
    assert window.closes_at == utc(2027, 1, 15, 20, 0)


def test_invalid_calendars_are_refused() -> None:
    with pytest.raises(ValueError):
        Calendar(open_days=0)
    with pytest.raises(ValueError):
        Calendar(open_time=time(17, 0), close_time=time(9, 0))
    with pytest.raises(KeyError):  # ZoneInfoNotFoundError
        Calendar("Mars/Olympus")


def test_absurd_closed_days_do_not_loop_forever() -> None:
    every_day = [date(2027, 1, 1).fromordinal(date(2027, 1, 1).toordinal() + i) for i in range(800)]
    with pytest.raises(ValueError):
        Calendar(extra_closed=every_day).next_working_day(date(2027, 1, 1))
