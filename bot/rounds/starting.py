"""Rounds started now by a manager: for one team, or for every team of a programme at once."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypedDict

from bot.core import Core
from bot.models import PLANNED_PHASES, Anonymity, Phase, Purpose, Round, RoundStatus, Team
from bot.rounds.lifecycle import Lifecycle
from bot.rounds.snapshot import snapshot
from bot.storage.batches import Batch

log = logging.getLogger(__name__)


class RoundError(Exception):
    """A round action was refused; ``key`` names the catalog message, ``params`` its values."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


def default_set(rounds: list[Round]) -> str:
    """Return the phase of a round started without a choice: start first, then fresh-ups."""
    had_start = any(
        r.phase is Phase.START and r.status in (RoundStatus.OPEN, RoundStatus.CLOSED)
        for r in rounds
    )
    return (Phase.FRESHUP if had_start else Phase.START).value


def _phase_of(set_id: str) -> Phase:
    return next((p for p in PLANNED_PHASES if p.value == set_id), Phase.ADHOC)


def start_round(
    core: Core,
    team_id: str,
    set_id: str,
    member_id: int | None,
    now: datetime,
    batch_id: str | None = None,
    step: int | None = None,
) -> Round:
    """Record and open an ad-hoc round now, in one transaction; the fan-out posts it later.

    An exercise opens at its first step unless ``step`` says which (``volgende`` asks the
    next one): each step is a round of its own, so it closes and shows its answers before the
    next one builds on them.

    Raises:
        RoundError: ``unknown_team``, ``unknown_set`` or ``already_open``; nothing is stored.
    """
    store = core.store
    team = store.directory.team(team_id)
    if team is None:
        raise RoundError("round_error.unknown_team", team=team_id)
    try:
        steps = len(core.library.round_set(set_id).steps)
    except KeyError:
        raise RoundError("round_error.unknown_set", name=set_id) from None
    if set_id.startswith("exercise:"):
        step = step or 1
    if step is not None and not 1 <= step <= steps:
        raise RoundError("round_error.unknown_set", name=f"{set_id} {step}")
    if store.rounds.open_round_of(team_id):
        raise RoundError("round_error.already_open", team=team.name)
    with store.atomic():
        rnd = store.rounds.insert_round(
            **_fields(core, team, set_id, member_id, now, batch_id, step)
        )
        if not Lifecycle(core).open_round(rnd.id, now):
            # Raising rolls the insert back: a manager started one there a moment ago.
            raise RoundError("round_error.already_open", team=team.name)
    opened = store.rounds.round(rnd.id)
    assert opened is not None  # committed just above
    return opened


class ProgrammeOutcome(StrEnum):
    """What asking for a programme-wide round did; each has a reply ``start.programme_<x>``."""

    DONE = "done"
    RUNNING = "running"
    FILLED = "filled"
    EVERYWHERE = "everywhere"
    OTHER_SET = "other_set"


@dataclass(frozen=True)
class ProgrammeStart:
    """The result of ``start programma``: the batch and the rounds opened now (maybe none)."""

    outcome: ProgrammeOutcome
    set_id: str
    teams: int
    started: list[Round]
    batch: Batch | None = None


def programme_default_set(core: Core, programme_id: str) -> str:
    """Return the phase of a programme round started without a choice, from the programme.

    Decided by the programme as a whole, never by the team where it is typed: start until
    some team has had its start round, then a fresh-up.
    """
    rounds = [
        r
        for team in core.store.directory.teams(programme_id)
        for r in core.store.rounds.rounds_of(team.id)
    ]
    return default_set(rounds)


