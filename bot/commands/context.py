"""What every command handler is given: the core, who asked, where, in which language, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import Core
from bot.messages import Actor, CommandInvoked, Reply
from bot.models import Member, Round, RoundStatus, Team
from bot.presenters.rounds import set_texts
from bot.rounds.service import RoundService
from prompts.catalog import command_word, t
from prompts.render import render
from prompts.schedule_text import format_moment, phase_label


@dataclass
class CommandContext:
    """Everything a command needs: who asked, where, in which language, and when.

    Attributes:
        core: The wired context.
        rounds: The round operations.
        event: The command as the adapter delivered it.
        surface: The template family of the actor's platform.
        locale: The reader's language.
        team: The team of the conversation (None in a channel the bot has not seen).
        now: The moment the command arrived.
    """

    core: Core
    rounds: RoundService
    event: CommandInvoked
    surface: str
    locale: str
    team: Team | None
    now: datetime

    @property
    def cmd(self) -> str:
        """How the command is typed on the actor's platform (``/reflectie``)."""
        return command_word(self.event.actor.platform, self.locale)

    def t(self, key: str, **variables: object) -> str:
        """Return ``commands.<key>`` in the reader's language (``cmd`` is always available)."""
        return t(f"commands.{key}", self.locale, cmd=self.cmd, **variables)

    def reply(self, *lines: str, ok: bool = True) -> Reply:
        """Return a private reply made of ``lines`` for the actor's surface."""
        text = "\n".join(line for line in lines if line)
        return Reply(ok=ok, message=render(self.surface, "message", self.locale, text=text))

    def confirm(self, text: str, command: str, button: str) -> Reply:
        """Return a private question that ``command`` (``stop ja``) answers; nothing changes yet.

        Slack shows ``button`` carrying ``command``; in a text chat the person types it, or
        only the confirm word. Either way the command runs again from the start, so who may
        do it is checked again when the confirmation arrives.
        """
        rendered = render(
            self.surface, "confirm", self.locale, text=text, command=command, button=button
        )
        return Reply(message=rendered, confirm=command)

    def deliver_later(self) -> None:
        """Send what the command queued once the reply is out (the platform waits for it)."""
        self.core.background.spawn(self.rounds.deliver(self.now))


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
    if rnd.status is RoundStatus.PLANNED and rnd.phase.planned:
        return phase_label(rnd.phase.value, rnd.seq, ctx.locale)
    return set_texts(ctx.core, rnd, ctx.locale)[0]


def moment(ctx: CommandContext, team: Team, when: datetime) -> str:
    """Return ``when`` in the team's zone, written for the reader."""
    return format_moment(when, ZoneInfo(team.timezone), ctx.locale)
