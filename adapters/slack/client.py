"""The Slack Web API client: one keep-alive session, no SDK retries, errors as DeliveryError."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.http import SHARED, SessionPool
from bot.ports import DeliveryError

# Slack error codes that mean "try again later"; every other error code is permanent
# (channel_not_found, is_archived, not_in_channel, account_inactive, invalid_blocks, ...).
RETRYABLE_ERRORS = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "team_added_to_org",
}
# Slack error codes that mean the bot can no longer post in that channel; the core records
# the channel as gone and tells its managers instead of trying again.
GONE_ERRORS = {
    "channel_not_found",
    "is_archived",
    "not_in_channel",
    "channel_is_archived",
    "team_access_not_granted",
}


class PooledWebClient(AsyncWebClient):
    """An ``AsyncWebClient`` whose every call goes over the pool's keep-alive session."""

    def __init__(self, *, pool: SessionPool, **kwargs: Any):
        super().__init__(**kwargs)
        self.pool = pool

    async def api_call(self, *args: Any, **kwargs: Any) -> Any:
        """Bind the running loop's shared session, then call like ``AsyncWebClient``."""
        self.session = self.pool.session()
        return await super().api_call(*args, **kwargs)


def make_client(
    token: str, base_url: str | None = None, pool: SessionPool | None = None
) -> AsyncWebClient:
    """Return a Web API client that does not retry by itself, on the shared session.

    A post retried inside the SDK could arrive twice without the database knowing, and
    would hold later messages to the channel up; the core's outbox retries each delivery on
    its own timer, with the one backoff and the platform's Retry-After, instead.

    Args:
        token: The bot token.
        base_url: The Web API base URL (a fake in dev/test).
        pool: Where the keep-alive session comes from; the process's shared pool by default.
    """
    return PooledWebClient(
        pool=pool or SHARED,
        token=token,
        base_url=base_url or AsyncWebClient.BASE_URL,
        retry_handlers=[],
    )


def delivery_error(exc: Exception) -> DeliveryError:
    """Translate an SDK or connection failure into the core's ``DeliveryError``."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        code = str(exc.response.get("error") or f"http_{status}")
        retry_after: float | None = None
        header = (exc.response.headers or {}).get("Retry-After") or (
            exc.response.headers or {}
        ).get("retry-after")
        if header:
            try:
                retry_after = float(header if isinstance(header, str) else header[0])
            except (TypeError, ValueError):
                retry_after = None
        if status == 429:
            return DeliveryError("ratelimited", retryable=True, retry_after=retry_after or 1.0)
        retryable = status >= 500 or code in RETRYABLE_ERRORS
        return DeliveryError(
            code, retryable=retryable, retry_after=retry_after, gone=code in GONE_ERRORS
        )
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | OSError | SlackClientError):
        return DeliveryError(f"connection:{type(exc).__name__}", retryable=True)
    return DeliveryError(type(exc).__name__, retryable=False)
