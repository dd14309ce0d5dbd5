"""Permissions: who may do what in a team, and how to say who may when someone may not."""

from __future__ import annotations

from enum import StrEnum

from bot.directory import Directory
from bot.messages import Actor
from bot.models import RoleName, Team
from bot.settings import Settings
from prompts.catalog import t


class Action(StrEnum):
    """Everything a command can ask for."""

    HELP = "help"
    STATUS = "status"
    SHOW_SETTINGS = "show_settings"
    DIGEST = "digest"
    START_ROUND = "start_round"
    START_PROGRAMME = "start_programme"
    STOP_ROUND = "stop_round"
    PLAN = "plan"
    GRANT_ROLE = "grant_role"
    CHANGE_SETTINGS = "change_settings"


class Audience(StrEnum):
    """Who may perform an action; each has a catalog text ``commands.who.<audience>``."""

    EVERYONE = "everyone"
    COACHES = "coaches"
    MANAGERS = "managers"
    PROGRAMME_MANAGERS = "programme_managers"


AUDIENCE = {
    Action.HELP: Audience.EVERYONE,
    Action.STATUS: Audience.EVERYONE,
    # Members should be able to check what their team agreed about anonymity.
    Action.SHOW_SETTINGS: Audience.EVERYONE,
    Action.DIGEST: Audience.COACHES,
    Action.START_ROUND: Audience.MANAGERS,
    Action.STOP_ROUND: Audience.MANAGERS,
    Action.PLAN: Audience.MANAGERS,
    Action.GRANT_ROLE: Audience.MANAGERS,
    Action.CHANGE_SETTINGS: Audience.MANAGERS,
    # A team manager must not reach into the other teams of the programme.
    Action.START_PROGRAMME: Audience.PROGRAMME_MANAGERS,
}


def is_admin(settings: Settings, actor: Actor) -> bool:
    """Return whether the person is a bootstrap manager from ``REFLECTIEBOT_ADMINS``."""
    return (actor.platform, actor.user_id) in settings.admin_ids()


def can(
    directory: Directory, settings: Settings, actor: Actor, team: Team | None, action: Action
) -> bool:
    """Return whether ``actor`` may perform ``action`` in ``team``.

    Only reads the database: a refused person is not even stored as a member.

    Args:
        directory: Where roles are stored.
        settings: For the bootstrap admins.
        actor: The person who typed the command.
        team: The team of the conversation; None in a channel the bot has not seen, where
            only admins and people who manage some team may begin (the team is new).
        action: What they ask for.
    """
    audience = AUDIENCE[action]
    if audience is Audience.EVERYONE or is_admin(settings, actor):
        return True
    member = directory.member_by_user(actor.platform, actor.user_id)
    if member is None:
        return False
    if team is None:
        return audience is Audience.MANAGERS and bool(
            directory.teams_with_role(member.id, RoleName.MANAGER)
        )
    if audience is Audience.PROGRAMME_MANAGERS:
        return directory.has_programme_role(member.id, team.programme_id, RoleName.MANAGER)
    if directory.has_role(member.id, team, RoleName.MANAGER):
        return True
    return audience is Audience.COACHES and directory.has_role(member.id, team, RoleName.COACH)


def who_can(action: Action, locale: str | None) -> str:
    """Return, in words, who may perform ``action`` (for a refusal)."""
    return t(f"commands.who.{AUDIENCE[action].value}", locale)
