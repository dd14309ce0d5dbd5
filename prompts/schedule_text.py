"""Dates, moments, round names, plan errors and re-plan diffs in the reader's language."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from prompts.catalog import t
from scheduler.planner import PlanDiff, PlanError


def phase_label(phase: str, seq: int, locale: str | None) -> str:
    """Return a round's name for people, e.g. ``opfrismoment 2`` for fresh-up seq 1."""
    return t(f"schedule.phase.{phase}", locale, n=seq + 1)


def format_moment(moment: datetime, zone: tzinfo, locale: str | None) -> str:
    """Return ``moment`` in ``zone`` as e.g. ``ma 11 jan 2027, 09:30``."""
    local = moment.astimezone(zone)
    return t(
        "schedule.moment",
        locale,
        weekday=t(f"schedule.weekday.{local.weekday()}", locale),
        day=local.day,
        month=t(f"schedule.month.{local.month}", locale),
        year=local.year,
        time=local.strftime("%H:%M"),
    )


def format_day(day: date, locale: str | None) -> str:
    """Return a date as e.g. ``vr 25 dec 2026``."""
    return (
        f"{t(f'schedule.weekday.{day.weekday()}', locale)} {day.day} "
        f"{t(f'schedule.month.{day.month}', locale)} {day.year}"
    )


def plan_error_text(error: PlanError, locale: str | None, zone: tzinfo) -> str:
    """Return the message for a :class:`PlanError`, with names and times made readable."""
    params = dict(error.params)
    for name in ("date", "start", "end"):
        if name in params:
            params[name] = format_day(date.fromisoformat(params[name]), locale)
    if "round" in params:
        params["round"] = phase_label(params["round"], params.pop("round_seq"), locale)
    if error.key == "schedule.in_past":
        for name in ("opens_at", "now"):
            params[name] = format_moment(datetime.fromisoformat(params[name]), zone, locale)
    if error.key == "schedule.overlap":
        params["first"] = phase_label(params.pop("first"), params.pop("first_seq"), locale)
        params["second"] = phase_label(params.pop("second"), params.pop("second_seq"), locale)
        for name in ("opens_at", "closes_at"):
            params[name] = format_moment(datetime.fromisoformat(params[name]), zone, locale)
    return t(error.key, locale, **params)


def describe_diff(diff: PlanDiff, locale: str | None, zone: tzinfo) -> list[str]:
    """Return one line per change of a re-plan, for the manager; unchanged rounds are silent.

    Args:
        diff: The result of :func:`scheduler.planner.diff_plan`.
        locale: ``nl`` or ``en``.
        zone: The team's zone, so times read as the team lives them.
    """
    if not diff.changed:
        return [t("schedule.diff.none", locale)]

    def when(moment: datetime) -> str:
        return format_moment(moment, zone, locale)

    lines = [
        t(
            "schedule.diff.kept",
            locale,
            round=phase_label(k.phase, k.seq, locale),
            status=t(f"schedule.status.{k.status}", locale),
        )
        for k in diff.kept
    ]
    lines += [
        t(
            "schedule.diff.moved",
            locale,
            round=phase_label(m.phase, m.seq, locale),
            old=when(m.old_opens_at),
            new=when(m.window.opens_at),
            closes=when(m.window.closes_at),
        )
        for m in diff.moved
    ]
    lines += [
        t(
            "schedule.diff.added",
            locale,
            round=phase_label(a.phase, a.seq, locale),
            opens=when(a.window.opens_at),
            closes=when(a.window.closes_at),
        )
        for a in diff.added
    ]
    lines += [
        t(
            "schedule.diff.cancelled",
            locale,
            round=phase_label(c.phase, c.seq, locale),
            opens=when(c.opens_at),
        )
        for c in diff.cancelled
    ]
    return lines
