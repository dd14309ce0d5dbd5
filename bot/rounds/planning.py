"""Teams and timelines: a new channel becomes a team; a timeline becomes planned rounds."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.core import Core
from bot.messages import ConversationRef
from bot.models import Phase, RoundStatus, Team
from prompts.catalog import t
from scheduler.calendar import Calendar
from scheduler.planner import ExistingRound, PlanDiff, PlanError, diff_plan, plan_rounds

DEFAULT_PROGRAMME = "standaard"


def ensure_team(core: Core, conversation: ConversationRef, now: datetime) -> Team:
    """Return the team of a conversation, creating one with default settings if it is new."""
    directory, settings = core.store.directory, core.settings
    team = directory.team_by_conversation(conversation.platform, conversation.external_id)
    if team:
        return team
    directory.ensure_programme(DEFAULT_PROGRAMME, t("team.default_programme", settings.locale))
    name = conversation.name or conversation.external_id
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "team"
    conv_id = directory.upsert_conversation(conversation)
    return directory.create_team(
        directory.unique_team_id(slug),
        name,
        DEFAULT_PROGRAMME,
        conv_id,
        conversation.platform,
        now,
        locale=settings.locale,
        timezone=settings.timezone,
        open_days=settings.round_working_days,
    )


def plan_timeline(
    core: Core, team: Team, start: date, freshups: list[date], end: date, now: datetime
) -> PlanDiff:
    """Plan (or re-plan) a team's timeline in one transaction and return what changed.

    Only rounds that are still planned move; open, closed and missed rounds are kept, and
    planned rounds without a milestone any more are cancelled. The timers follow.

    Raises:
        scheduler.planner.PlanError: For impossible dates, or a round still to come that
            would open in the past; nothing is stored then.
    """
    store = core.store
    planned = plan_rounds(start, end, freshups, core.calendar(team), team.open_days)
    existing = [
        ExistingRound(r.id, r.phase, r.seq, r.status, r.opens_at, r.closes_at)
        for r in store.rounds.rounds_of(team.id)
        if r.phase.planned and r.status is not RoundStatus.CANCELLED
    ]
    diff = diff_plan(existing, planned)
    _refuse_the_past(diff, core.calendar(team), now)
    with store.atomic():
        store.directory.set_milestones(team.id, [(p.phase, p.seq, p.planned) for p in planned])
        for m in diff.moved:
            store.rounds.move_round(m.id, m.window.opens_at, m.window.remind_at, m.window.closes_at)
        for c in diff.cancelled:
            store.rounds.set_status(
                c.id, RoundStatus.CANCELLED, expect=RoundStatus.PLANNED, now=now
            )
        for a in diff.added:
            store.rounds.insert_round(
                team_id=team.id,
                phase=Phase(a.phase),
                seq=a.seq,
                set_id=a.phase.value,
                opens_at=a.window.opens_at,
                remind_at=a.window.remind_at,
                closes_at=a.window.closes_at,
                anonymity=team.anonymity,
            )
    core.sync_timers(*(r.id for r in store.rounds.rounds_of(team.id)))
    return diff


def _refuse_the_past(diff: PlanDiff, calendar: Calendar, now: datetime) -> None:
    # A round planned to open before now would be marked missed at the next tick, with a
    # message blaming the bot. Rounds already held (kept) may of course lie in the past.
    coming = [(a.phase, a.seq, a.window.opens_at) for a in diff.added]
    coming += [(m.phase, m.seq, m.window.opens_at) for m in diff.moved]
    late = sorted((opens_at, phase, seq) for phase, seq, opens_at in coming if opens_at <= now)
    if not late:
        return
    opens_at, phase, seq = late[0]
    today = now.astimezone(calendar.zone).date()
    first_open = datetime.combine(today, calendar.open_time, tzinfo=calendar.zone)
    earliest = today if first_open > now else today + timedelta(days=1)
    raise PlanError(
        "schedule.in_past",
        round=phase.value,
        round_seq=seq,
        opens_at=opens_at.isoformat(),
        now=now.isoformat(),
        earliest=earliest.isoformat(),
    )
