"""Exponential backoff with jitter: the one retry schedule, for the core and every adapter."""

from __future__ import annotations

import random


class Backoff:
    """Exponential backoff with "equal jitter", bounded by ``cap``.

    The delay for attempt ``n`` (0-based) lies between half and all of
    ``min(cap, base * 2**n)``, so retries spread out but never collapse to zero, and many
    deliveries failing at once do not all come back at the same moment.

    Args:
        base: Delay of the first retry in seconds.
        cap: Upper bound of any delay.
        rng: Random source; injectable for reproducible tests.
    """

    def __init__(self, base: float = 2.0, cap: float = 20.0, *, rng: random.Random | None = None):
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()

    def ceiling(self, attempt: int) -> float:
        """Return the longest delay of retry ``attempt`` (before jitter)."""
        return min(self.cap, self.base * (2 ** max(attempt, 0)))

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Return the seconds to wait before retry ``attempt``.

        A platform's ``Retry-After`` wins over the computed delay; it is never shortened.
        """
        ceiling = self.ceiling(attempt)
        computed = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        return max(computed, retry_after) if retry_after is not None else computed
