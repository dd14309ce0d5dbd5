"""Run a typed command: find the team, check the role, call the lifecycle, and reply."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.command_replies import (
    CommandContext,
    help_lines,
    moment,
    person,
    plan_lines,
    round_title,
    settings_lines,
    status_lines,
)
from bot.commands import (
    Command,
    HelpCommand,
    ParseError,
    PlanCommand,
    RoleCommand,
    SettingsCommand,
    StartCommand,
    parse,
)
from bot.digest import round_digest
from bot.lifecycle import RoundError
from bot.messages import Actor, CommandInvoked, Reply
from bot.models import Phase, RoleName, Round, RoundStatus, Team
from bot.roles import Action, can, who_can
from prompts.catalog import norm_locale, t
from prompts.render import render
from scheduler.planner import PlanError
from scheduler.summary import plan_error_text

if TYPE_CHECKING:
    from bot.lifecycle import Lifecycle

log = logging.getLogger(__name__)


def action_of(command: Command) -> Action:
    """Return the permission a command needs."""
    if isinstance(command, StartCommand):
        return Action.START_PROGRAMME if command.programme else Action.START_ROUND
    if isinstance(command, SettingsCommand):
        return Action.CHANGE_SETTINGS if command.changes else Action.SHOW_SETTINGS
    return {
        "help": Action.HELP,
        "status": Action.STATUS,
        "digest": Action.DIGEST,
        "stop": Action.STOP_ROUND,
        "plan": Action.PLAN,
        "role": Action.GRANT_ROLE,
    }[command.name]


def reader_locale(lc: Lifecycle, actor: Actor, team: Team | None) -> str:
    """Return the reader's language: their own, else the team's, else the installation's."""
    member = lc.directory.member_by_user(actor.platform, actor.user_id)
    return norm_locale(
        actor.locale
        or (member.locale if member else None)
        or (team.locale if team else None)
        or lc.settings.locale
    )


async def execute(lc: Lifecycle, event: CommandInvoked) -> Reply:
    """Handle one ``/reflectie`` command and return the reply for the person who typed it.

    Nothing changes when the input cannot be parsed or the person may not do it; the reply
    then explains why (with an example, or who can).
    """
    conv, actor = event.conversation, event.actor
    team = (
        lc.directory.team_by_conversation(conv.platform, conv.external_id)
        if conv.kind == "channel"
        else None
    )
    ctx = CommandContext(
        lc, event, lc.surface(actor.platform), reader_locale(lc, actor, team), team, lc.clock.now()
    )
    try:
        command = parse(event.text, lc.library)
    except ParseError as err:
        return ctx.reply(ctx.t(err.key.removeprefix("commands."), **err.params), ok=False)
    action = action_of(command)
    if isinstance(command, HelpCommand):
        return ctx.reply(*help_lines(ctx))
    if conv.kind != "channel":
        return ctx.reply(ctx.t("not_in_channel"), ok=False)
    may_begin = action in (Action.PLAN, Action.START_ROUND, Action.START_PROGRAMME)
    if team is None and not (may_begin and can(lc.directory, lc.settings, actor, None, action)):
        if may_begin:
            return refuse(ctx, action)
        return ctx.reply(ctx.t("no_team"), ok=False)
    if not can(lc.directory, lc.settings, actor, team, action):
        return refuse(ctx, action)
    log.info(
        "command %s by %s:%s in %s",
        command.name,
        actor.platform,
        actor.user_id,
        team.id if team else "new channel",
    )
    return await HANDLERS[command.name](ctx, command)


def refuse(ctx: CommandContext, action: Action) -> Reply:
    """Say who may do this (naming the team's managers when there are any)."""
    lines = [ctx.t("refused", who=who_can(action, ctx.locale), action=ctx.t(f"action.{action}"))]
    if ctx.team is not None:
        managers = ctx.lc.directory.people_with_role(ctx.team, RoleName.MANAGER)
        if managers:
            lines.append(ctx.t("ask", names=", ".join(person(ctx, m) for m in managers)))
    return ctx.reply(*lines, ok=False)


def _new_team(ctx: CommandContext) -> Team:
    """Make the channel a team; whoever did so manages it, so they can go on without an admin."""
    team = ctx.lc.ensure_team(ctx.event.conversation, ctx.now)
    member = ctx.lc.directory.upsert_member(ctx.event.actor)
    ctx.lc.directory.grant(member.id, "team", team.id, RoleName.MANAGER)
    return team


def _created_line(ctx: CommandContext, team: Team) -> str:
    return ctx.t(
        "start.team_created",
        team=team.name,
        days=team.open_days,
        anonymity=ctx.t(f"settings.modes.{team.anonymity.value}"),
        language=ctx.t(f"settings.languages.{team.locale}"),
    )


async def _plan(ctx: CommandContext, command: Any) -> Reply:
    assert isinstance(command, PlanCommand)
    lc, created = ctx.lc, ctx.team is None
    try:
        # One transaction: an impossible timeline must not leave a new team behind.
        with lc.db.atomic():
            team = ctx.team or _new_team(ctx)
            diff = lc.plan(team.id, command.start, command.freshups, command.end, ctx.now)
    except PlanError as err:
        zone = ZoneInfo(ctx.team.timezone if ctx.team else lc.settings.timezone)
        text = plan_error_text(err, ctx.locale, zone)
        return ctx.reply(text[:1].upper() + text[1:], ok=False)
    return ctx.reply(_created_line(ctx, team) if created else "", *plan_lines(ctx, team, diff))


