"""Handlers of the exercise and team-change commands: volgende, afspraken, wijziging."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.commands.context import CommandContext, moment, round_title
from bot.commands.models import AgreementsCommand, ChangeCommand, NextCommand
from bot.digests.aggregate import threshold_of
from bot.messages import Reply
from bot.models import Agreement, Round
from bot.presenters.agreements import agreement_lines
from bot.presenters.rounds import set_title
from bot.rounds.changes import task_changed
from bot.rounds.exercises import NextOutcome, current_step, next_step
from bot.rounds.starting import RoundError
from prompts.catalog import t
from prompts.schedule_text import format_day


def _x(ctx: CommandContext, key: str, **variables: object) -> str:
    return t(f"exercise.{key}", ctx.locale, cmd=ctx.cmd, **variables)


def step_text(ctx: CommandContext, rnd: Round) -> str:
    """Return ``stap 2 van 3`` for a step round of an exercise."""
    steps = len(ctx.core.library.round_set(rnd.set_id or "").steps)
    return _x(ctx, "step", step=rnd.step, steps=steps)


def next_(ctx: CommandContext, command: NextCommand) -> Reply:
    """Close the open step of the team's exercise and open the next (coach or manager)."""
    assert ctx.team is not None  # the dispatcher only runs it in a team's channel
    member = ctx.core.store.people.upsert_member(ctx.event.actor, seen=ctx.now)
    try:
        result = next_step(ctx.core, ctx.team, member.id, ctx.now)
    except RoundError as err:
        params = dict(err.params)
        if "round_id" in params:
            other = ctx.core.store.rounds.round(int(str(params.pop("round_id"))))
            params["title"] = round_title(ctx, other) if other else ""
        return ctx.reply(t(err.key, ctx.locale, cmd=ctx.cmd, **params), ok=False)
    ctx.deliver_later()
    title = set_title(ctx.core, result.rnd.set_id or "", ctx.locale)
    if result.outcome is NextOutcome.FINISHED:
        return ctx.reply(_x(ctx, "next.finished", title=title))
    return ctx.reply(
        _x(
            ctx,
            "next.opened",
            step=result.rnd.step,
            steps=result.steps,
            title=title,
            closes=moment(ctx, ctx.team, result.rnd.closes_at),
        )
    )


def agreement_block(ctx: CommandContext, agreement: Agreement) -> list[str]:
    """Return one agreement: its exercise and date, then a line per question."""
    assert ctx.team is not None
    title = set_title(ctx.core, f"exercise:{agreement.exercise}", ctx.locale)
    day = agreement.created_at.astimezone(ZoneInfo(ctx.team.timezone)).date()
    head = _x(ctx, "agreement_title", title=title, date=format_day(day, ctx.locale))
    lines = agreement_lines(agreement, ctx.locale, threshold_of(ctx.core, ctx.team))
    return [head, *(f"  • {line}" for line in lines)]


def agreements(ctx: CommandContext, command: AgreementsCommand) -> Reply:
    """Show what the team agreed in its exercises, and the exercise still running."""
    team = ctx.team
    assert team is not None
    kept = ctx.core.store.timeline.agreements_of(team.id)
    running = current_step(ctx.core, team)
    lines = [_x(ctx, "agreements.header", team=team.name)] if kept else []
    for agreement in kept:
        lines += agreement_block(ctx, agreement)
    if not kept:
        lines.append(_x(ctx, "agreements.none", team=team.name))
    if running is not None:
        title = set_title(ctx.core, running.set_id or "", ctx.locale)
        lines.append(_x(ctx, "agreements.running", title=title, step=step_text(ctx, running)))
    return ctx.reply(*lines)


def change(ctx: CommandContext, command: ChangeCommand) -> Reply:
    """Record that the task changed and open the re-check round for the whole team."""
    team = ctx.team
    assert team is not None
    member = ctx.core.store.people.upsert_member(ctx.event.actor, seen=ctx.now)
    result = task_changed(ctx.core, team, member.id, command.note, ctx.now)
    lines = [_x(ctx, "change.recorded", note=command.note)]
    if result.rnd is None:
        busy = round_title(ctx, result.busy) if result.busy else ""
        return ctx.reply(*lines, _x(ctx, "change.busy", title=busy))
    ctx.deliver_later()
    title = round_title(ctx, result.rnd)
    closes = moment(ctx, team, result.rnd.closes_at)
    return ctx.reply(*lines, _x(ctx, "change.opened", title=title, closes=closes))
