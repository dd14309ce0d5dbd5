"""Inbound → Reply: the one door adapters knock on (commands, forms, answers, joins, home)."""

from __future__ import annotations

import logging

from bot.commands.dispatch import execute
from bot.core import Core
from bot.messages import (
    AnswersSubmitted,
    CommandInvoked,
    ConversationJoined,
    FormRequested,
    HomeRequested,
    Inbound,
    Reply,
)
from bot.models import RoleName, RoundStatus
from bot.presenters.rounds import round_view
from bot.rounds.answering import current_answers, record_answers
from bot.rounds.composer import round_message, route
from bot.rounds.service import RoundService
from prompts.catalog import command_word
from prompts.render import message, render
from prompts.views import HomeView

log = logging.getLogger(__name__)


class Interactions:
    """The core's InteractionPort: one method per kind of inbound event.

    Args:
        core: The wired context.
        rounds: The round operations (commands start and stop rounds).
    """

    def __init__(self, core: Core, rounds: RoundService | None = None):
        self.core = core
        self.rounds = rounds or RoundService(core)

    async def drain(self) -> None:
        """Wait until follow-up work started after a reply has finished."""
        await self.core.background.drain()

    async def first_seen(self, platform: str, event_id: str) -> bool:
        """Record an inbound event id; False for a redelivery."""
        return self.core.store.events.first_seen(platform, event_id, self.core.clock.now())

    async def handle(self, event: Inbound) -> Reply:
        """Handle one inbound event and return what to show."""
        if isinstance(event, CommandInvoked):
            return execute(self.core, self.rounds, event)
        if isinstance(event, FormRequested):
            return self.form(event)
        if isinstance(event, AnswersSubmitted):
            return self.answers(event)
        if isinstance(event, ConversationJoined):
            return self.joined(event)
        return self.home(event)

    def _locale(self, platform: str, user_id: str, fallback: str | None = None) -> str:
        member = self.core.store.people.member_by_user(platform, user_id)
        return (member.locale if member else None) or fallback or self.core.settings.locale

    def form(self, event: FormRequested) -> Reply:
        """Return the answer form of a round, prefilled with the person's own answers."""
        core, actor = self.core, event.actor
        surface = core.surface(actor.platform)
        rnd = core.store.rounds.round(event.round_id)
        team = core.store.directory.team(rnd.team_id) if rnd else None
        locale = self._locale(actor.platform, actor.user_id, team.locale if team else None)
        if rnd is None or team is None or rnd.status is not RoundStatus.OPEN:
            closed = rnd is not None and rnd.status is RoundStatus.CLOSED
            key = "answer.closed" if closed else "answer.unknown_round"
            return Reply(ok=False, message=message(surface, locale, key))
        member = core.store.people.upsert_member(actor)
        view = round_view(core, rnd, team, locale, answers=current_answers(core, rnd, member))
        return Reply(form=render(surface, "form", locale, round=view))

    def answers(self, event: AnswersSubmitted) -> Reply:
        """Store answers (committed before this returns) and confirm privately."""
        core, actor = self.core, event.actor
        outcome = record_answers(
            core, event.round_id, actor, event.answers, core.clock.now(), event.cleared
        )
        reply = Reply(
            ok=outcome.ok,
            errors=outcome.errors,
            message=render(core.surface(actor.platform), "message", None, text=outcome.message),
        )
        log.info("answers for round %s: %s", event.round_id, "stored" if outcome.ok else "refused")
        if outcome.ok:
            # After the reply: the platform is waiting to acknowledge the submission, and a
            # rate-limited message update must not hold that acknowledgement up.
            core.background.spawn(self._refresh_counter(event.round_id))
        return reply

    async def _refresh_counter(self, round_id: int) -> None:
        # The counter is re-derived from the database each time, so a lost or repeated
        # update cannot make it wrong; it is therefore not an outbox delivery.
        r = route(self.core, round_id)
        ref = r.ref() if r else None
        if r is None or ref is None or not r.rnd.message_id:
            return
        try:
            await r.port.update(ref, r.rnd.message_id, round_message(self.core, r))
        except Exception as exc:
            log.warning("counter of round %s not updated: %s", round_id, type(exc).__name__)

    def joined(self, event: ConversationJoined) -> Reply:
        """Remember a conversation the bot was added to and say how to begin."""
        core = self.core
        core.store.directory.upsert_conversation(event.conversation)
        team = core.store.directory.team_by_conversation(
            event.conversation.platform, event.conversation.external_id
        )
        locale = team.locale if team else core.settings.locale
        surface = core.surface(event.conversation.platform)
        cmd = command_word(event.conversation.platform, locale)
        return Reply(public=message(surface, locale, "team.welcome", cmd=cmd))

    def home(self, event: HomeRequested) -> Reply:
        """Return a person's overview: open rounds in their teams, and teams they lead."""
        core, actor = self.core, event.actor
        people = core.store.people
        member = people.upsert_member(actor)
        locale = member.locale or core.settings.locale
        open_rounds = []
        # One query for this person's rounds, not one per team: App Home opens often.
        for rnd in core.store.rounds.open_rounds_of_member(member.id):
            team = core.store.directory.team(rnd.team_id)
            if team is not None:
                answers = current_answers(core, rnd, member)
                open_rounds.append(round_view(core, rnd, team, locale, answers=answers))
        teams = []
        for role in (RoleName.MANAGER, RoleName.COACH):
            for team in people.teams_with_role(member.id, role):
                teams.append({"id": team.id, "name": team.name, "role": role.value})
        view = HomeView(
            name=actor.display_name or actor.user_id, open_rounds=open_rounds, teams=teams
        )
        return Reply(form=render(core.surface(actor.platform), "home", locale, home=view))
