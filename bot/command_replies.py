"""Reply texts of the command language: help, status, plan and settings, from the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.messages import Actor, CommandInvoked, Reply
from bot.models import Member, Phase, Round, RoundStatus, Team
from bot.presenter import set_texts
from prompts.catalog import has, t
from prompts.render import render
from scheduler.planner import PlanDiff
from scheduler.summary import describe_diff, format_moment, phase_label

if TYPE_CHECKING:
    from bot.lifecycle import Lifecycle

TIMELINE = (Phase.START, Phase.FRESHUP, Phase.WRAPUP)
MAX_UPCOMING = 5


@dataclass
class CommandContext:
    """Everything a command needs: who asked, where, in which language, and when."""

    lc: Lifecycle
    event: CommandInvoked
    surface: str
    locale: str
    team: Team | None
    now: datetime

    @property
    def cmd(self) -> str:
        """How the command is typed on the actor's platform (``/reflectie``)."""
        platform = self.event.actor.platform
        key = f"commands.cmd.{platform}"
        return t(key if has(key) else "commands.cmd.slack", self.locale)

    def t(self, key: str, **variables: object) -> str:
        """Return ``commands.<key>`` in the reader's language (``cmd`` is always available)."""
        return t(f"commands.{key}", self.locale, cmd=self.cmd, **variables)

    def reply(self, *lines: str, ok: bool = True) -> Reply:
        """Return a private reply made of ``lines`` for the actor's surface."""
        text = "\n".join(line for line in lines if line)
        return Reply(ok=ok, message=render(self.surface, "message", self.locale, text=text))


def person(ctx: CommandContext, who: Actor | Member) -> str:
    """Return how a person is named in a reply."""
    if isinstance(who, Member):
        return ctx.t("person", name=who.display_name, id=who.external_user_id)
    return ctx.t("person", name=who.display_name, id=who.user_id)


def round_title(ctx: CommandContext, rnd: Round) -> str:
    """Return a round's name as people know it.

    A planned timeline round is named by its moment (``opfrismoment 2``); any other round by
    the title its channel message carries (``Startronde``).
    """
    if rnd.status is RoundStatus.PLANNED and rnd.phase in TIMELINE:
        return phase_label(rnd.phase.value, rnd.seq, ctx.locale)
    return set_texts(ctx.lc, rnd, ctx.locale)[0]


def moment(ctx: CommandContext, team: Team, when: datetime) -> str:
    """Return ``when`` in the team's zone, written for the reader."""
    return format_moment(when, ZoneInfo(team.timezone), ctx.locale)


def help_lines(ctx: CommandContext) -> list[str]:
    """Return the command overview; manager commands are grouped under their own heading."""
    themes = sorted(ctx.lc.library.themes)
    keys = [
        "header",
        "status",
        "settings",
        "help",
        "digest",
        "managers",
        "plan",
        "start",
        "programme",
        "stop",
        "role",
        "change",
    ]
    lines = [ctx.t(f"help.{key}", theme=themes[0] if themes else "") for key in keys]
    return [*lines, ctx.t("help.themes", themes=themes)] if themes else lines


def status_lines(ctx: CommandContext, team: Team) -> list[str]:
    """Return the open round with its answer count (never who) and the upcoming rounds."""
    store = ctx.lc.store
    lines = [ctx.t("status.header", team=team.name)]
    rnd = store.open_round_of(team.id)
    if rnd is None:
        lines.append(ctx.t("status.no_open"))
    else:
        answered = store.answered_count(rnd.id)
        total = max(store.round_member_count(rnd.id), answered)
        lines.append(
            ctx.t(
                "status.open",
                title=round_title(ctx, rnd),
                answered=answered,
                total=total,
                closes=moment(ctx, team, rnd.closes_at),
            )
        )
    planned = [r for r in store.rounds_of(team.id) if r.status is RoundStatus.PLANNED]
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
    return [*lines, ctx.t("plan.footer")]


def settings_lines(ctx: CommandContext, team: Team, *, changed: bool) -> list[str]:
    """Return a team's settings as the reader should understand them."""
    return [
        ctx.t("settings.changed" if changed else "settings.header", team=team.name),
        ctx.t("settings.language", value=ctx.t(f"settings.languages.{team.locale}")),
        ctx.t("settings.anonymity", value=ctx.t(f"settings.modes.{team.anonymity.value}")),
        ctx.t("settings.days", value=team.open_days),
        ctx.t("settings.zone", value=team.timezone),
    ]
