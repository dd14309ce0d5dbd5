"""Inbound events from adapters become core actions and a Reply."""

from __future__ import annotations

import asyncio
import logging

from bot.answers import current_answers, record_answers
from bot.lifecycle import Lifecycle
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
from bot.presenter import round_view
from prompts.catalog import command_word
from prompts.render import message, render
from prompts.views import HomeView

log = logging.getLogger(__name__)


class Interactions:
    """The core's InteractionPort: one method per kind of inbound event."""

    def __init__(self, lc: Lifecycle):
        self.lc = lc
        self._followups: set[asyncio.Task[None]] = set()

    async def drain(self) -> None:
        """Wait until follow-up work started after a reply has finished."""
        while self._followups:
            await asyncio.gather(*list(self._followups), return_exceptions=True)

    async def first_seen(self, platform: str, event_id: str) -> bool:
        """Record an inbound event id; False for a redelivery."""
        return self.lc.store.first_seen(platform, event_id, self.lc.clock.now())

    async def handle(self, event: Inbound) -> Reply:
        """Handle one inbound event and return what to show."""
        if isinstance(event, CommandInvoked):
            from bot.command_handler import execute  # the command language builds on us

            return await execute(self.lc, event)
        if isinstance(event, FormRequested):
            return self.form(event)
        if isinstance(event, AnswersSubmitted):
            return await self.answers(event)
        if isinstance(event, ConversationJoined):
            return self.joined(event)
        return self.home(event)

    def _locale(self, platform: str, user_id: str, fallback: str | None = None) -> str:
        member = self.lc.directory.member_by_user(platform, user_id)
        return (member.locale if member else None) or fallback or self.lc.settings.locale

    def form(self, event: FormRequested) -> Reply:
        """Return the answer form of a round, prefilled with the person's own answers."""
        lc, actor = self.lc, event.actor
        surface = lc.surface(actor.platform)
        rnd = lc.store.round(event.round_id)
        team = lc.directory.team(rnd.team_id) if rnd else None
        locale = self._locale(actor.platform, actor.user_id, team.locale if team else None)
        if rnd is None or team is None or rnd.status is not RoundStatus.OPEN:
            key = (
                "answer.closed"
                if rnd and rnd.status is RoundStatus.CLOSED
                else ("answer.unknown_round")
            )
            return Reply(ok=False, message=message(surface, locale, key))
        member = lc.directory.upsert_member(actor)
        view = round_view(lc, rnd, team, locale, answers=current_answers(lc, rnd, member))
        return Reply(form=render(surface, "form", locale, round=view))

    async def answers(self, event: AnswersSubmitted) -> Reply:
        """Store answers (committed before this returns) and confirm privately."""
        lc, actor = self.lc, event.actor
        now = lc.clock.now()
        surface = lc.surface(actor.platform)
        outcome = record_answers(lc, event.round_id, actor, event.answers, now)
        reply = Reply(
            ok=outcome.ok,
            errors=outcome.errors,
            message=render(surface, "message", None, text=outcome.message),
        )
        log.info("answers for round %s: %s", event.round_id, "stored" if outcome.ok else "refused")
        if outcome.ok:
            # After the reply: the platform is waiting to acknowledge the submission, and a
            # rate-limited message update must not hold that acknowledgement up.
            task = asyncio.get_running_loop().create_task(self._refresh_counter(event.round_id))
            self._followups.add(task)
            task.add_done_callback(self._followups.discard)
        return reply

    async def _refresh_counter(self, round_id: int) -> None:
        # The counter is re-derived from the database each time, so a lost or repeated
        # update cannot make it wrong; it is therefore not an outbox delivery.
        lc = self.lc
        rnd = lc.store.round(round_id)
        team = lc.directory.team(rnd.team_id) if rnd else None
        port = lc.ports.get(team.platform) if team else None
        ref = lc.directory.conversation_ref(team.conversation_id or 0) if team else None
        if not (rnd and team and port and ref and rnd.message_id):
            return
        view = round_view(lc, rnd, team, team.locale, with_recap=True)
        try:
            await port.update(
                ref, rnd.message_id, render(port.surface, "round_open", team.locale, round=view)
            )
        except Exception as exc:
            log.warning("counter of round %s not updated: %s", round_id, type(exc).__name__)

    def joined(self, event: ConversationJoined) -> Reply:
        """Remember a conversation the bot was added to and say how to begin."""
        lc = self.lc
        lc.directory.upsert_conversation(event.conversation)
        team = lc.directory.team_by_conversation(
            event.conversation.platform, event.conversation.external_id
        )
        locale = team.locale if team else lc.settings.locale
        surface = lc.surface(event.conversation.platform)
        cmd = command_word(event.conversation.platform, locale)
        return Reply(public=message(surface, locale, "team.welcome", cmd=cmd))

    def home(self, event: HomeRequested) -> Reply:
        """Return a person's overview: open rounds in their teams, and teams they lead."""
        lc, actor = self.lc, event.actor
        member = lc.directory.upsert_member(actor)
        locale = member.locale or lc.settings.locale
        open_rounds = []
        # One query for this person's rounds, not one per team: App Home opens often.
        for rnd in lc.store.open_rounds_of_member(member.id):
            team = lc.directory.team(rnd.team_id)
            if team is not None:
                answers = current_answers(lc, rnd, member)
                open_rounds.append(round_view(lc, rnd, team, locale, answers=answers))
        teams = []
        for role in (RoleName.MANAGER, RoleName.COACH):
            for team in lc.directory.teams_with_role(member.id, role):
                teams.append({"id": team.id, "name": team.name, "role": role.value})
        view = HomeView(
            name=actor.display_name or actor.user_id, open_rounds=open_rounds, teams=teams
        )
        return Reply(form=render(lc.surface(actor.platform), "home", locale, home=view))
