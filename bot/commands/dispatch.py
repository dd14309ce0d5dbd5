"""Run a typed command: find the team, check the role, run the handler, and reply."""

from __future__ import annotations

import logging

from pydantic import BaseModel

from bot.commands.audit_trail import audit_entry
from bot.commands.context import CommandContext, person
from bot.commands.roles import Action, can, who_can
from bot.commands.syntax import ParseError
from bot.commands.table import bind
from bot.core import Core
from bot.messages import Actor, CommandInvoked, Reply
from bot.models import RoleName, Team
from bot.rounds.service import RoundService
from prompts.catalog import norm_locale

log = logging.getLogger(__name__)
# Help and the rights of the person work anywhere, a private chat included.
ANYWHERE = (Action.HELP, Action.MY_DATA, Action.FORGET_ME)


def reader_locale(core: Core, actor: Actor, team: Team | None) -> str:
    """Return the reader's language: their own, else the team's, else the installation's."""
    member = core.store.people.member_by_user(actor.platform, actor.user_id)
    return norm_locale(
        actor.locale
        or (member.locale if member else None)
        or (team.locale if team else None)
        or core.settings.locale
    )


def execute(core: Core, rounds: RoundService, event: CommandInvoked) -> Reply:
    """Handle one ``/reflectie`` command and return the reply for the person who typed it.

    Nothing changes when the input cannot be parsed or the person may not do it; the reply
    then explains why (with an example, or who can).
    """
    conv, actor = event.conversation, event.actor
    directory = core.store.directory
    team = (
        directory.team_by_conversation(conv.platform, conv.external_id)
        if conv.kind == "channel"
        else None
    )
    locale = reader_locale(core, actor, team)
    ctx = CommandContext(
        core, rounds, event, core.surface(actor.platform), locale, team, core.clock.now()
    )
    try:
        command = bind(event.text, core.library)
    except ParseError as err:
        return ctx.reply(ctx.t(err.key.removeprefix("commands."), **err.params), ok=False)
    action = command.action
    if action in ANYWHERE:
        return _audited(ctx, command.command, command.run(ctx))
    if conv.kind != "channel":
        return ctx.reply(ctx.t("not_in_channel"), ok=False)
    if team is None and not (action.begins_team and can(core, actor, None, action)):
        if action.begins_team:
            return refuse(ctx, action)
        return ctx.reply(ctx.t("no_team"), ok=False)
    if not can(core, actor, team, action):
        return refuse(ctx, action)
    log.info(
        "command %s by %s:%s in %s",
        action.key,
        actor.platform,
        actor.user_id,
        team.id if team else "new channel",
    )
    return _audited(ctx, command.command, command.run(ctx))


def _audited(ctx: CommandContext, command: BaseModel, reply: Reply) -> Reply:
    """Record a command that changed or disclosed something in the audit log (who, when)."""
    actor = ctx.event.actor
    entry = audit_entry(command, actor.platform) if reply.ok and not reply.confirm else None
    if entry is not None:
        conv = ctx.event.conversation
        team = ctx.team or (
            ctx.core.store.directory.team_by_conversation(conv.platform, conv.external_id)
            if conv.kind == "channel"
            else None
        )
        action, detail = entry
        ctx.core.store.audit.record(
            ctx.now, f"{actor.platform}:{actor.user_id}", action, team.id if team else None, detail
        )
    return reply


def refuse(ctx: CommandContext, action: Action) -> Reply:
    """Say who may do this (naming the team's managers when there are any)."""
    lines = [
        ctx.t("refused", who=who_can(action, ctx.locale), action=ctx.t(f"action.{action.key}"))
    ]
    if ctx.team is not None:
        managers = ctx.core.store.people.people_with_role(ctx.team, RoleName.MANAGER)
        if managers:
            lines.append(ctx.t("ask", names=", ".join(person(ctx, m) for m in managers)))
    return ctx.reply(*lines, ok=False)
