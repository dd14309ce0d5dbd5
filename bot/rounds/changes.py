"""Reflection when the team changes: a newcomer joins the channel, or the task changes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.core import Core
from bot.messages import Actor
from bot.models import Phase, Purpose, RoleName, Round, RoundStatus, Team, TeamEventKind
from bot.rounds.starting import RoundError, start_round

log = logging.getLogger(__name__)

RECONTRACT_SET = "hercontract"
"""The round a manager is offered when someone joins (``start hercontract``)."""
TASK_CHANGE_SET = "taakwijziging"
"""The round ``wijziging`` opens: did the individual or the collective task change?"""
MAX_NOTE = 300
"""Characters of a task change's description: a line on the timeline, not a document."""


def had_start(core: Core, team: Team) -> bool:
    """Return whether the team's start round has opened (so a newcomer missed it)."""
    return any(
        r.phase is Phase.START and r.status in (RoundStatus.OPEN, RoundStatus.CLOSED)
        for r in core.store.rounds.rounds_of(team.id)
    )


def member_joined(core: Core, team: Team, actor: Actor, now: datetime) -> int:
    """Record that someone joined the team and, after the start, offer the managers a round.

    The offer goes privately to each manager (not the newcomer), through the outbox, at most
    once per round the team had: several people joining in one week are one offer.

    Returns:
        How many managers are offered the re-contracting round (0 before the start round).
    """
    store = core.store
    offered = 0
    with store.atomic():
        member = store.people.upsert_member(actor)
        store.people.add_team_member(team.id, member.id)
        store.timeline.add_event(team.id, TeamEventKind.JOINED, now, member_id=member.id)
        # The offer hangs on the round the newcomer missed most recently: one offer per round.
        opened = [
            r
            for r in store.rounds.rounds_of(team.id)
            if r.status in (RoundStatus.OPEN, RoundStatus.CLOSED)
        ]
        latest = max(opened, key=lambda r: (r.opens_at, r.id)) if opened else None
        if latest is None or not had_start(core, team):
            return 0
        for manager in store.people.people_with_role(team, RoleName.MANAGER):
            if manager.id != member.id:
                offered += store.outbox.add(latest.id, Purpose.JOINED, now, member_id=manager.id)
    log.info("member %s joined team %s; %s managers offered a round", member.id, team.id, offered)
    return offered


@dataclass(frozen=True)
class TaskChange:
    """A recorded task change and the re-check round it opened (None: another was open)."""

    event_id: int
    rnd: Round | None
    busy: Round | None = None


def task_changed(
    core: Core, team: Team, member_id: int | None, note: str, now: datetime
) -> TaskChange:
    """Record that the task changed and open the re-check round, in one transaction.

    When another round is open the change is still recorded; the reply says how to start
    the re-check round later.
    """
    store = core.store
    with store.atomic():
        event_id = store.timeline.add_event(
            team.id, TeamEventKind.TASK_CHANGED, now, member_id=member_id, note=note
        )
        try:
            rnd = start_round(core, team.id, TASK_CHANGE_SET, member_id, now)
        except RoundError:
            return TaskChange(event_id, None, store.rounds.open_round_of(team.id))
        store.timeline.link_round(event_id, rnd.id)
    return TaskChange(event_id, rnd)
