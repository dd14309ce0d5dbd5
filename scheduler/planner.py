"""Milestones to rounds, and what re-planning changes: pure, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from bot.models import Phase, RoundStatus
from scheduler.calendar import Calendar, RoundWindow


class PlanError(ValueError):
    """A timeline that cannot become rounds.

    Attributes:
        key: Message catalog key (``schedule.<...>``) explaining the problem.
        params: Values for the message's placeholders (dates as ISO strings).
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(f"{key} {params}")
        self.key = key
        self.params = params


@dataclass(frozen=True)
class PlannedRound:
    """A round the timeline asks for: phase, position among fresh-ups, and its window."""

    phase: Phase
    seq: int
    planned: date
    window: RoundWindow

    @property
    def key(self) -> tuple[Phase, int]:
        """The identity a re-plan matches on: ``(phase, seq)``."""
        return (self.phase, self.seq)


def plan_rounds(
    start: date,
    end: date,
    freshups: Sequence[date],
    calendar: Calendar,
    open_days: int | None = None,
) -> list[PlannedRound]:
    """Turn a timeline into rounds: a start, one or more fresh-ups and a wrap-up.

    Rounds never overlap: each must close before the next opens, because a team has at most
    one open round (the ``round_one_open`` index) and a fresh-up that opens while the
    previous round still runs would ask the same people twice in one week.

    Args:
        start: Date of the start round (``start``).
        end: Date of the wrap-up round (``afronding``).
        freshups: Dates of fresh-up rounds; empty means one at the working day nearest
            the midpoint between ``start`` and ``end``.
        calendar: The team's calendar.
        open_days: Working days each round stays open; defaults to the calendar's.

    Returns:
        The rounds in time order, fresh-ups numbered 0, 1, ... by date.

    Raises:
        PlanError: ``schedule.end_before_start``, ``schedule.freshup_outside``,
            ``schedule.freshup_twice`` or ``schedule.overlap``.
    """
    if end <= start:
        raise PlanError("schedule.end_before_start", start=start.isoformat(), end=end.isoformat())
    dates = sorted(freshups)
    for day in dates:
        if not start < day < end:
            raise PlanError(
                "schedule.freshup_outside",
                date=day.isoformat(),
                start=start.isoformat(),
                end=end.isoformat(),
            )
    for earlier, later in pairwise(dates):
        if earlier == later:
            raise PlanError("schedule.freshup_twice", date=later.isoformat())
    if not dates:
        dates = [calendar.nearest_working_day(start + (end - start) / 2)]
    rounds = [PlannedRound(Phase.START, 0, start, calendar.window(start, open_days))]
    rounds += [
        PlannedRound(Phase.FRESHUP, seq, day, calendar.window(day, open_days))
        for seq, day in enumerate(dates)
    ]
    rounds.append(PlannedRound(Phase.WRAPUP, 0, end, calendar.window(end, open_days)))
    check_no_overlap([(r.phase, r.seq, r.window.opens_at, r.window.closes_at) for r in rounds])
    return rounds


def check_no_overlap(spans: Sequence[tuple[Phase, int, datetime, datetime]]) -> None:
    """Raise when any round opens before the previous one (in time) has closed.

    Args:
        spans: ``(phase, seq, opens_at, closes_at)`` per round, in any order.

    Raises:
        PlanError: ``schedule.overlap`` naming both rounds and the clash.
    """
    ordered = sorted(spans, key=lambda s: (s[2], s[3]))
    for (phase_a, seq_a, _, closes_a), (phase_b, seq_b, opens_b, _) in pairwise(ordered):
        if opens_b < closes_a:
            raise PlanError(
                "schedule.overlap",
                first=phase_a,
                first_seq=seq_a,
                second=phase_b,
                second_seq=seq_b,
                closes_at=closes_a.isoformat(),
                opens_at=opens_b.isoformat(),
            )


@dataclass(frozen=True)
class ExistingRound:
    """A round already stored for the team (``opens_at``/``closes_at`` aware UTC)."""

    id: int
    phase: Phase
    seq: int
    status: RoundStatus
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class MovedRound:
    """A still-planned round whose window changes."""

    id: int
    phase: Phase
    seq: int
    old_opens_at: datetime
    old_closes_at: datetime
    planned: date
    window: RoundWindow


@dataclass(frozen=True)
class PlanDiff:
    """What a re-plan does to a team's stored rounds.

    Attributes:
        moved: Planned rounds whose window changes (update by id).
        added: Rounds to insert.
        cancelled: Planned rounds without a counterpart (set status ``cancelled``).
        kept: Open, closed and missed rounds, which a plan never touches.
        unchanged: Planned rounds whose window is already right.
    """

    moved: tuple[MovedRound, ...] = ()
    added: tuple[PlannedRound, ...] = ()
    cancelled: tuple[ExistingRound, ...] = ()
    kept: tuple[ExistingRound, ...] = ()
    unchanged: tuple[ExistingRound, ...] = field(default=())

    @property
    def changed(self) -> bool:
        """Whether applying the diff changes anything."""
        return bool(self.moved or self.added or self.cancelled)

    @property
    def touched_ids(self) -> tuple[int, ...]:
        """Ids of stored rounds whose timers must be re-derived (moved or cancelled)."""
        return tuple(m.id for m in self.moved) + tuple(c.id for c in self.cancelled)


def diff_plan(existing: Sequence[ExistingRound], planned: Sequence[PlannedRound]) -> PlanDiff:
    """Compare a team's stored rounds with a new plan, matching on ``(phase, seq)``.

    Only rounds with status ``planned`` move. Open, closed and missed rounds are kept, and
    the plan's round for the same ``(phase, seq)`` is dropped: that moment has happened.
    Ad-hoc and cancelled rounds are not part of a timeline and are ignored.

    Args:
        existing: The team's stored rounds.
        planned: The output of :func:`plan_rounds`.

    Returns:
        The diff; apply it in one transaction and re-derive timers for ``touched_ids``
        and the new rows.

    Raises:
        PlanError: ``schedule.overlap`` when a new window overlaps a kept round.
    """
    wanted = {p.key: p for p in planned}
    moved: list[MovedRound] = []
    cancelled: list[ExistingRound] = []
    kept: list[ExistingRound] = []
    unchanged: list[ExistingRound] = []
    seen: set[tuple[Phase, int]] = set()
    for row in sorted(existing, key=lambda r: (r.opens_at, r.id)):
        if not row.phase.planned or row.status is RoundStatus.CANCELLED:
            continue
        key = (row.phase, row.seq)
        target = wanted.get(key) if key not in seen else None
        seen.add(key)
        if row.status is not RoundStatus.PLANNED:
            kept.append(row)
        elif target is None:
            cancelled.append(row)
        elif (target.window.opens_at, target.window.closes_at) == (row.opens_at, row.closes_at):
            unchanged.append(row)
        else:
            moved.append(
                MovedRound(
                    row.id,
                    row.phase,
                    row.seq,
                    row.opens_at,
                    row.closes_at,
                    target.planned,
                    target.window,
                )
            )
    added = [p for p in planned if p.key not in seen]
    spans = [(r.phase, r.seq, r.opens_at, r.closes_at) for r in kept + unchanged]
    spans += [(m.phase, m.seq, m.window.opens_at, m.window.closes_at) for m in moved]
    spans += [(p.phase, p.seq, p.window.opens_at, p.window.closes_at) for p in added]
    check_no_overlap(spans)
    return PlanDiff(tuple(moved), tuple(added), tuple(cancelled), tuple(kept), tuple(unchanged))
