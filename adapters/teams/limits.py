"""Pacing and retries for the Bot Connector: per conversation, per tenant, bounded retries."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
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
# Counted in a window a little longer than the tenant's second: requests arrive with some
# jitter, and one 429 holds every conversation of the tenant for its Retry-After.
PER_TENANT = 30
TENANT_PERIOD = 1.05
# Three 429s within this many seconds: the tenant's limit is lower than ours (see Window).
STORM = 10.0
STORM_COUNT = 3
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


class Window:
    """At most ``limit`` passes per key in any rolling ``period`` seconds, counted when they pass.

    A fixed spacing between slots lets a late request (the event loop was busy) bunch up with
    the next one on time; counting what actually went out in the last period cannot.

    Args:
        limit: Requests allowed in one period (0: no limit).
        period: The window, a little over the platform's second to absorb arrival jitter.
    """

    def __init__(
        self,
        limit: int,
        period: float = 1.0,
        *,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ):
        self.limit = limit
        self.period = period
        self._sleep = sleep
        self._monotonic = monotonic
        self._sent: dict[str, deque[float]] = {}
        self._held: dict[str, float] = {}
        self._throttles: dict[str, deque[float]] = {}
        self._max_keys = max_keys

    async def wait(self, key: str) -> None:
        """Wait until one more request for ``key`` fits in the window, and count it."""
        if self.limit <= 0:
            return
        sent = self._sent.setdefault(key, deque())
        while True:
            now = self._monotonic()
            while sent and now - sent[0] >= self.period:
                sent.popleft()
            held = self._held.get(key, 0.0) - now
            if held <= 0 and len(sent) < self.limit:
                sent.append(now)
                break
            await self._sleep(max(held, sent[0] + self.period - now if sent else 0.0, 0.001))
        if len(self._sent) > self._max_keys:
            self._sent = {k: v for k, v in self._sent.items() if v and now - v[-1] < self.period}

    def hold(self, key: str, seconds: float) -> None:
        """Send nothing for ``key`` for ``seconds``."""
        until = self._monotonic() + max(seconds, 0.0)
        self._held[key] = max(self._held.get(key, 0.0), until)

    def throttled(self, key: str, retry_after: float) -> bool:
        """Note a 429 for ``key``; return whether the whole key is now held back.

        A stray 429 (a request that arrived a little early) costs only its own retry. Three
        within ``STORM`` seconds mean the platform's limit is lower than ours: then every
        request for the key waits out the Retry-After, and the limit drops by a tenth.
        """
        now = self._monotonic()
        recent = self._throttles.setdefault(key, deque())
        recent.append(now)
        while recent and now - recent[0] > STORM:
            recent.popleft()
        if len(recent) < STORM_COUNT:
            return False
        recent.clear()
        self.hold(key, retry_after)
        if self.limit > 0:  # without a limit (0) there is nothing to lower
            self.limit = max(1, int(self.limit * 0.9))
            log.warning("teams throttled repeatedly: %d requests per window now", self.limit)
        return True


class Limits:
    """Paces every connector call and retries the retryable ones a bounded number of times.

    Args:
        per_conversation: Requests a second to one conversation.
        per_tenant: Requests a second to one tenant, all conversations together.
        attempts: Tries per call; after the last, the ``DeliveryError`` goes to the core,
            whose outbox tries again on its own schedule.
        max_wait: A ``Retry-After`` longer than this is left to the outbox instead.
        backoff: The one backoff (used when the connector gives no ``Retry-After``).
        sleep: Awaitable sleep between retries (injectable so tests need not wait).
        pace_sleep: Awaitable sleep of the pacing itself (with ``monotonic``, its clock).
    """

    def __init__(
        self,
        *,
        per_conversation: float = PER_CONVERSATION,
        per_tenant: int = PER_TENANT,
        attempts: int = 4,
        max_wait: float = 30.0,
        backoff: Backoff | None = None,
        sleep: Sleep = asyncio.sleep,
        pace_sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.conversations = Pacer(
            1 / per_conversation if per_conversation else 0, sleep=pace_sleep, monotonic=monotonic
        )
        self.tenants = Window(per_tenant, TENANT_PERIOD, sleep=pace_sleep, monotonic=monotonic)
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
                    self.tenants.throttled(tenant or "-", delay)
                self.conversations.hold(conversation, delay)
                self.retries += 1
                log.info("teams call retried in %.1fs: %s", delay, error.reason)
                await self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
