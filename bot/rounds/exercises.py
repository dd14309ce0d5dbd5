"""Facilitated exercises in steps: ``volgende`` closes the step that is open and opens the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.core import Core
from bot.models import Round, RoundStatus, Team
from bot.rounds.lifecycle import Lifecycle
from bot.rounds.starting import RoundError, start_round


class NextOutcome(StrEnum):
    """What ``volgende`` did; each has a reply ``exercise.next.<x>``."""

    OPENED = "opened"
    FINISHED = "finished"


@dataclass(frozen=True)
class NextStep:
    """The result of ``volgende``: the round now open (a next step) or the last one closed."""

    outcome: NextOutcome
    rnd: Round
    steps: int


def current_step(core: Core, team: Team) -> Round | None:
    """Return the latest step round of the team's exercise while that exercise still runs.

    An exercise runs until its last step has closed or one of its steps was stopped.
    """
    latest = core.store.rounds.latest_step_round(team.id)
    if latest is None or latest.status is RoundStatus.CANCELLED:
        return None
    try:
        steps = len(core.library.round_set(latest.set_id or "").steps)
    except KeyError:
        return None
    if latest.step == steps and latest.status is not RoundStatus.OPEN:
        return None
    return latest


def next_step(core: Core, team: Team, member_id: int | None, now: datetime) -> NextStep:
    """Close the exercise's open step and open the next one, in one transaction.

    The next step's post shows what the earlier ones produced; closing the last step keeps
    the team's agreement (``bot.rounds.outcome``).

    Raises:
        RoundError: ``exercise.next.none`` (no exercise runs) or ``exercise.next.busy``
            (another round is open); nothing changes.
    """
    store = core.store
    with store.atomic():
        latest = current_step(core, team)
        if latest is None or latest.set_id is None or latest.step is None:
            raise RoundError("exercise.next.none", exercises=sorted(core.library.exercises))
        steps = len(core.library.round_set(latest.set_id).steps)
        if latest.status is RoundStatus.OPEN:
            Lifecycle(core).close_round(latest.id, now)
        if latest.step >= steps:
            closed = store.rounds.round(latest.id)
            assert closed is not None  # closed just above, in this transaction
            return NextStep(NextOutcome.FINISHED, closed, steps)
        other = store.rounds.open_round_of(team.id)
        if other is not None:
            raise RoundError("exercise.next.busy", round_id=other.id)
        rnd = start_round(core, team.id, latest.set_id, member_id, now, step=latest.step + 1)
    return NextStep(NextOutcome.OPENED, rnd, steps)
