"""SlackAdapter: slack-bolt listeners that hand neutral events to the core and show its reply."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.base import CoreDoor
from adapters.http import SHARED, SessionPool
from adapters.slack import translate as tr
from adapters.slack.outbound import SlackOutbound, make_client
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
from bot.ports import DbBusyError, DeliveryError, InteractionPort
from prompts.render import message, render

log = logging.getLogger(__name__)
Ack = Callable[..., Awaitable[None]]
EVENTS_PATH = "/slack/events"
# Slack waits 3 s for an acknowledgement. The core answers a command from the database alone
# and sends its posts after the reply, so it is normally done in milliseconds; should it be
# slow (a locked database), the command is acknowledged after this long with "working on it"
# and the reply follows through the response URL.
ACK_BUDGET = 1.0
SLACK_DOWN_AFTER = 5


class SlackAdapter(SlackOutbound, CoreDoor):
    """Slack for reflectiebot: the ``ChatPort`` for the core and bolt listeners for Slack.

    Listeners acknowledge at once and finish in tracked background tasks (``drain`` awaits
    them), except the modal submission, which is acknowledged only after the core has
    committed the answers, so a closed modal always means saved answers.

    Args:
        bot_token: ``SLACK_BOT_TOKEN``.
        signing_secret: ``SLACK_SIGNING_SECRET``; requests without a valid signature get 401.
        app_token: ``SLACK_APP_TOKEN``; when given, events also arrive over Socket Mode.
        base_url: Web API base URL (a fake in dev/test; the settings refuse it in production).
        pace: Minimum seconds between posts in one channel (0: no pacing at all).
        minute: Seconds in one of Slack's rate-limit minutes (shorter only in benchmarks).
        ack_budget: Seconds a slash command waits for the core before acknowledging.
        pool: The keep-alive HTTP sessions the Web API calls use (the process's by default).
    """

    def __init__(
        self,
        *,
        bot_token: str,
        signing_secret: str,
        app_token: str | None = None,
        base_url: str | None = None,
        pace: float = 1.0,
        minute: float = 60.0,
        ack_budget: float = ACK_BUDGET,
        pool: SessionPool | None = None,
    ):
        self.pool = pool or SHARED
        super().__init__(make_client(bot_token, base_url, self.pool), pace=pace, minute=minute)
        self.ack_budget = ack_budget
        self.app_token = app_token
        self.verifier = SignatureVerifier(signing_secret)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=signing_secret,
            process_before_response=True,
            # Verified in _http before bolt parses anything; bolt's own check would log the
            # whole body of a badly signed request, answers included.
            request_verification_enabled=False,
            name="reflectiebot",
        )
        self._socket: AsyncSocketModeHandler | None = None
        self._work = Background("slack")
        self.app.middleware(self._drop_redeliveries)
        self.app.command("/reflectie")(self._on_command)
        self.app.action(tr.OPEN_FORM)(self._on_open_form)
        self.app.action(tr.CONFIRM)(self._on_confirm)
        self.app.view_submission(tr.ANSWER_FORM)(self._on_submit)
        self.app.event("app_home_opened")(self._on_home)
        self.app.event("member_joined_channel")(self._on_joined)
        self.app.event("member_left_channel")(self._on_left)
        self.app.error(self._on_error)

    # lifetime ----------------------------------------------------------------------------
    def mount(self, app: web.Application, inbound: InteractionPort) -> None:
        """Serve commands, interactivity and events at ``POST /slack/events``."""
        self._core = inbound
        app.router.add_post(EVENTS_PATH, self._http)

    async def _http(self, request: web.Request) -> web.Response:
        body = await request.text()
        if not self.verifier.is_valid(
            body,
            request.headers.get("X-Slack-Request-Timestamp", ""),
            request.headers.get("X-Slack-Signature", ""),
        ):
            # Nothing of an unsigned or stale request is parsed, stored or logged.
            return web.Response(status=401)
        try:
            parsed = await to_bolt_request(request)
            tr.check_envelope(parsed.body)
        except Exception as exc:
            # Signed, but not a body bolt can read (payload=null, [1], broken JSON, actions
            # that are not a list...): refused before bolt trips over it.
            log.warning("unreadable slack request refused: %s", type(exc).__name__)
            return web.Response(status=400, headers={"X-Slack-No-Retry": "1"})
        return await to_aiohttp_response(await self.app.async_dispatch(parsed))

    async def start(self) -> None:
        """Connect Socket Mode when an app token is configured."""
        if self.app_token:
            self._socket = AsyncSocketModeHandler(self.app, self.app_token)
            await self._socket.connect_async()

    async def stop(self) -> None:
        """Finish background work and disconnect."""
        await self.drain()
        if self._socket:
            await self._socket.close_async()
        await self.pool.close()

    def health(self) -> dict[str, Any]:
        """Slack is down for us after five Web API calls in a row that did not reach it."""
        return {"ok": self.failing < SLACK_DOWN_AFTER, "failing_calls": self.failing}

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return self._work.start(work)

    async def drain(self) -> None:
        """Wait until every piece of work started after an acknowledgement has finished."""
        await self._work.drain()
        await self.core.drain()

    # middleware and errors ---------------------------------------------------------------
    async def _drop_redeliveries(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        # Runs after bolt has verified the signature, so forged requests never get here.
        key = tr.read(tr.event_key, body) if isinstance(body, dict) else None
        try:
            seen = bool(key) and not await self.core.first_seen(tr.PLATFORM, key or "")
        except DbBusyError:
            if body.get("type") == "event_callback":
                # Events are redelivered by Slack: let it try again in a moment.
                return BoltResponse(status=503, body="")
            seen = False  # a person is waiting: go on, the core answers "busy" itself
        if seen:
            log.info("dropped a redelivery of %s", key)
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> BoltResponse:
        # Retrying the same request would fail the same way; Slack honours this header.
        if isinstance(error, tr.MalformedError):
            log.warning("malformed slack request refused: %s", error)
            return BoltResponse(status=400, body="", headers={"X-Slack-No-Retry": "1"})
        log.error("slack request failed: %s", type(error).__name__)
        return BoltResponse(status=500, body="", headers={"X-Slack-No-Retry": "1"})

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
                **tr.message_chunks(self._text(event.actor, "slack.working"))[0],
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
            await self._call("views.open", trigger_id=trigger, view=tr.view_payload(reply.form))

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
            await self._call("views.open", trigger_id=trigger, view=tr.view_payload(reply.form))
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
            await ack(response_action="update", view=tr.view_payload(saved))
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
                "views.publish", user_id=inbound.actor.user_id, view=tr.view_payload(view)
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
        return {"response_type": "ephemeral", **tr.message_chunks(msg)[0]}

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