def start_programme(
    core: Core, programme_id: str, set_id: str | None, member_id: int | None, now: datetime
) -> ProgrammeStart:
    """Open a round in every team of a programme, recorded as one batch in one transaction.

    The batch fixes its question set when it is recorded. Asking again while its posts are
    still going out changes nothing; asking again once they are out opens the same set in the
    programme's teams that lack it (a team added since, or one that had another round open),
    so after a crash the gaps are filled and nothing is posted twice.

    Args:
        core: The wired context.
        programme_id: The programme.
        set_id: The set asked for; None lets the programme's history choose.
        member_id: Who asked.
        now: The moment.
    """
    store = core.store
    teams = store.directory.teams(programme_id)
    with store.atomic():
        running = store.batches.latest_open(programme_id)
        if running is not None:
            if set_id is not None and set_id != running.set_id:
                return ProgrammeStart(
                    ProgrammeOutcome.OTHER_SET, running.set_id, len(teams), [], running
                )
            if running.posts_waiting:
                return ProgrammeStart(
                    ProgrammeOutcome.RUNNING, running.set_id, len(teams), [], running
                )
            have = store.batches.teams_in(running.id)
            started = _open_all(
                core,
                [t for t in teams if t.id not in have],
                running.set_id,
                member_id,
                now,
                running.id,
            )
            outcome = ProgrammeOutcome.FILLED if started else ProgrammeOutcome.EVERYWHERE
            return ProgrammeStart(outcome, running.set_id, len(teams), started, running)
        chosen = set_id or programme_default_set(core, programme_id)
        batch_id = "b-" + secrets.token_hex(6)
        store.batches.create(batch_id, programme_id, chosen, member_id, now, len(teams))
        started = _open_all(core, teams, chosen, member_id, now, batch_id)
        return ProgrammeStart(ProgrammeOutcome.DONE, chosen, len(teams), started)


def _open_all(
    core: Core,
    teams: list[Team],
    set_id: str,
    member_id: int | None,
    now: datetime,
    batch_id: str,
) -> list[Round]:
    """Open the set in every team given that has no round open: the whole batch at once.

    Inside the caller's write transaction: one read of which teams are busy, then the rounds,
    their question snapshots (packed once for the batch), rosters and posts written with a
    statement each, where opening them one by one cost some thirty statements per team.
    """
    store = core.store
    step = 1 if set_id.startswith("exercise:") else None
    try:
        questions = snapshot(core.library, set_id, 0, step)
    except KeyError:
        return []
    busy = store.rounds.teams_with_open_round([t.id for t in teams])
    chosen = [t for t in teams if t.id not in busy]  # e.g. the team has another round open
    specs = [
        {
            **_fields(core, team, set_id, member_id, now, batch_id, step),
            "secret": secrets.token_hex(32),
        }
        for team in chosen
    ]
    with store.atomic():
        opened = store.rounds.insert_open_rounds(specs, now)
        ids = [r.id for r in opened]
        store.answers.snapshot_questions_of(ids, questions)
        store.answers.set_rosters_from_teams([(r.id, r.team_id) for r in opened])
        convs = [t.conversation_id or 0 for t in chosen]
        store.outbox.add_many(ids, Purpose.OPEN, now, convs)
    log.info("batch %s: %d rounds opened", batch_id, len(opened))
    core.sync_timers(*ids)
    return opened


class _NewRound(TypedDict):
    """``RoundStore.insert_round``'s keyword arguments."""

    team_id: str
    phase: Phase
    seq: int
    set_id: str
    opens_at: datetime
    remind_at: datetime | None
    closes_at: datetime
    anonymity: Anonymity
    batch_id: str | None
    created_by: int | None
    theme: str | None
    step: int | None


def _fields(
    core: Core,
    team: Team,
    set_id: str,
    member_id: int | None,
    now: datetime,
    batch_id: str | None,
    step: int | None,
) -> _NewRound:
    """The columns of a round started now in ``team``: one source for one and a batch."""
    window = core.calendar(team).window_from(now, team.open_days)
    return _NewRound(
        team_id=team.id,
        phase=_phase_of(set_id),
        seq=0,
        set_id=set_id,
        opens_at=now,
        remind_at=window.remind_at,
        closes_at=window.closes_at,
        anonymity=team.anonymity,
        batch_id=batch_id,
        created_by=member_id,
        theme=set_id.partition(":")[2] if set_id.startswith("theme:") else None,
        step=step,
    )
