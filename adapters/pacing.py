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
