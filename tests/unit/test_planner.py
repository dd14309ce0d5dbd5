"""Timelines to rounds, validation, and what a re-plan moves, keeps, adds and cancels."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.models import Phase, RoundStatus
from prompts.schedule_text import describe_diff, plan_error_text
from scheduler.calendar import Calendar
from scheduler.planner import ExistingRound, PlanError, PlannedRound, diff_plan, plan_rounds

CAL = Calendar("Europe/Amsterdam")
AMS = ZoneInfo("Europe/Amsterdam")


def stored(rid: int, phase: str, seq: int, status: str, planned: date) -> ExistingRound:
    window = CAL.window(planned)
    return ExistingRound(
        rid, Phase(phase), seq, RoundStatus(status), window.opens_at, window.closes_at
    )


def test_plan_with_given_freshups_in_time_order() -> None:
    rounds = plan_rounds(
        date(2027, 1, 11), date(2027, 5, 28), [date(2027, 3, 15), date(2027, 2, 8)], CAL
    )
    assert [(r.phase, r.seq, r.planned) for r in rounds] == [
        ("start", 0, date(2027, 1, 11)),
        ("freshup", 0, date(2027, 2, 8)),
        ("freshup", 1, date(2027, 3, 15)),
        ("wrapup", 0, date(2027, 5, 28)),
    ]
    assert rounds[0].window == CAL.window(date(2027, 1, 11))
    assert all(a.window.closes_at < b.window.opens_at for a, b in pairwise(rounds))


def test_default_freshup_is_the_working_day_nearest_the_midpoint() -> None:
    # 11 Jan .. 28 May 2027 is 137 days: midpoint Saturday 20 March; Friday 19 is one day
    # away, Monday 22 two.
    rounds = plan_rounds(date(2027, 1, 11), date(2027, 5, 28), [], CAL)
    fresh = rounds[1]
    assert fresh.phase == "freshup" and fresh.seq == 0
    assert fresh.planned == date(2027, 3, 19)
    assert CAL.is_working_day(fresh.planned)


def test_midpoint_on_a_holiday_moves_to_the_nearest_working_day() -> None:
    # 1 April .. 23 May 2027: midpoint Tuesday 27 April, Koningsdag; Monday 26 and
    # Wednesday 28 are equally near, and a tie goes to the earlier day.
    rounds = plan_rounds(date(2027, 4, 1), date(2027, 5, 23), [], CAL)
    assert rounds[1].planned == date(2027, 4, 26)


def test_open_days_are_passed_to_every_window() -> None:
    rounds = plan_rounds(date(2027, 1, 11), date(2027, 1, 29), [], CAL, open_days=2)
    assert rounds[0].window == CAL.window(date(2027, 1, 11), 2)
    assert rounds[-1].window == CAL.window(date(2027, 1, 29), 2)


@pytest.mark.parametrize(
    ("start", "end", "fresh", "key"),
    [
        (date(2027, 5, 28), date(2027, 1, 11), [], "schedule.end_before_start"),
        (date(2027, 1, 11), date(2027, 1, 11), [], "schedule.end_before_start"),
        (date(2027, 1, 11), date(2027, 5, 28), [date(2027, 6, 1)], "schedule.freshup_outside"),
        (date(2027, 1, 11), date(2027, 5, 28), [date(2027, 1, 11)], "schedule.freshup_outside"),
        (
            date(2027, 1, 11),
            date(2027, 5, 28),
            [date(2027, 3, 1), date(2027, 3, 1)],
            "schedule.freshup_twice",
        ),
        (date(2027, 1, 11), date(2027, 5, 28), [date(2027, 1, 13)], "schedule.overlap"),
        (date(2027, 1, 11), date(2027, 1, 15), [], "schedule.overlap"),
    ],
)
def test_invalid_timelines(start: date, end: date, fresh: list[date], key: str) -> None:
    with pytest.raises(PlanError) as info:
        plan_rounds(start, end, fresh, CAL)
    assert info.value.key == key
    assert isinstance(info.value, ValueError)
    for locale in ("nl", "en"):
        assert plan_error_text(info.value, locale, AMS)


def test_overlap_message_names_both_rounds_in_local_time() -> None:
    with pytest.raises(PlanError) as info:
        plan_rounds(date(2027, 1, 11), date(2027, 5, 28), [date(2027, 1, 13)], CAL)
    text = plan_error_text(info.value, "nl", AMS)
    assert "opfrismoment 1" in text and "startmoment" in text
    assert "vr 15 jan 2027, 17:00" in text


def test_a_round_may_open_the_working_day_after_the_previous_closes() -> None:
    # Start Mon 11 Jan closes Fri 15 Jan 17:00; fresh-up Mon 18 Jan opens 09:30.
    rounds = plan_rounds(date(2027, 1, 11), date(2027, 1, 25), [date(2027, 1, 18)], CAL)
    assert len(rounds) == 3


def plan(fresh: list[date]) -> list[PlannedRound]:
    return plan_rounds(date(2027, 1, 11), date(2027, 5, 28), fresh, CAL)


def test_replan_with_the_same_plan_changes_nothing() -> None:
    rounds = plan([date(2027, 3, 15)])
    existing = [stored(i + 1, r.phase, r.seq, "planned", r.planned) for i, r in enumerate(rounds)]
    diff = diff_plan(existing, rounds)
    assert not diff.changed
    assert len(diff.unchanged) == 3
    assert describe_diff(diff, "nl", AMS) == ["Er verandert niets aan de planning."]


def test_replan_moves_only_planned_rounds() -> None:
    existing = [
        stored(1, "start", 0, "closed", date(2027, 1, 11)),
        stored(2, "freshup", 0, "planned", date(2027, 3, 15)),
        stored(3, "wrapup", 0, "planned", date(2027, 5, 28)),
    ]
    new = plan_rounds(date(2027, 1, 18), date(2027, 6, 11), [date(2027, 3, 22)], CAL)
    diff = diff_plan(existing, new)
    assert diff.changed
    assert [k.id for k in diff.kept] == [1]
    assert [(m.id, m.planned) for m in diff.moved] == [
        (2, date(2027, 3, 22)),
        (3, date(2027, 6, 11)),
    ]
    assert diff.moved[0].old_opens_at == existing[1].opens_at
    assert diff.moved[0].window == CAL.window(date(2027, 3, 22))
    assert not diff.added and not diff.cancelled
    assert diff.touched_ids == (2, 3)


def test_open_and_missed_rounds_are_kept_and_not_re_added() -> None:
    existing = [
        stored(1, "start", 0, "missed", date(2027, 1, 11)),
        stored(2, "freshup", 0, "open", date(2027, 3, 15)),
        stored(3, "wrapup", 0, "planned", date(2027, 5, 28)),
    ]
    diff = diff_plan(existing, plan([date(2027, 3, 15)]))
    assert [k.id for k in diff.kept] == [1, 2]
    assert not diff.added and not diff.moved
    assert [u.id for u in diff.unchanged] == [3]


def test_orphans_are_cancelled_and_new_freshups_added() -> None:
    existing = [
        stored(1, "start", 0, "open", date(2027, 1, 11)),
        stored(2, "freshup", 0, "planned", date(2027, 2, 15)),
        stored(3, "freshup", 1, "planned", date(2027, 3, 15)),
        stored(4, "wrapup", 0, "planned", date(2027, 5, 28)),
        stored(5, "adhoc", 0, "closed", date(2027, 4, 1)),
        stored(6, "freshup", 2, "cancelled", date(2027, 4, 12)),
    ]
    diff = diff_plan(existing, plan([date(2027, 2, 15)]))
    assert [c.id for c in diff.cancelled] == [3]
    assert [u.id for u in diff.unchanged] == [2, 4]
    assert [k.id for k in diff.kept] == [1]  # ad-hoc and cancelled rounds are ignored

    diff = diff_plan(existing, plan([date(2027, 2, 15), date(2027, 3, 15), date(2027, 4, 12)]))
    assert [(a.phase, a.seq) for a in diff.added] == [("freshup", 2)]
    lines = describe_diff(diff, "en", AMS)
    assert any("fresh-up 3 is added" in line for line in lines)


def test_replan_refuses_to_overlap_a_kept_round() -> None:
    existing = [
        stored(1, "start", 0, "open", date(2027, 1, 11)),
        stored(2, "freshup", 0, "planned", date(2027, 3, 15)),
        stored(3, "wrapup", 0, "planned", date(2027, 5, 28)),
    ]
    # A new plan starting later would normally be fine, but the open start round stays put
    # and the fresh-up moved to 13 January would open while it runs.
    new = plan_rounds(date(2027, 1, 4), date(2027, 5, 28), [date(2027, 1, 11)], CAL)
    with pytest.raises(PlanError) as info:
        diff_plan(existing, new)
    assert info.value.key == "schedule.overlap"


def test_describe_diff_reads_like_a_message_to_the_manager() -> None:
    existing = [
        stored(1, "start", 0, "closed", date(2027, 1, 11)),
        stored(2, "freshup", 0, "planned", date(2027, 3, 15)),
        stored(3, "freshup", 1, "planned", date(2027, 4, 12)),
        stored(4, "wrapup", 0, "planned", date(2027, 5, 28)),
    ]
    diff = diff_plan(existing, plan([date(2027, 3, 22)]))
    lines = describe_diff(diff, "nl", AMS)
    assert lines == [
        "startmoment blijft zoals het is (afgesloten).",
        "opfrismoment 1 verschuift van ma 15 mrt 2027, 09:30 naar ma 22 mrt 2027, 09:30 "
        "(sluit di 30 mrt 2027, 17:00).",  # Goede Vrijdag and Paasmaandag skipped
        "opfrismoment 2 (ma 12 apr 2027, 09:30) vervalt.",
    ]


def test_existing_times_compare_as_instants() -> None:
    window = CAL.window(date(2027, 5, 28))
    same = ExistingRound(
        9, Phase.WRAPUP, 0, RoundStatus.PLANNED, window.opens_at.astimezone(AMS), window.closes_at
    )
    rounds = plan_rounds(date(2027, 1, 11), date(2027, 5, 28), [date(2027, 3, 15)], CAL)
    diff = diff_plan([same], rounds)
    assert [u.id for u in diff.unchanged] == [9]
    assert datetime(2027, 5, 28, 7, 30, tzinfo=UTC) == window.opens_at
