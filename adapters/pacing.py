"""Outbound pacing per conversation, for every platform (backoff lives in bot.backoff)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]


class Pacer:
    """Spaces sends to the same conversation at least ``interval`` seconds apart.

    Slack allows about one message per second per channel and Teams seven per second per
    thread; pacing before the call keeps a programme-wide fan-out under those limits instead
    of collecting 429s. Different conversations never wait for each other.

    Args:
        interval: Minimum seconds between two sends to one conversation (0 disables pacing).
        sleep: Awaitable sleep; injectable so unit tests can run without real waiting.
        monotonic: Monotonic clock in seconds.
    """

    def __init__(
        self,
        interval: float,
        *,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        max_keys: int = 10_000,
    ):
        self.interval = interval
        self._sleep = sleep
        self._monotonic = monotonic
        self._next: dict[str, float] = {}
        self._max_keys = max_keys

    def reserve(self, key: str) -> float:
        """Book the next free slot for ``key`` and return how long to wait for it."""
        now = self._monotonic()
        slot = max(now, self._next.get(key, now))
        self._next[key] = slot + self.interval
        if len(self._next) > self._max_keys:
            # Forget conversations whose slot has passed; they need no waiting any more.
            self._next = {k: v for k, v in self._next.items() if v > now}
        return slot - now

    async def wait(self, key: str) -> float:
        """Wait for ``key``'s next slot; returns the seconds waited."""
        delay = self.reserve(key) if self.interval > 0 else 0.0
        if delay > 0:
            await self._sleep(delay)
        return delay

    def hold(self, key: str, seconds: float) -> None:
        """Push ``key``'s next slot back, e.g. after the platform answered 429 Retry-After."""
        until = self._monotonic() + max(seconds, 0.0)
        self._next[key] = max(self._next.get(key, 0.0), until)


class Budget:
    """Keeps calls of each key (a method in one workspace) within a per-minute allowance.

    A token bucket per key, as Slack's tiers behave: a full minute's calls may go at once,
    then one more each ``minute / allowance`` seconds. Calls book their slot before they are
    made, so a burst queues instead of collecting 429s, and keys never wait for each other.

    The bucket holds only ``burst`` of a minute's calls: the platform starts counting a
    burst when its first call arrives, later than this side booked it, and the refill this
    side counted meanwhile would otherwise be spent twice.

    Args:
        allowance: Calls per minute per key; keys not listed are not limited.
        minute: Seconds in a minute (shorter in benchmarks that run Slack's clock faster).
        burst: Share of a minute's calls that may go at once.
        sleep: Awaitable sleep.
        monotonic: Monotonic clock in seconds.
    """

    def __init__(
        self,
        allowance: dict[str, int],
        *,
        minute: float = 60.0,
        burst: float = 0.5,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
    ):
        self.allowance = dict(allowance)
        self.minute = minute
        self.burst = burst
        self._sleep = sleep
        self._monotonic = monotonic
        # key -> (tokens left, when counted); tokens below zero are calls already queued.
        self._tokens: dict[str, tuple[float, float]] = {}

    def reserve(self, key: str) -> float:
        """Book a call of ``key`` and return how long to wait before making it."""
        per_minute = self.allowance.get(key)
        if not per_minute:
            return 0.0
        now, rate = self._monotonic(), per_minute / self.minute
        tokens = self._refilled(key, now, per_minute) - 1.0
        self._tokens[key] = (tokens, now)
        return 0.0 if tokens >= 0 else -tokens / rate

    def _refilled(self, key: str, now: float, per_minute: int) -> float:
        capacity = max(1.0, per_minute * self.burst)
        tokens, then = self._tokens.get(key, (capacity, now))
        return min(capacity, tokens + (now - then) * per_minute / self.minute)

    async def wait(self, key: str) -> float:
        """Wait for ``key``'s next call slot; returns the seconds waited."""
        delay = self.reserve(key)
        if delay > 0:
            await self._sleep(delay)
        return delay

    def hold(self, key: str, seconds: float) -> None:
        """Give ``key`` no calls for ``seconds`` (the platform answered 429 Retry-After)."""
        per_minute = self.allowance.get(key)
        if not per_minute:
            return
        now, rate = self._monotonic(), per_minute / self.minute
        tokens = self._refilled(key, now, per_minute)
        # One token short of ``seconds`` of refill: the next call waits that long.
        self._tokens[key] = (min(tokens, 1.0 - max(seconds, 0.0) * rate), now)
