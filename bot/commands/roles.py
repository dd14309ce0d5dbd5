"""Permissions: who may do what in a team, and how to say who may when someone may not."""

from __future__ import annotations

from enum import Enum, StrEnum

from bot.core import Core
from bot.messages import Actor
from bot.models import RoleName, Team
from prompts.catalog import t


class Audience(StrEnum):
    """Who may perform an action; each has a catalog text ``commands.who.<audience>``."""

    EVERYONE = "everyone"
    COACHES = "coaches"
    MANAGERS = "managers"
    PROGRAMME_MANAGERS = "programme_managers"


class Action(Enum):
    """Everything a command can ask for, with who may do it.

    Attributes:
        key: The catalog key of the action's name (``commands.action.<key>``).
        audience: Who may perform it.
        begins_team: Whether it may turn a channel the bot has not seen into a team.
    """

    key: str
    audience: Audience
    begins_team: bool

    HELP = ("help", Audience.EVERYONE, False)
    STATUS = ("status", Audience.EVERYONE, False)
    # Members should be able to check what their team agreed about anonymity.
    SHOW_SETTINGS = ("show_settings", Audience.EVERYONE, False)
    # The rights of the person are everyone's, in a team's channel or in a private chat.
    MY_DATA = ("my_data", Audience.EVERYONE, False)
    FORGET_ME = ("forget_me", Audience.EVERYONE, False)
    DIGEST = ("digest", Audience.COACHES, False)
    START_ROUND = ("start_round", Audience.MANAGERS, True)
    STOP_ROUND = ("stop_round", Audience.MANAGERS, False)
    PLAN = ("plan", Audience.MANAGERS, True)
    GRANT_ROLE = ("grant_role", Audience.MANAGERS, False)
    CHANGE_SETTINGS = ("change_settings", Audience.MANAGERS, False)
    # Whoever facilitates the exercise moves it on: the manager, or the team's coach.
    NEXT_STEP = ("next_step", Audience.COACHES, False)
    AGREEMENTS = ("agreements", Audience.EVERYONE, False)
    TASK_CHANGE = ("task_change", Audience.MANAGERS, False)
    # A team manager must not reach into the other teams of the programme.
    START_PROGRAMME = ("start_programme", Audience.PROGRAMME_MANAGERS, True)

    def __init__(self, key: str, audience: Audience, begins_team: bool) -> None:
        self.key = key
        self.audience = audience
        self.begins_team = begins_team


def is_admin(core: Core, actor: Actor) -> bool:
    """Return whether the person is a bootstrap manager from ``REFLECTIEBOT_ADMINS``."""
    return (actor.platform, actor.user_id) in core.settings.admin_ids()


def can(core: Core, actor: Actor, team: Team | None, action: Action) -> bool:
    """Return whether ``actor`` may perform ``action`` in ``team``.

    Only reads the database: a refused person is not even stored as a member.

    Args:
        core: The wired context (roles in the store, admins in the settings).
        actor: The person who typed the command.
        team: The team of the conversation; None in a channel the bot has not seen, where
            only admins and people who manage some team may begin (the team is new).
        action: What they ask for.
    """
    audience = action.audience
    if audience is Audience.EVERYONE or is_admin(core, actor):
        return True
    people = core.store.people
    member = people.member_by_user(actor.platform, actor.user_id)
    if member is None:
        return False
    if team is None:
        return audience is Audience.MANAGERS and bool(
            people.teams_with_role(member.id, RoleName.MANAGER)
        )
    if audience is Audience.PROGRAMME_MANAGERS:
        return people.has_programme_role(member.id, team.programme_id, RoleName.MANAGER)
    if people.has_role(member.id, team, RoleName.MANAGER):
        return True
    return audience is Audience.COACHES and people.has_role(member.id, team, RoleName.COACH)


def who_can(action: Action, locale: str | None) -> str:
    """Return, in words, who may perform ``action`` (for a refusal)."""
    return t(f"commands.who.{action.audience.value}", locale)
