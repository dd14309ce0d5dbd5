"""The numbers of a digest: distributions, medians, spread, a divided team, ties and shifts."""

from __future__ import annotations

import statistics
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


def scale_numbers(counts: Mapping[str, int]) -> list[int]:
    """Return every scale answer as a number, from ``value -> count``."""
    return [int(v) for v, c in counts.items() if v.isdigit() for _ in range(c)]


def is_split(numbers: Sequence[int]) -> bool:
    """Return whether the answers are divided: a quarter or more on each side of the middle.

    ``1, 3, 4`` is divided (a third low, a third high); ``2, 2, 2`` is not, and neither is one
    dissenter among ten.
    """
    n = len(numbers)
    if n < 2:
        return False
    low = sum(1 for x in numbers if x in LOW)
    high = sum(1 for x in numbers if x in HIGH)
    return low >= SPLIT_SHARE * n and high >= SPLIT_SHARE * n


def scale_stats(numbers: Sequence[int]) -> ScaleStats | None:
    """Return median, mean, spread (population standard deviation), range and split, or None."""
    if not numbers:
        return None
    return ScaleStats(
        median=float(statistics.median(numbers)),
        mean=round(statistics.fmean(numbers), 2),
        spread=round(statistics.pstdev(numbers), 2),
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
