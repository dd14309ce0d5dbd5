"""Handlers of the commands that change rounds: plan, start (a team or a programme), stop."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.commands.context import CommandContext, moment, round_title
from bot.commands.models import PlanCommand, StartCommand, StopCommand
from bot.commands.replies import plan_lines
from bot.messages import Reply
from bot.models import RoleName, Team
from bot.presenters.rounds import set_title
from bot.rounds.starting import ProgrammeOutcome, RoundError, default_set
from prompts.catalog import t
from prompts.schedule_text import plan_error_text
from scheduler.planner import PlanError


def new_team(ctx: CommandContext) -> Team:
    """Make the channel a team; whoever did so manages it, so they can go on without an admin."""
    team = ctx.rounds.ensure_team(ctx.event.conversation, ctx.now)
    people = ctx.core.store.people
    member = people.upsert_member(ctx.event.actor, seen=ctx.now)
    people.grant(member.id, "team", team.id, RoleName.MANAGER)
    return team


def _created_line(ctx: CommandContext, team: Team) -> str:
    return ctx.t(
        "start.team_created",
        team=team.name,
        days=team.open_days,
        anonymity=ctx.t(f"settings.modes.{team.anonymity.value}"),
        language=ctx.t(f"settings.languages.{team.locale}"),
    )


def plan(ctx: CommandContext, command: PlanCommand) -> Reply:
    """Plan (or re-plan) the team's timeline; a new channel becomes a team first."""
    created = ctx.team is None
    try:
        # One transaction: an impossible timeline must not leave a new team behind.
        with ctx.core.store.atomic():
            team = ctx.team or new_team(ctx)
            diff = ctx.rounds.plan(team.id, command.start, command.freshups, command.end, ctx.now)
    except PlanError as err:
        zone = ZoneInfo(ctx.team.timezone if ctx.team else ctx.core.settings.timezone)
        text = plan_error_text(err, ctx.locale, zone)
        return ctx.reply(text[:1].upper() + text[1:], ok=False)
    return ctx.reply(_created_line(ctx, team) if created else "", *plan_lines(ctx, team, diff))


def start(ctx: CommandContext, command: StartCommand) -> Reply:
    """Open a round now, in the team or in every team of its programme.

    The rounds are recorded before the reply; their posts go out after it, so the platform
    gets its acknowledgement at once.
    """
    created = ctx.team is None
    team = ctx.team or new_team(ctx)
    member = ctx.core.store.people.upsert_member(ctx.event.actor, seen=ctx.now)
    first = _created_line(ctx, team) if created else ""
    if command.programme:
        return _programme(ctx, team, command.set_id, member.id, first)
    set_id = command.set_id or default_set(ctx.core.store.rounds.rounds_of(team.id))
    try:
        rnd = ctx.rounds.start_round(team.id, set_id, member.id, ctx.now)
    except RoundError as err:
        return ctx.reply(first, t(err.key, ctx.locale, cmd=ctx.cmd, **err.params), ok=False)
    ctx.deliver_later()
    return ctx.reply(
        first,
        ctx.t("start.done", title=round_title(ctx, rnd), closes=moment(ctx, team, rnd.closes_at)),
    )


def _programme(
    ctx: CommandContext, team: Team, set_id: str | None, member_id: int, first: str
) -> Reply:
    result = ctx.rounds.start_programme(team.programme_id, set_id, member_id, ctx.now)
    if result.started:
        ctx.deliver_later()
    title = set_title(ctx.core, result.set_id, ctx.locale)
    if result.outcome is ProgrammeOutcome.DONE:
        started, teams = len(result.started), result.teams
        return ctx.reply(
            first,
            ctx.t("start.programme_done", title=title, started=started, teams=teams),
            ctx.t("start.programme_skipped", skipped=teams - started) if teams > started else "",
        )
    batch = result.batch
    assert batch is not None  # every outcome but a new batch reports on the running one
    return ctx.reply(
        first,
        ctx.t(
            f"start.programme_{result.outcome.value}",
            title=title,
            sent=batch.posts_sent,
            waiting=batch.posts_waiting,
            rounds=batch.rounds,
            added=len(result.started),
        ),
        ok=result.outcome is ProgrammeOutcome.FILLED,
    )


def stop(ctx: CommandContext, command: StopCommand) -> Reply:
    """Cancel the team's open round after a confirmation; no digest is sent of it.

    Without the confirm word nothing changes: the reply says what would be lost and how to
    confirm (a button on Slack).
    """
    assert ctx.team is not None  # the dispatcher only runs it in a team's channel
    rnd = ctx.core.store.rounds.open_round_of(ctx.team.id)
    if rnd is None:
        return ctx.reply(ctx.t("stop.none"), ok=False)
    if not command.confirmed:
        confirm = f"stop {ctx.t('confirm_word')}"
        answered = ctx.core.store.answers.answered_count(rnd.id)
        title = round_title(ctx, rnd)
        text = ctx.t("stop.confirm", title=title, answered=answered, confirm=confirm)
        return ctx.confirm(text, confirm, ctx.t("stop.confirm_button"))
    if not ctx.rounds.cancel_round(rnd.id, ctx.now):
        return ctx.reply(ctx.t("stop.lost"), ok=False)
    ctx.deliver_later()
    return ctx.reply(ctx.t("stop.done", title=round_title(ctx, rnd)))
