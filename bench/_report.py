"""One benchmark report: rows every bench module returns, printed as one table."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Of = Literal["ratio", "value"]
Op = Literal["<=", ">="]


@dataclass(frozen=True)
class Goal:
    """What a row must reach: its ratio (ours / baseline) or its own value, at most or at least."""

    op: Op
    limit: float
    of: Of = "ratio"

    def met(self, row: Row) -> bool:
        """Whether ``row`` reaches this goal."""
        value = row.ratio if self.of == "ratio" else row.ours
        if value is None:
            return False
        return value <= self.limit if self.op == "<=" else value >= self.limit

    def __str__(self) -> str:
        unit = "×" if self.of == "ratio" else ""
        return f"{self.op} {self.limit:g}{unit}"


@dataclass(frozen=True)
class Row:
    """One measure: our figure, the baseline measured in the same run, and the goal."""

    measure: str
    ours: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal: Goal | None = None

    @property
    def ratio(self) -> float | None:
        """Ours divided by the baseline, or None without one."""
        if self.baseline is None or self.baseline == 0:
            return None
        return self.ours / self.baseline

    @property
    def verdict(self) -> str:
        """``yes``/``NO`` against the goal, empty without one."""
        if self.goal is None:
            return ""
        return "yes" if self.goal.met(self) else "NO"


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if value >= 100 or value == int(value):
        text = f"{value:,.0f}"
    elif value >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(rows: Iterable[Row]) -> str:
    """Render ``rows`` as one Markdown table (measure, ours, baseline, ratio, goal, met)."""
    header = ("measure", "ours", "baseline", "ratio", "goal", "met")
    body = [
        (
            row.measure,
            _figure(row.ours, row.unit),
            (f"{_figure(row.baseline, row.unit)} ({row.baseline_name})" if row.baseline_name
             else _figure(row.baseline, row.unit)),
            "–" if row.ratio is None else f"{row.ratio:.2f}×",
            str(row.goal) if row.goal else "",
            row.verdict,
        )
        for row in rows
    ]  # fmt: skip
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(cells) for cells in body)])


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, {platform.processor() or 'cpu unknown'}"
    )


def results(rows: list[Row]) -> str:
    """The Markdown document ``bench/RESULTS.md``: date, machine, the table."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    met = sum(1 for row in rows if row.goal and row.goal.met(row))
    goals = sum(1 for row in rows if row.goal)
    return (
        "# Benchmark results\n\n"
        f"Measured {stamp} on {machine()} with `make bench`.\n"
        "Every baseline is measured in the same run, side by side with our figure.\n\n"
        f"{met} of {goals} goals met.\n\n{table(rows)}\n"
    )
