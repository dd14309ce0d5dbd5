"""The numbers of a digest: distributions, medians, spread, a divided team, ties and shifts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SPLIT_SHARE = 0.25
"""A team is divided when at least this share answered low (1-2) and this share high (4-5)."""
LOW, HIGH = (1, 2), (4, 5)


@dataclass(frozen=True)
class ScaleStats:
    """What a coach reads off a set of 1-5 answers."""

    median: float
    mean: float
    spread: float
    lowest: int
    highest: int
    split: bool


def share(count: int, n: int) -> int:
    """Return ``count`` as a whole percentage of ``n`` (0 when there is nothing to share)."""
    return round(100 * count / n) if n else 0


def scale_counts(counts: Mapping[str, int]) -> dict[int, int]:
    """Return ``number -> count`` of the scale answers among ``value -> count``."""
    return {int(v): c for v, c in counts.items() if v.isdigit() and c > 0}


def is_split(numbers: Mapping[int, int]) -> bool:
    """Return whether the answers are divided: a quarter or more on each side of the middle.

    ``1, 3, 4`` is divided (a third low, a third high); ``2, 2, 2`` is not, and neither is one
    dissenter among ten. ``numbers`` maps each answer to how often it was given.
    """
    n = sum(numbers.values())
    if n < 2:
        return False
    low = sum(c for x, c in numbers.items() if x in LOW)
    high = sum(c for x, c in numbers.items() if x in HIGH)
    return low >= SPLIT_SHARE * n and high >= SPLIT_SHARE * n


def _median(numbers: Mapping[int, int], n: int) -> float:
    # The middle answer (or the mean of the two middle ones), read off the running count.
    ordered = sorted(numbers.items())

    def at(k: int) -> int:
        seen = 0
        for x, c in ordered:
            seen += c
            if k < seen:
                return x
        return ordered[-1][0]

    return (at((n - 1) // 2) + at(n // 2)) / 2


def scale_stats(numbers: Mapping[int, int]) -> ScaleStats | None:
    """Return median, mean, spread (population standard deviation), range and split, or None.

    Computed from the counts per answer, so a thousand answers cost no more than ten.
    """
    n = sum(numbers.values())
    if not n:
        return None
    mean = sum(x * c for x, c in numbers.items()) / n
    variance = sum(c * (x - mean) ** 2 for x, c in numbers.items()) / n
    return ScaleStats(
        median=float(_median(numbers, n)),
        mean=round(mean, 2),
        spread=round(math.sqrt(variance), 2),
        lowest=min(numbers),
        highest=max(numbers),
        split=is_split(numbers),
    )


def tops(counts: Mapping[str, int]) -> tuple[list[str], int]:
    """Return the most given values (all of them when they tie) and how often each was given."""
    best = max(counts.values(), default=0)
    if best == 0:
        return [], 0
    return [v for v, c in counts.items() if c == best], best


def share_shift(
    before: Mapping[str, int], after: Mapping[str, int], values: Sequence[str]
) -> list[tuple[str, int]]:
    """Return the values whose share moved most between two rounds, with the change in points.

    Several values are returned when they moved equally far; none when nothing moved.
    """
    n_before, n_after = sum(before.values()), sum(after.values())
    moves = [
        (v, share(after.get(v, 0), n_after) - share(before.get(v, 0), n_before)) for v in values
    ]
    furthest = max((abs(d) for _, d in moves), default=0)
    return [(v, d) for v, d in moves if furthest and abs(d) == furthest]