def default_set(rounds: list[Round]) -> str:
    """Return the phase of a round started without a choice: start first, then fresh-ups."""
    had_start = any(
        r.phase is Phase.START and r.status in (RoundStatus.OPEN, RoundStatus.CLOSED)
        for r in rounds
    )
    return Phase.FRESHUP.value if had_start else Phase.START.value


async def _start(ctx: CommandContext, command: Any) -> Reply:
    assert isinstance(command, StartCommand)
    lc, created = ctx.lc, ctx.team is None
    team = ctx.team or _new_team(ctx)
    member = lc.directory.upsert_member(ctx.event.actor)
    set_id = command.set_id or default_set(lc.store.rounds_of(team.id))
    first = _created_line(ctx, team) if created else ""
    try:
        if command.programme:
            teams = lc.directory.teams(team.programme_id)
            rounds = await lc.start_programme(team.programme_id, set_id, member.id, ctx.now)
            title = round_title(ctx, rounds[0]) if rounds else set_id
            skipped = len(teams) - len(rounds)
            return ctx.reply(
                first,
                ctx.t("start.programme_done", title=title, started=len(rounds), teams=len(teams)),
                ctx.t("start.programme_skipped", skipped=skipped) if skipped else "",
            )
        rnd = await lc.start_round(team.id, set_id, member.id, ctx.now)
    except RoundError as err:
        return ctx.reply(first, t(err.key, ctx.locale, cmd=ctx.cmd, **err.params), ok=False)
    return ctx.reply(
        first,
        ctx.t("start.done", title=round_title(ctx, rnd), closes=moment(ctx, team, rnd.closes_at)),
    )


async def _stop(ctx: CommandContext, command: Any) -> Reply:
    assert ctx.team is not None
    rnd = ctx.lc.store.open_round_of(ctx.team.id)
    if rnd is None:
        return ctx.reply(ctx.t("stop.none"), ok=False)
    if not await ctx.lc.cancel_round(rnd.id, ctx.now):
        return ctx.reply(ctx.t("stop.lost"), ok=False)
    return ctx.reply(ctx.t("stop.done", title=round_title(ctx, rnd)))


async def _status(ctx: CommandContext, command: Any) -> Reply:
    assert ctx.team is not None
    return ctx.reply(*status_lines(ctx, ctx.team))


async def _digest(ctx: CommandContext, command: Any) -> Reply:
    assert ctx.team is not None
    closed = [r for r in ctx.lc.store.rounds_of(ctx.team.id) if r.status is RoundStatus.CLOSED]
    if not closed:
        return ctx.reply(ctx.t("digest.none"), ok=False)
    latest = max(closed, key=lambda r: (r.closes_at, r.id))
    view = round_digest(ctx.lc, latest.id, ctx.locale)
    return Reply(message=render(ctx.surface, "digest", ctx.locale, digest=view))


async def _role(ctx: CommandContext, command: Any) -> Reply:
    assert isinstance(command, RoleCommand) and ctx.team is not None
    lc, team, mentions = ctx.lc, ctx.team, ctx.event.mentions
    people: list[Actor] = []
    for token in command.people:
        user_id = token.removeprefix("@")
        who = mentions.get(token) or mentions.get(user_id)
        known = lc.directory.member_by_user(ctx.event.actor.platform, user_id)
        if who is None and known is not None:
            # The console chat types ids by hand; a person we already know needs no mention.
            who = lc.directory.actor(known)
        if who is None:
            # Check every person before changing anything: all or nothing.
            return ctx.reply(ctx.t("role.unknown_person", token=token), ok=False)
        people.append(who)
    role_name = ctx.t(f"role.name.{command.role.value}")
    lines = []
    for who in people:
        member = lc.directory.upsert_member(who)
        if command.revoke:
            done = lc.directory.revoke(member.id, "team", team.id, command.role)
            key = "role.revoked" if done else "role.not_had"
        else:
            done = lc.directory.grant(member.id, "team", team.id, command.role)
            key = "role.granted" if done else "role.already"
        programme = lc.directory.has_programme_role(member.id, team.programme_id, command.role)
        lines.append(
            ctx.t(key, person=person(ctx, who), role=role_name, team=team.name, programme=programme)
        )
    return ctx.reply(*lines)


async def _settings(ctx: CommandContext, command: Any) -> Reply:
    assert isinstance(command, SettingsCommand) and ctx.team is not None
    # Enums go in as their plain values; the days stay a number.
    changes: dict[str, Any] = {
        k: v if isinstance(v, int) else str(v) for k, v in command.changes.items()
    }
    if not changes:
        return ctx.reply(*settings_lines(ctx, ctx.team, changed=False), ctx.t("settings.how"))
    team = ctx.lc.directory.update_team(ctx.team.id, **changes)
    if ctx.event.actor.locale is None and "locale" in changes:
        # The reply confirms a language change in the new language, unless the reader has
        # a language of their own.
        member = ctx.lc.directory.member_by_user(ctx.event.actor.platform, ctx.event.actor.user_id)
        if member is None or member.locale is None:
            ctx.locale = team.locale
    planned = any(r.status is RoundStatus.PLANNED for r in ctx.lc.store.rounds_of(team.id))
    return ctx.reply(
        *settings_lines(ctx, team, changed=True),
        ctx.t("settings.next_round"),
        ctx.t("settings.replan") if command.open_days and planned else "",
    )


Handler = Callable[[CommandContext, Any], Awaitable[Reply]]
HANDLERS: dict[str, Handler] = {
    "plan": _plan,
    "start": _start,
    "stop": _stop,
    "status": _status,
    "digest": _digest,
    "role": _role,
    "settings": _settings,
}
