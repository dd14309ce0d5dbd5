"""Inbound → Reply: the one door adapters knock on (commands, forms, answers, joins, home)."""

from __future__ import annotations

import logging

from bot.commands.dispatch import execute
from bot.core import Core
from bot.messages import (
    Actor,
    AnswersSubmitted,
    CommandInvoked,
    ConversationJoined,
    FormRequested,
    HomeRequested,
    Inbound,
    MemberJoined,
    MemberLeft,
    Reply,
)
from bot.models import RoleName, RoundStatus
from bot.ports import DbBusyError
from bot.presenters.rounds import round_view
from bot.replays import RecentIds
from bot.rounds.access import form_token, member_of
from bot.rounds.answering import current_answers, record_answers
from bot.rounds.changes import member_joined
from bot.rounds.composer import route
from bot.rounds.membership import apply_membership
from bot.rounds.service import RoundService
from bot.storage.workers import Lane
from prompts.catalog import command_word, has
from prompts.render import message, render
from prompts.views import HomeView

log = logging.getLogger(__name__)
# Slack waits 3 s for an acknowledgement and shows an error after that; the core's database
# work for one event gets this long, waiting for a lock included, so the answer is always in time.
DEADLINE = 1.5
# Recording an event id for redelivery dedupe is worth only a short wait: when the database is
# locked the event is handled (or, for Slack's Events API, redelivered) without it.
DEDUPE_DEADLINE = 0.2


