"""Reply texts of the command language: help, status, plan and settings, from the catalog."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands.context import CommandContext, moment, round_title
from bot.models import RoundStatus, Team
from bot.presenters.rounds import set_title
from bot.rounds.exercises import current_step
from prompts.catalog import t
from prompts.schedule_text import describe_diff, phase_label
from scheduler.planner import PlanDiff

MAX_UPCOMING = 5


def help_lines(ctx: CommandContext) -> list[str]:
    """Return the command overview; manager commands are grouped under their own heading."""
    themes = sorted(ctx.core.library.themes)
    keys = [
        "header",
        "status",
        "settings",
        "help",
        "my_data",
        "forget_me",
        "digest",
        "agreements",
        "next",
        "managers",
        "plan",
        "start",
        "exercise",
        "programme",
        "task_change",
        "stop",
        "role",
        "change",
    ]
    lines = [ctx.t(f"help.{key}", theme=themes[0] if themes else "") for key in keys]
    return [*lines, ctx.t("help.themes", themes=themes)] if themes else lines


def status_lines(ctx: CommandContext, team: Team) -> list[str]:
    """Return the open round with its answer count (never who) and the upcoming rounds."""
    store = ctx.core.store
    lines = [ctx.t("status.header", team=team.name)]
    rnd = store.rounds.open_round_of(team.id)
    if rnd is None:
        lines.append(ctx.t("status.no_open"))
    else:
        answered, total = store.answers.progress(rnd.id)
        lines.append(
            ctx.t(
                "status.open",
                title=round_title(ctx, rnd),
                answered=answered,
                total=total,
                closes=moment(ctx, team, rnd.closes_at),
            )
        )
    running = current_step(ctx.core, team)
    if running is not None:
        steps = len(ctx.core.library.round_set(running.set_id or "").steps)
        lines.append(
            ctx.t(
                "status.exercise",
                title=set_title(ctx.core, running.set_id or "", ctx.locale),
                step=t("exercise.step", ctx.locale, step=running.step, steps=steps),
                open=running.status is RoundStatus.OPEN,
            )
        )
    planned = [r for r in store.rounds.rounds_of(team.id) if r.status is RoundStatus.PLANNED]
    if not planned:
        return [*lines, ctx.t("status.none_planned")]
    lines.append(ctx.t("status.upcoming"))
    lines += [
        ctx.t(
            "status.upcoming_row",
            title=round_title(ctx, r),
            opens=moment(ctx, team, r.opens_at),
            closes=moment(ctx, team, r.closes_at),
        )
        for r in planned[:MAX_UPCOMING]
    ]
    if len(planned) > MAX_UPCOMING:
        lines.append(ctx.t("status.more", n=len(planned) - MAX_UPCOMING))
    return lines


def plan_lines(ctx: CommandContext, team: Team, diff: PlanDiff) -> list[str]:
    """Return the planned rounds in time order and, on a re-plan, what changed."""
    zone = ZoneInfo(team.timezone)
    # Added, moved and unchanged rounds are all "planned": one row shape for each.
    spans = [(p.phase, p.seq, p.window.opens_at, p.window.closes_at) for p in diff.added]
    spans += [(m.phase, m.seq, m.window.opens_at, m.window.closes_at) for m in diff.moved]
    spans += [(e.phase, e.seq, e.opens_at, e.closes_at) for e in diff.unchanged]
    rows: list[tuple[datetime, str]] = [
        (
            opens_at,
            ctx.t(
                "plan.row",
                round=phase_label(phase, seq, ctx.locale),
                opens=moment(ctx, team, opens_at),
                closes=moment(ctx, team, closes_at),
            ),
        )
        for phase, seq, opens_at, closes_at in spans
    ]
    for k in diff.kept:
        rows.append(
            (
                k.opens_at,
                ctx.t(
                    "plan.row_status",
                    round=phase_label(k.phase, k.seq, ctx.locale),
                    opens=moment(ctx, team, k.opens_at),
                    status=t(f"schedule.status.{k.status}", ctx.locale),
                ),
            )
        )
    lines = [ctx.t("plan.header", team=team.name, zone=team.timezone, days=team.open_days)]
    lines += [text for _, text in sorted(rows, key=lambda row: row[0])]
    if diff.moved or diff.cancelled or diff.kept or diff.unchanged:
        lines += [ctx.t("plan.changes"), *describe_diff(diff, ctx.locale, zone)]
    # Slack and Teams cannot take a file in a command's reply: the operator exports it.
    return [*lines, ctx.t("plan.footer"), ctx.t("plan.calendar", team=team.id, url=None)]


def settings_lines(ctx: CommandContext, team: Team, *, changed: bool) -> list[str]:
    """Return a team's settings as the reader should understand them."""
    return [
        ctx.t("settings.changed" if changed else "settings.header", team=team.name),
        ctx.t("settings.language", value=ctx.t(f"settings.languages.{team.locale}")),
        ctx.t("settings.anonymity", value=ctx.t(f"settings.modes.{team.anonymity.value}")),
        ctx.t("settings.days", value=team.open_days),
        ctx.t("settings.zone", value=team.timezone),
        ctx.t("settings.digest", value=ctx.t(f"settings.audiences.{team.digest_audience.value}")),
        ctx.t(
            "settings.threshold",
            value=team.suppression_threshold or ctx.core.settings.suppression_threshold,
        ),
        ctx.t(
            "settings.retention",
            value=team.retention_days or ctx.core.settings.retention_days,
            own=team.retention_days is not None,
        ),
    ]
