"""SlackAdapter: the bolt app, its signed endpoint, Socket Mode, redeliveries and lifetime."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from adapters.base import reply_first
from adapters.http import SHARED, SessionPool
from adapters.slack import translate as tr
from adapters.slack.client import make_client
from adapters.slack.listeners import SlackListeners
from bot.ports import DbBusyError, InteractionPort

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
# Slack waits 3 s for an acknowledgement. The core answers a command from the database alone
# and sends its posts after the reply, so it is normally done in milliseconds; should it be
# slow (a locked database), the command is acknowledged after this long with "working on it"
# and the reply follows through the response URL.
ACK_BUDGET = 1.0
SLACK_DOWN_AFTER = 5


class SlackAdapter(SlackListeners):
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
        super().__init__(
            make_client(bot_token, base_url, self.pool),
            pace=pace,
            minute=minute,
            ack_budget=ack_budget,
        )
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

    async def _http(self, request: web.Request) -> web.StreamResponse:
        return await reply_first(request, lambda: self._answer(request))

    async def _answer(self, request: web.Request) -> web.Response:
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
        # Slack redelivers events it had no answer to; commands and clicks it never sends twice.
        retried = isinstance(body, dict) and body.get("type") == "event_callback"
        try:
            seen = bool(key) and not await self.core.first_seen(
                tr.PLATFORM, key or "", retried=retried
            )
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
