"""Slack's commands, clicks, submissions and events as core calls, and the replies shown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.base import CoreDoor
from adapters.slack import translate as tr
from adapters.slack.outbound import SlackOutbound
from adapters.slack.payloads import message_chunks, view_payload
from bot.background import Background
from bot.messages import (
    Actor,
    CommandInvoked,
    ConversationJoined,
    FormRequested,
    HomeRequested,
    MemberJoined,
    Rendered,
    Reply,
)
from bot.ports import DeliveryError
from prompts.render import message, render

log = logging.getLogger(__name__)
Ack = Callable[..., Awaitable[None]]


class SlackListeners(SlackOutbound, CoreDoor):
    """The bolt listeners: each Slack request becomes a neutral event for the core.

    Listeners acknowledge at once and finish in tracked background tasks, except the modal
    submission, which is acknowledged only after the core has committed the answers.

    Args:
        client: The Web API client.
        pace: Minimum seconds between posts in one channel (0: no pacing at all).
        minute: Seconds in one of Slack's rate-limit minutes.
        ack_budget: Seconds a slash command waits for the core before acknowledging.
    """

    def __init__(self, client: AsyncWebClient, *, pace: float, minute: float, ack_budget: float):
        super().__init__(client, pace=pace, minute=minute)
        self.ack_budget = ack_budget
        self._work = Background("slack")

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return self._work.start(work)

    # listeners ---------------------------------------------------------------------------
    async def _on_command(
        self, ack: Ack, body: dict[str, Any], respond: Callable[..., Awaitable[Any]]
    ) -> None:
        event = tr.read(tr.command_to_inbound, body)
        trigger = tr.read(_optional_str, body, "trigger_id")
        task = self._spawn(self.core.handle(event))
        done, _ = await asyncio.wait({task}, timeout=self.ack_budget)
        if task not in done:
            await ack(
                response_type="ephemeral",
                **message_chunks(self._text(event.actor, "slack.working"))[0],
            )
            self._spawn(self._command_later(task, event.conversation.external_id, respond, trigger))
            return
        reply = self._result(task, event.actor)
        await ack(**self._private(reply.message))
        self._spawn(self._show(reply, event.conversation.external_id, trigger))

    async def _command_later(
        self,
        task: asyncio.Task[Reply],
        channel: str,
        respond: Callable[..., Awaitable[Any]],
        trigger: str | None,
    ) -> None:
        await asyncio.wait({task})
        reply = self._result(task, None)
        if reply.message:
            await respond(replace_original=True, **self._private(reply.message))
        await self._show(reply, channel, trigger)

    def _result(self, task: asyncio.Task[Reply], who: Actor | None) -> Reply:
        exc = task.exception()
        if exc is None:
            return task.result()
        log.error("core failed on a slack command: %s", type(exc).__name__)
        return Reply(ok=False, message=self._text(who, "slack.failed"))

    async def _show(self, reply: Reply, channel: str, trigger: str | None) -> None:
        if reply.public:
            await self._post_chunks(channel, reply.public, None)
        if reply.form and trigger:
            await self._call("views.open", trigger_id=trigger, view=view_payload(reply.form))

    async def _on_open_form(self, ack: Ack, body: dict[str, Any]) -> None:
        event = tr.read(tr.action_to_inbound, body)
        if event is None:
            raise tr.MalformedError("no round in the button")
        trigger = tr.read(_optional_str, body, "trigger_id")
        response_url = tr.read(_optional_str, body, "response_url")
        await ack()
        self._spawn(self._open_form(event, trigger, response_url))

    async def _open_form(
        self, event: FormRequested, trigger: str | None, response_url: str | None
    ) -> None:
        reply = await self.core.handle(event)
        if reply.form and trigger:
            # The trigger_id expires about 3 s after the click: open the modal right away.
            await self._call("views.open", trigger_id=trigger, view=view_payload(reply.form))
        elif reply.message:
            await self._tell(event.actor, reply.message, response_url)

    async def _on_confirm(self, ack: Ack, body: dict[str, Any]) -> None:
        event = tr.read(tr.confirm_to_inbound, body)
        if event is None:
            raise tr.MalformedError("no command in the confirmation")
        response_url = tr.read(_optional_str, body, "response_url")
        await ack()
        self._spawn(self._confirmed(event, response_url))

    async def _confirmed(self, event: CommandInvoked, response_url: str | None) -> None:
        # The button's command runs like a typed one; its reply replaces the question.
        reply = await self.core.handle(event)
        if reply.message and response_url:
            await AsyncWebhookClient(response_url).send(
                replace_original=True, **self._private(reply.message)
            )
        await self._show(reply, event.conversation.external_id, None)

    async def _on_submit(self, ack: Ack, body: dict[str, Any]) -> None:
        event = tr.read(tr.view_to_inbound, body)
        if event is None:
            raise tr.MalformedError("no round in the form")
        try:
            reply = await self.core.handle(event)
        except Exception as exc:  # the person must see that nothing was saved
            log.error("core failed on answers: %s", type(exc).__name__)
            reply = Reply(ok=False, message=self._text(event.actor, "slack.failed"))
        errors = dict(reply.errors)
        if not reply.ok and not errors and reply.message:
            # A refusal of the whole form shows next to its first question; it stays open.
            first = tr.first_input(body)
            errors = {first: reply.message.text} if first else {}
        if errors:
            await ack(response_action="errors", errors=tr.errors_to_slack(errors))
            return
        if reply.message:
            # The confirmation replaces the form in the modal the person is looking at: no
            # direct message (conversations.open and chat.postMessage) for every answer.
            saved = render(self.surface, "saved", event.actor.locale, text=reply.message.text)
            await ack(response_action="update", view=view_payload(saved))
            return
        await ack()

    async def _on_home(self, event: dict[str, Any]) -> None:
        inbound = tr.read(tr.home_to_inbound, event)
        if inbound is not None:
            self._spawn(self._publish_home(inbound))

    async def _publish_home(self, inbound: HomeRequested) -> None:
        reply = await self.core.handle(inbound)
        view = reply.form or reply.message
        if view is not None and (view.payload or {}).get("type") == "home":
            await self._call(
                "views.publish", user_id=inbound.actor.user_id, view=view_payload(view)
            )

    async def _on_joined(self, event: dict[str, Any], context: dict[str, Any]) -> None:
        inbound = tr.read(tr.joined_to_inbound, event, context.get("bot_user_id"))
        if inbound is not None:
            self._spawn(self._joined(inbound))

    async def _on_left(self, event: dict[str, Any], context: dict[str, Any]) -> None:
        inbound = tr.read(tr.left_to_inbound, event, context.get("bot_user_id"))
        if inbound is not None:
            self._spawn(self.core.handle(inbound))

    async def _joined(self, inbound: ConversationJoined | MemberJoined) -> None:
        if isinstance(inbound, MemberJoined):
            # Bots and deactivated accounts are no team members (users.info, cached, Tier 4).
            person = await self._user(inbound.actor.user_id)
            if person is None:
                return
            inbound = MemberJoined(actor=person, conversation=inbound.conversation)
        # A newcomer gets no reply in the channel: the core tells the managers privately.
        reply = await self.core.handle(inbound)
        await self._show(reply, inbound.conversation.external_id, None)

    # private messages --------------------------------------------------------------------
    def _text(self, who: Actor | None, key: str) -> Rendered:
        return message(self.surface, who.locale if who else None, key)

    @staticmethod
    def _private(msg: Rendered | None) -> dict[str, Any]:
        if msg is None:
            return {}
        return {"response_type": "ephemeral", **message_chunks(msg)[0]}

    async def _tell(self, who: Actor, msg: Rendered, response_url: str | None) -> None:
        try:
            if response_url:
                await AsyncWebhookClient(response_url).send(
                    replace_original=False, **self._private(msg)
                )
            else:
                await self.notify(who, msg)
        except DeliveryError as exc:
            log.warning("private message not delivered: %s", exc.reason)


def _optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(name)
    return value
