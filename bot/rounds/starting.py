"""Rounds started now by a manager: for one team, or for every team of a programme at once."""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.core import Core
from bot.models import PLANNED_PHASES, Phase, Round, RoundStatus
from bot.rounds.lifecycle import Lifecycle


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
) -> Round:
    """Record and open an ad-hoc round now, in one transaction; the fan-out posts it later.

    Raises:
        RoundError: ``unknown_team``, ``unknown_set`` or ``already_open``; nothing is stored.
    """
    store = core.store
    team = store.directory.team(team_id)
    if team is None:
        raise RoundError("round_error.unknown_team", team=team_id)
    try:
        core.library.round_set(set_id)
    except KeyError:
        raise RoundError("round_error.unknown_set", name=set_id) from None
    if store.rounds.open_round_of(team_id):
        raise RoundError("round_error.already_open", team=team.name)
    window = core.calendar(team).window_from(now, team.open_days)
    with store.atomic():
        rnd = store.rounds.insert_round(
            team_id=team_id,
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
        )
        if not Lifecycle(core).open_round(rnd.id, now):
            # Raising rolls the insert back: a manager started one there a moment ago.
            raise RoundError("round_error.already_open", team=team.name)
    opened = store.rounds.round(rnd.id)
    assert opened is not None  # committed just above
    return opened


def start_programme(
    core: Core, programme_id: str, set_id: str, member_id: int | None, now: datetime
) -> list[Round]:
    """Open a round in every team of a programme that has no open round, in one transaction.

    Returns:
        The rounds opened; teams with an open round are skipped.
    """
    batch = "b-" + secrets.token_hex(6)
    started: list[Round] = []
    with core.store.atomic():
        for team in core.store.directory.teams(programme_id):
            try:
                started.append(start_round(core, team.id, set_id, member_id, now, batch))
            except RoundError:
                continue  # e.g. the team has an open round already
    return started