class Interactions:
    """The core's InteractionPort: one method per kind of inbound event.

    Args:
        core: The wired context.
        rounds: The round operations (commands start and stop rounds).
    """

    def __init__(self, core: Core, rounds: RoundService | None = None):
        self.core = core
        self.rounds = rounds or RoundService(core)
        self.counter = self.rounds.counter
        self._recent = RecentIds()

    async def drain(self) -> None:
        """Wait until follow-up work started after a reply has finished."""
        await self.core.background.drain()

    async def first_seen(self, platform: str, event_id: str, *, retried: bool = True) -> bool:
        """Record an inbound event id; False for a redelivery or a replay.

        Args:
            platform: Where the event comes from.
            event_id: The platform's id of the delivery.
            retried: Whether the platform delivers this kind of request again when it is not
                acknowledged in time. Only those ids are recorded in the database, to survive a
                restart; the others (Slack's commands and clicks) are kept in memory for their
                replay window, which spares their acknowledgement a committed write.

        Raises:
            bot.storage.workers.DbBusyError: The database is locked; the event was not recorded.
        """
        now = self.core.clock.now()
        if not retried:
            return self._recent.first_seen(platform, event_id, now)
        return await self.core.run(
            lambda: self.core.store.events.first_seen(platform, event_id, now),
            lane=Lane.INTERACTIVE,
            deadline=DEDUPE_DEADLINE,
        )

    async def handle(self, event: Inbound) -> Reply:
        """Handle one inbound event and return what to show, always within ``DEADLINE``.

        When the database stays locked the reply says so, in the person's language, and
        nothing was changed (a submission's form stays open with its answers).
        """
        try:
            if isinstance(event, FormRequested):
                return await self._form(event)
            return await self.core.run(
                self._handle, event, lane=Lane.INTERACTIVE, deadline=DEADLINE
            )
        except DbBusyError:
            log.warning("database busy: %s not handled", event.kind)
            return self._busy(event)

    def _busy(self, event: Inbound) -> Reply:
        # Rendered without the database: the person's language from the platform, if known.
        actor = event.actor
        if isinstance(event, ConversationJoined):
            platform = event.conversation.platform
        else:
            platform = event.actor.platform
        locale = actor.locale if actor else None
        key = {"answers": "busy.answers", "form": "busy.form"}.get(event.kind, "busy.command")
        text = message(self.core.surface(platform), locale, key)
        errors = {}
        if isinstance(event, AnswersSubmitted) and event.answers:
            # The form stays open, with the reason next to its first answer.
            errors = {next(iter(event.answers)): text.text}
        return Reply(ok=False, message=text, errors=errors)

    def _handle(self, event: Inbound) -> Reply:
        if isinstance(event, CommandInvoked):
            return execute(self.core, self.rounds, event)
        if isinstance(event, FormRequested):
            return self._form_now(event)
        if isinstance(event, AnswersSubmitted):
            return self.answers(event)
        if isinstance(event, ConversationJoined):
            return self.joined(event)
        if isinstance(event, MemberJoined | MemberLeft):
            # The roster (and the open round's) follows the conversation without asking the
            # platform; a join may also offer the managers a round (issue 16).
            apply_membership(self.core, event)
            if isinstance(event, MemberJoined):
                return self.member_joined(event)
            return Reply()
        return self.home(event)

    def _locale(self, platform: str, user_id: str, fallback: str | None = None) -> str:
        member = self.core.store.people.member_by_user(platform, user_id)
        return (member.locale if member else None) or fallback or self.core.settings.locale

    async def _form(self, event: FormRequested) -> Reply:
        # Someone who joined the channel since the roster was read is not known yet: ask the
        # platform once, then decide. Everyone else is answered from the database alone.
        reply = await self.core.run(self.form, event, lane=Lane.INTERACTIVE, deadline=DEADLINE)
        if reply is not None:
            return reply
        found = await self.core.run(route, self.core, event.round_id)
        ref = found.ref() if found else None
        if found is not None and ref is not None:
            try:
                actors = await found.port.list_members(ref)
            except Exception as exc:
                log.warning("roster of team %s not read: %s", found.team.id, type(exc).__name__)
            else:
                # Written only when the platform confirms the person is there: a refusal
                # leaves the database as it was.
                if any(a.user_id == event.actor.user_id for a in actors):
                    await self.core.run(self._roster, found.team.id, found.rnd.id, actors)
        return await self.core.run(self._form_now, event, lane=Lane.INTERACTIVE, deadline=DEADLINE)

    def _form_now(self, event: FormRequested) -> Reply:
        reply = self.form(event, refreshed=True)
        assert reply is not None  # with the roster refreshed, form() always decides
        return reply

    def _roster(self, team_id: str, round_id: int, actors: list[Actor]) -> None:
        store = self.core.store
        with store.atomic():
            store.people.sync_roster(team_id, actors)
            store.directory.roster_synced(team_id, self.core.clock.now())
            members = [m.id for m in store.people.team_members(team_id)]
            store.answers.set_round_members(round_id, members)

    def form(self, event: FormRequested, refreshed: bool = False) -> Reply | None:
        """Return the answer form of a round, prefilled with the person's own answers.

        Only a person of the round's conversation gets it; a refusal stores nothing. Returns
        None when the person is not known in the conversation yet and ``refreshed`` is
        False: the caller reads the roster from the platform and asks again.
        """
        core, actor = self.core, event.actor
        surface = core.surface(actor.platform)
        rnd = core.store.rounds.round(event.round_id)
        team = core.store.directory.team(rnd.team_id) if rnd else None
        locale = self._locale(actor.platform, actor.user_id, team.locale if team else None)
        if rnd is None or team is None or rnd.status is not RoundStatus.OPEN:
            closed = rnd is not None and rnd.status is RoundStatus.CLOSED
            key = "answer.closed" if closed else "answer.unknown_round"
            return Reply(ok=False, message=message(surface, locale, key))
        member = member_of(core, rnd, team, actor)
        if member is None:
            if not refreshed:
                return None
            return Reply(
                ok=False, message=message(surface, locale, "answer.not_member", team=team.name)
            )
        token = form_token(core, rnd, team)
        answers = current_answers(core, rnd, member)
        view = round_view(core, rnd, team, locale, answers=answers, form_token=token)
        return Reply(form=render(surface, "form", locale, round=view), form_token=token)

    def answers(self, event: AnswersSubmitted) -> Reply:
        """Store answers (committed before this returns) and confirm privately."""
        core, actor = self.core, event.actor
        outcome = record_answers(
            core,
            event.round_id,
            actor,
            event.answers,
            core.clock.now(),
            event.form_token,
            cleared=event.cleared,
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
            core.background.spawn(self.counter.refresh(event.round_id))
        return reply

    def joined(self, event: ConversationJoined) -> Reply:
        """Remember a conversation the bot was added to and say how to begin."""
        core = self.core
        core.store.directory.upsert_conversation(event.conversation)
        if event.actor is not None:
            # Who added the bot (Teams: with how to reach them in a personal chat).
            core.store.people.upsert_member(event.actor, seen=core.clock.now())
        team = core.store.directory.team_by_conversation(
            event.conversation.platform, event.conversation.external_id
        )
        locale = team.locale if team else core.settings.locale
        surface = core.surface(event.conversation.platform)
        cmd = command_word(event.conversation.platform, locale)
        # A platform may say more (Teams: rounds need the app in a channel, not a chat).
        key = f"{event.conversation.platform}.welcome_{event.conversation.kind}"
        return Reply(public=message(surface, locale, key if has(key) else "team.welcome", cmd=cmd))

    def member_joined(self, event: MemberJoined) -> Reply:
        """Note a newcomer in a team's channel; after the start, offer the managers a round.

        Nothing is said in the channel: the offer goes privately to the managers, after this
        returns, through the outbox.
        """
        core = self.core
        conv = event.conversation
        team = core.store.directory.team_by_conversation(conv.platform, conv.external_id)
        if team is None:
            return Reply()
        now = core.clock.now()
        if member_joined(core, team, event.actor, now):
            core.background.spawn(self.rounds.deliver(now))
        return Reply()

    def home(self, event: HomeRequested) -> Reply:
        """Return a person's overview: open rounds in their teams, and teams they lead."""
        core, actor = self.core, event.actor
        people = core.store.people
        member = people.upsert_member(actor, seen=core.clock.now())
        locale = member.locale or core.settings.locale
        open_rounds = []
        # One query for this person's rounds, not one per team: App Home opens often.
        for rnd in core.store.rounds.open_rounds_of_member(member.id):
            team = core.store.directory.team(rnd.team_id)
            if team is not None:
                answers = current_answers(core, rnd, member)
                token = form_token(core, rnd, team)
                open_rounds.append(
                    round_view(core, rnd, team, locale, answers=answers, form_token=token)
                )
        teams = []
        for role in (RoleName.MANAGER, RoleName.COACH):
            for team in people.teams_with_role(member.id, role):
                teams.append({"id": team.id, "name": team.name, "role": role.value})
        view = HomeView(
            name=actor.display_name or actor.user_id, open_rounds=open_rounds, teams=teams
        )
        return Reply(form=render(core.surface(actor.platform), "home", locale, home=view))
