"""Teams and timelines: a new channel becomes a team; a timeline becomes planned rounds."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.messages import ConversationRef
from bot.models import Phase, RoundStatus, Team
from prompts.catalog import t
from scheduler.planner import ExistingRound, PlanDiff, diff_plan, plan_rounds

if TYPE_CHECKING:
    from bot.lifecycle import Lifecycle

PLANNED_PHASES = (Phase.START, Phase.FRESHUP, Phase.WRAPUP)
DEFAULT_PROGRAMME = "standaard"


def ensure_team(lc: Lifecycle, conversation: ConversationRef, now: datetime) -> Team:
    """Return the team of a conversation, creating one with default settings if it is new."""
    team = lc.directory.team_by_conversation(conversation.platform, conversation.external_id)
    if team:
        return team
    lc.directory.ensure_programme(
        DEFAULT_PROGRAMME, t("team.default_programme", lc.settings.locale)
    )
    name = conversation.name or conversation.external_id
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "team"
    conv_id = lc.directory.upsert_conversation(conversation)
    return lc.directory.create_team(
        lc.directory.unique_team_id(slug),
        name,
        DEFAULT_PROGRAMME,
        conv_id,
        conversation.platform,
        now,
        locale=lc.settings.locale,
        timezone=lc.settings.timezone,
        open_days=lc.settings.round_working_days,
    )


def plan_timeline(
    lc: Lifecycle, team: Team, start: date, freshups: list[date], end: date, now: datetime
) -> PlanDiff:
    """Plan (or re-plan) a team's timeline in one transaction and return what changed.

    Only rounds that are still planned move; open, closed and missed rounds are kept, and
    planned rounds without a milestone any more are cancelled.

    Raises:
        scheduler.planner.PlanError: For impossible dates; nothing is stored then.
    """
    planned = plan_rounds(start, end, freshups, lc.calendar(team), team.open_days)
    existing = [
        ExistingRound(r.id, r.phase.value, r.seq, r.status.value, r.opens_at, r.closes_at)
        for r in lc.store.rounds_of(team.id)
        if r.phase in PLANNED_PHASES and r.status is not RoundStatus.CANCELLED
    ]
    diff = diff_plan(existing, planned)
    with lc.db.atomic():
        lc.directory.set_milestones(team.id, [(Phase(p.phase), p.seq, p.planned) for p in planned])
        for m in diff.moved:
            lc.store.move_round(m.id, m.window.opens_at, m.window.remind_at, m.window.closes_at)
        for c in diff.cancelled:
            lc.store.set_status(c.id, RoundStatus.CANCELLED, expect=RoundStatus.PLANNED, now=now)
        for a in diff.added:
            lc.store.insert_round(
                team_id=team.id,
                phase=Phase(a.phase),
                seq=a.seq,
                set_id=a.phase,
                opens_at=a.window.opens_at,
                remind_at=a.window.remind_at,
                closes_at=a.window.closes_at,
                anonymity=team.anonymity.value,
            )
    return diff
