"""POST /api/messages: authenticate, check the body, then hand the activity to the SDK."""

from __future__ import annotations

import json
import logging
import warnings
from urllib.parse import urlsplit

from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import Agent, TurnContext
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration
from pydantic import ValidationError

from adapters.base import reply_first
from adapters.teams.auth import authenticate

log = logging.getLogger(__name__)
MESSAGES_PATH = "/api/messages"
# An activity is a few kilobytes; a card submission with long texts stays far below this.
MAX_BODY = 256 * 1024


# The SDK logs a refused activity at ERROR with its whole content (answers included).
PAYLOAD_LOGGERS = ("microsoft_agents.activity.activity",)


class _NoPayloads(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


def quiet_payload_logs() -> None:
    """Drop the SDK's log records that quote request contents (we log the error type)."""
    for name in PAYLOAD_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NoPayloads) for f in logger.filters):
            logger.addFilter(_NoPayloads())


async def quiet_turn_error(context: TurnContext, error: Exception) -> None:
    """Replace the SDK's handler, which posts the exception text into the conversation."""
    log.error("teams turn failed: %s", type(error).__name__)


def _norm(url: object) -> str:
    return str(url).strip().rstrip("/").casefold()


def is_service_url(value: object) -> bool:
    """Return whether an activity's ``serviceUrl`` is one the bot could answer at."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in ("https", "http") and bool(parts.hostname)


def same_service_url(claimed: object, given: object) -> bool:
    """Whether the activity's serviceUrl is the one its token was issued for (if it names one)."""
    if claimed is None:
        return True  # anonymous dev/test, or a token that names no service URL
    return _norm(claimed) == _norm(given)


class Endpoint:
    """The one Teams route, in front of the SDK's ``CloudAdapter``.

    Every request without a valid token gets 401 before anything is parsed (in anonymous
    dev/test mode: a request without an Authorization header is let in). A body that is not
    an activity gets 400, never the SDK's 500, and nothing of it is logged.

    Args:
        config: The SDK's authentication configuration.
        adapter: The SDK's adapter; its default turn-error handler is replaced.
        agent: What handles each turn.
    """

    def __init__(self, config: AgentAuthConfiguration, adapter: CloudAdapter, agent: Agent):
        self.config = config
        self.adapter = adapter
        self.adapter.on_turn_error = quiet_turn_error
        quiet_payload_logs()
        self.agent = agent

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one POST from the Bot Connector; the core's follow-ups start after it."""
        return await reply_first(request, lambda: self._answer(request))

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        claims = await authenticate(request.headers.get("Authorization"), self.config)
        if claims is None:
            return web.json_response({"error": "unauthorized"}, status=401)
        if (request.content_length or 0) > MAX_BODY:
            return web.json_response({"error": "too large"}, status=413)
        try:
            raw = await request.read()  # aiohttp keeps it; the SDK reads it again
            if len(raw) > MAX_BODY:
                return web.json_response({"error": "too large"}, status=413)
            body = json.loads(raw)
            if not isinstance(body, dict) or not isinstance(body.get("type"), str):
                raise ValueError("not an activity")
            conversation = body.get("conversation")
            if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str):
                raise ValueError("no conversation")
            if not isinstance(body.get("recipient"), dict):
                raise ValueError("no recipient")  # Teams always says which bot it is for
            if not is_service_url(body.get("serviceUrl")):
                raise ValueError("no service URL")  # where every answer to it would go
            Activity.model_validate(body)
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"error": "too large"}, status=413)
        except (ValueError, ValidationError, UnicodeDecodeError) as exc:
            log.warning("unreadable teams activity refused: %s", type(exc).__name__)
            return web.json_response({"error": "not an activity"}, status=400)
        if not same_service_url(claims.get_claim_value("serviceurl"), body.get("serviceUrl")):
            # The SDK only warns; but our replies (with the bot's token) go to serviceUrl.
            log.warning("teams activity refused: service URL differs from the token's")
            return web.json_response({"error": "unauthorized"}, status=401)
        with warnings.catch_warnings():
            # The SDK reads the claims under this plain string key.
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            request["claims_identity"] = claims
        try:
            response = await self.adapter.process(request, self.agent)
        except Exception as exc:  # the SDK let something through: never a traceback
            log.error("teams activity failed: %s", type(exc).__name__)
            return web.json_response({"error": "failed"}, status=500)
        return response if response is not None else web.Response(status=202)
