"""Pacing and retries for the Bot Connector: per conversation, per tenant, bounded retries."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp

from adapters.pacing import Pacer, Sleep
from bot.backoff import Backoff
from bot.ports import DeliveryError

log = logging.getLogger(__name__)
T = TypeVar("T")
# Teams allows about 7 messages a second per conversation and 30-50 requests a second per
# tenant; beyond that the connector answers 429.
PER_CONVERSATION = 7.0
# A margin under the tenant's 30: requests leave on their slot but arrive with the event
# loop's jitter, and one 429 holds every conversation of the tenant for its Retry-After.
PER_TENANT = 28.0
# Worth trying again soon: throttled, precondition (a card edited at the same moment), and
# the connector's gateway errors.
RETRYABLE = {429, 412, 500, 502, 503, 504}
# The bot was removed from the conversation (or it was deleted): record it, do not retry.
GONE = {403, 404}


def retry_after(exc: aiohttp.ClientResponseError) -> float | None:
    """Return the connector's ``Retry-After`` in seconds, if it gave one we can read."""
    header = exc.headers.get("Retry-After") if exc.headers is not None else None
    try:
        return max(float(header), 0.0) if header else None
    except ValueError:
        return None


def delivery_error(exc: BaseException) -> DeliveryError:
    """Translate a connector failure into the core's ``DeliveryError``."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, aiohttp.ClientResponseError):
        status = exc.status
        if status in GONE:
            return DeliveryError(f"http_{status}", retryable=False, gone=True)
        return DeliveryError(
            "ratelimited" if status == 429 else f"http_{status}",
            retryable=status in RETRYABLE,
            retry_after=retry_after(exc),
        )
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | OSError):
        return DeliveryError(f"connection:{type(exc).__name__}", retryable=True)
    return DeliveryError(type(exc).__name__, retryable=False)


class Limits:
    """Paces every connector call and retries the retryable ones a bounded number of times.

    Args:
        per_conversation: Requests a second to one conversation.
        per_tenant: Requests a second to one tenant, all conversations together.
        attempts: Tries per call; after the last, the ``DeliveryError`` goes to the core,
            whose outbox tries again on its own schedule.
        max_wait: A ``Retry-After`` longer than this is left to the outbox instead.
        backoff: The one backoff (used when the connector gives no ``Retry-After``).
        sleep: Awaitable sleep (injectable so tests need not wait).
    """

    def __init__(
        self,
        *,
        per_conversation: float = PER_CONVERSATION,
        per_tenant: float = PER_TENANT,
        attempts: int = 4,
        max_wait: float = 30.0,
        backoff: Backoff | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.conversations = Pacer(
            1 / per_conversation if per_conversation else 0, sleep=sleep, monotonic=monotonic
        )
        self.tenants = Pacer(1 / per_tenant if per_tenant else 0, sleep=sleep, monotonic=monotonic)
        self.attempts = attempts
        self.max_wait = max_wait
        self.backoff = backoff or Backoff(base=1.0, cap=8.0)
        self.sleep = sleep
        self.retries = 0

    async def call(self, conversation: str, tenant: str, send: Callable[[], Awaitable[T]]) -> T:
        """Run ``send`` within both paces; retry what is retryable; raise ``DeliveryError``."""
        for attempt in range(self.attempts):
            await self.conversations.wait(conversation)
            await self.tenants.wait(tenant or "-")
            try:
                return await send()
            except Exception as exc:  # every failure becomes a DeliveryError
                error = delivery_error(exc)
                last = attempt + 1 == self.attempts
                if not error.retryable or last or (error.retry_after or 0) > self.max_wait:
                    raise error from exc
                delay = self.backoff.delay(attempt, error.retry_after)
                if error.reason == "ratelimited":
                    # Throttling is counted per tenant: every conversation there waits.
                    self.tenants.hold(tenant or "-", delay)
                self.conversations.hold(conversation, delay)
                self.retries += 1
                log.info("teams call retried in %.1fs: %s", delay, error.reason)
                await self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
