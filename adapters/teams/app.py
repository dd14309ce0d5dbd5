"""TeamsAdapter: the Agents SDK's turns handed to the core; cards answered, posts sent after."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity, InvokeResponse
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration

from adapters.base import CoreDoor
from adapters.teams import translate as tr
from adapters.teams.auth import token_source
from adapters.teams.connector import Connector, TurnClients
from adapters.teams.endpoint import MESSAGES_PATH, Endpoint
from adapters.teams.limits import Limits
from adapters.teams.outbound import TeamsOutbound
from bot.background import Background
from bot.messages import Actor, ConversationJoined, FormRequested, Rendered, Reply
from bot.ports import DbBusyError, DeliveryError, InteractionPort
from prompts.catalog import command_word
from prompts.render import message, render

log = logging.getLogger(__name__)
TEAMS_DOWN_AFTER = 5


class TeamsAdapter(TeamsOutbound, CoreDoor):
    """Microsoft Teams for reflectiebot: the ``ChatPort`` and the SDK agent behind /api/messages.

    A turn is answered at once: a message (a command) or an installation gets 202 and is
    handled right after, so Teams' 15-second wait is never spent on the core or on posts.
    Only a card's ``Action.Execute`` is answered inside the turn, because Teams shows the
    refreshed card from the response; the core answers it from the database alone.

    Args:
        config: The SDK's authentication configuration (see ``adapters.teams.auth``).
        connector: Connector clients (default: one pool, the bot's token from MSAL).
        limits: Pacing and retries (default: 7/s per conversation, 30/s per tenant).
    """

    def __init__(
        self,
        *,
        config: AgentAuthConfiguration,
        connector: Connector | None = None,
        limits: Limits | None = None,
    ):
        super().__init__(connector or Connector(token_source(config)), limits)
        self.config = config
        self._work = Background("teams")
        self.sdk = CloudAdapter(channel_service_client_factory=TurnClients(self.connector))
        self.endpoint = Endpoint(config, self.sdk, self)

    # lifetime ----------------------------------------------------------------------------
    def mount(self, app: web.Application, inbound: InteractionPort) -> None:
        """Serve the Bot Connector at ``POST /api/messages`` (only this route needs a token)."""
        self._core = inbound
        app.router.add_post(MESSAGES_PATH, self.endpoint.handle)

    async def start(self) -> None:
        """Nothing to connect: Teams calls us, and MSAL fetches a token on the first send."""

    async def stop(self) -> None:
        """Finish the work started after answering turns, then close the connection pool."""
        await self.drain()
        await self.connector.close()

    def health(self) -> dict[str, Any]:
        """Teams is down for us after five connector calls in a row that did not reach it."""
        return {
            "ok": self.failing < TEAMS_DOWN_AFTER,
            "failing_calls": self.failing,
            "removed_from": len(self.gone),
        }

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return self._work.start(work)

    async def drain(self) -> None:
        """Wait until every piece of work started after answering a turn has finished."""
        await self._work.drain()
        await self.core.drain()

    # the turn ------------------------------------------------------------------------------
    async def on_turn(self, context: TurnContext) -> None:
        """Handle one activity: card presses answered now, everything else right after."""
        activity = context.activity.model_dump(mode="json", by_alias=True, exclude_none=True)
        action = tr.card_action(activity)
        if activity.get("type") == "invoke":
            body = await self._invoke(activity, action) if action else {}
            answer = Activity(type="invokeResponse", value=InvokeResponse(status=200, body=body))
            try:
                await context.send_activity(answer)
            except Exception as exc:  # an activity the SDK cannot address a reply to
                log.warning("teams invoke answered directly: %s", type(exc).__name__)
                context.turn_state[self.sdk.INVOKE_RESPONSE_KEY] = answer
        elif action is not None:
            self._spawn(self._submitted(activity, action))
        elif activity.get("type") == "message":
            self._spawn(self._command(activity))
        elif tr.bot_added(activity):
            self._spawn(self._joined(activity))
        elif activity.get("type") == "conversationUpdate":
            self._spawn(self._members_joined(activity))

    async def _invoke(self, activity: dict[str, Any], action: tr.CardAction) -> dict[str, Any]:
        locale = str(activity.get("locale") or "") or None
        try:
            shown = await self._card(activity, action)
        except tr.MalformedError as exc:
            log.warning("unreadable teams card action refused: %s", exc)
            shown = self._text(locale, "teams.unreadable")
        except Exception as exc:  # the person must see that nothing was saved
            log.error("core failed on a teams card: %s", type(exc).__name__)
            shown = self._text(locale, "teams.failed")
        return tr.invoke_card(shown)

    async def _card(self, activity: dict[str, Any], action: tr.CardAction) -> Rendered:
        if action.verb == tr.OPEN_FORM:
            reply = await self.core.handle(tr.form_to_inbound(activity, action.data))
            return self._shown(reply, activity)
        if action.verb == tr.ANSWER:
            event = tr.answers_to_inbound(activity, action.data)
            reply = await self.core.handle(event)
            return await self._refreshed(event.actor, event.round_id, reply, action.data)
        if action.verb == tr.CONFIRM:
            reply = await self.core.handle(tr.confirm_to_inbound(activity, action.data))
            if reply.public:
                self._spawn(self._show(Reply(public=reply.public), activity))
            return self._shown(reply, activity)
        raise tr.MalformedError("unknown verb")

    def _shown(self, reply: Reply, activity: dict[str, Any]) -> Rendered:
        shown = reply.form or reply.message
        if shown is None:
            return self._text(str(activity.get("locale") or "") or None, "teams.failed")
        return shown

    async def _refreshed(
        self, who: Actor, round_id: int, reply: Reply, data: dict[str, Any]
    ) -> Rendered:
        # The person's own card, read again after the answers were committed (or refused).
        own = await self.core.handle(FormRequested(actor=who, round_id=round_id))
        if own.form is None:
            return reply.message if not reply.ok and reply.message else self._shown(own, {})
        notice = {"text": reply.message.text, "ok": reply.ok} if reply.message else None
        # What was refused stays in the card, so nothing typed is lost.
        values = {} if reply.ok else {k: str(v) for k, v in data.items() if k.startswith("q:")}
        return render(
            "teams",
            "refreshed",
            who.locale,
            card=tr.card(own.form),
            notice=notice,
            errors=reply.errors,
            values=values,
        )

    async def _submitted(self, activity: dict[str, Any], action: tr.CardAction) -> None:
        # An older client's Action.Submit: no card comes back, so the person's own card
        # (saved, or what to fix) goes to their personal chat, never to the channel.
        try:
            who = tr.actor(activity)
        except tr.MalformedError:
            log.warning("teams card submission without a person refused")
            return
        shown = await self._invoke(activity, action)
        card = shown["value"]
        msg = Rendered(
            surface=self.surface, text=str(card.get("fallbackText", "")), payload={"card": card}
        )
        try:
            await self.notify(who, msg)
        except DeliveryError as exc:
            log.warning("card result not delivered: %s", exc.reason)

    async def _first(self, activity: dict[str, Any]) -> bool:
        # Teams may deliver an activity again when we were slow; the first one counts.
        activity_id = str(activity.get("id") or "")
        if not activity_id:
            return True
        try:
            return await self.core.first_seen(
                tr.PLATFORM, f"{tr.channel_id(activity)}:{activity_id}"[:300]
            )
        except DbBusyError:
            return True

    async def _command(self, activity: dict[str, Any]) -> None:
        try:
            if not await self._first(activity):
                log.info("dropped a redelivered teams message")
                return
            parsed = tr.command_text(activity)
            resolved = await self._resolve(activity, parsed.mentions)
            event = tr.command_to_inbound(activity, resolved)
        except (tr.MalformedError, ValueError) as exc:
            log.warning("unreadable teams message refused: %s", type(exc).__name__)
            return
        try:
            reply = await self.core.handle(event)
        except Exception as exc:
            log.error("core failed on a teams command: %s", type(exc).__name__)
            reply = Reply(ok=False, message=self._text(event.actor.locale, "teams.failed"))
        await self._show(reply, activity)

    async def _resolve(
        self, activity: dict[str, Any], mentions: list[tr.Mention]
    ) -> dict[str, Actor]:
        # Teams names a mentioned person by their Teams id; the core knows them by Entra id.
        resolved = {}
        missing = []
        for m in mentions:
            if m.aad:
                resolved[m.teams_id] = tr.person(m.aad, m.name or None, None, m.teams_id, activity)
            else:
                missing.append(m.teams_id)
        if missing:
            try:
                roster = await self.list_members(tr.conversation(activity))
            except DeliveryError as exc:
                log.warning("mentions not resolved: %s", exc.reason)
                return resolved
            by_id = {str(a.reference.get("id")): a for a in roster}
            resolved.update({i: by_id[i] for i in missing if i in by_id})
        return resolved

    async def _show(self, reply: Reply, activity: dict[str, Any]) -> None:
        ref = tr.conversation(activity)
        thread = tr.thread_of(activity)
        for msg, in_thread in ((reply.message, True), (reply.public, False), (reply.form, True)):
            if msg is None:
                continue
            try:
                await self.post(ref, msg, thread=thread if in_thread else None)
            except DeliveryError as exc:
                log.warning("teams reply not delivered: %s", exc.reason)

    async def _joined(self, activity: dict[str, Any]) -> None:
        try:
            if not await self._first(activity):
                return
            ref = tr.conversation(activity)
        except tr.MalformedError:
            return
        try:
            who: Actor | None = tr.actor(activity)
        except tr.MalformedError:
            who = None
        reply = await self.core.handle(ConversationJoined(actor=who, conversation=ref))
        await self._show(Reply(public=reply.public), activity)

    async def _members_joined(self, activity: dict[str, Any]) -> None:
        # The core decides what a newcomer means (an offer to the managers, privately) and
        # keeps the roster current with who joined and who left.
        try:
            if not await self._first(activity):
                return
            joined = tr.members_joined(activity)
        except (tr.MalformedError, ValueError):
            return
        if any(e.actor.display_name is None for e in joined):
            # Teams names only the ids of who was added; the roster has their names.
            try:
                roster = {a.user_id: a for a in await self.list_members(joined[0].conversation)}
            except DeliveryError:
                roster = {}
            joined = [
                e.model_copy(update={"actor": roster.get(e.actor.user_id, e.actor)}) for e in joined
            ]
        for event in joined:
            await self.core.handle(event)
        for gone in tr.members_left(activity):
            await self.core.handle(gone)

    def _text(self, locale: str | None, key: str) -> Rendered:
        return message(self.surface, locale, key, cmd=command_word(tr.PLATFORM, locale))
