"""Handlers of the commands about a team: help, status, digest, roles and settings."""

from __future__ import annotations

from typing import Any

from bot.commands.context import CommandContext, person
from bot.commands.models import (
    DigestCommand,
    HelpCommand,
    RoleCommand,
    SettingsCommand,
    StatusCommand,
)
from bot.commands.replies import help_lines, settings_lines, status_lines
from bot.digests.round_digest import round_digest
from bot.messages import Actor, Reply
from bot.models import RoundStatus
from prompts.render import render


def help_(ctx: CommandContext, command: HelpCommand) -> Reply:
    """List the commands; the manager commands under their own heading."""
    return ctx.reply(*help_lines(ctx))


def status(ctx: CommandContext, command: StatusCommand) -> Reply:
    """Show the open round with its answer count (never who) and the upcoming rounds."""
    assert ctx.team is not None  # the dispatcher only runs it in a team's channel
    return ctx.reply(*status_lines(ctx, ctx.team))


def digest(ctx: CommandContext, command: DigestCommand) -> Reply:
    """Show the digest of the team's last closed round."""
    assert ctx.team is not None
    rounds = ctx.core.store.rounds.rounds_of(ctx.team.id)
    closed = [r for r in rounds if r.status is RoundStatus.CLOSED]
    if not closed:
        return ctx.reply(ctx.t("digest.none"), ok=False)
    latest = max(closed, key=lambda r: (r.closes_at, r.id))
    view = round_digest(ctx.core, latest.id, ctx.locale)
    return Reply(message=render(ctx.surface, "digest", ctx.locale, digest=view))


def role(ctx: CommandContext, command: RoleCommand) -> Reply:
    """Give or take a team role; every person is checked before anything changes."""
    assert ctx.team is not None
    team, mentions, people = ctx.team, ctx.event.mentions, ctx.core.store.people
    chosen: list[Actor] = []
    for token in command.people:
        user_id = token.removeprefix("@")
        who = mentions.get(token) or mentions.get(user_id)
        known = people.member_by_user(ctx.event.actor.platform, user_id)
        if who is None and known is not None:
            # The console chat types ids by hand; a person we already know needs no mention.
            who = known.actor()
        if who is None:
            return ctx.reply(ctx.t("role.unknown_person", token=token), ok=False)
        chosen.append(who)
    role_name = ctx.t(f"role.name.{command.role.value}")
    lines = []
    for who in chosen:
        member = people.upsert_member(who)
        if command.revoke:
            done = people.revoke(member.id, "team", team.id, command.role)
            key = "role.revoked" if done else "role.not_had"
        else:
            done = people.grant(member.id, "team", team.id, command.role)
            key = "role.granted" if done else "role.already"
        programme = people.has_programme_role(member.id, team.programme_id, command.role)
        lines.append(
            ctx.t(key, person=person(ctx, who), role=role_name, team=team.name, programme=programme)
        )
    return ctx.reply(*lines)


def settings(ctx: CommandContext, command: SettingsCommand) -> Reply:
    """Show the team's settings, or change them (managers)."""
    assert ctx.team is not None
    # Enums go in as their plain values; the days stay a number.
    changes: dict[str, Any] = {
        k: v if isinstance(v, int) else str(v) for k, v in command.changes.items()
    }
    if not changes:
        return ctx.reply(*settings_lines(ctx, ctx.team, changed=False), ctx.t("settings.how"))
    store = ctx.core.store
    team = store.directory.update_team(ctx.team.id, **changes)
    actor = ctx.event.actor
    if actor.locale is None and "locale" in changes:
        # The reply confirms a language change in the new language, unless the reader has
        # a language of their own.
        member = store.people.member_by_user(actor.platform, actor.user_id)
        if member is None or member.locale is None:
            ctx.locale = team.locale
    planned = any(r.status is RoundStatus.PLANNED for r in store.rounds.rounds_of(team.id))
    return ctx.reply(
        *settings_lines(ctx, team, changed=True),
        ctx.t("settings.next_round"),
        ctx.t("settings.replan") if command.open_days and planned else "",
        ctx.t(f"settings.anonymity_switch.{team.anonymity.value}") if command.anonymity else "",
    )
