"""What stands out in a digest, in a few sentences: flags, divisions, shifts, what was withheld."""

from __future__ import annotations

from bot.presenters.digest import number
from prompts.catalog import t
from prompts.digest_views import CellState, CellView, CompareView, DigestView
from prompts.views import RoundView

MOST_DIVIDED = 2
BIGGEST_SHIFTS = 2


def _flags(cells: list[CellView], locale: str) -> list[str]:
    return [
        t(
            "digest.stand.flag",
            locale,
            title=c.flag.title,
            question=c.text,
            hits=c.flag.hits,
            n=c.flag.n,
            share=c.flag.share,
        )
        for c in cells
        if c.flag
    ]


def _divided(cells: list[CellView], locale: str) -> list[str]:
    split = sorted((c for c in cells if c.split), key=lambda c: -(c.spread or 0))
    return [
        t("digest.stand.split", locale, question=c.text, lowest=c.lowest, highest=c.highest)
        for c in split[:MOST_DIVIDED]
    ]


def _hidden(cells: list[CellView], threshold: int, locale: str) -> list[str]:
    withheld = sum(1 for c in cells if c.state is CellState.WITHHELD)
    empty = sum(1 for c in cells if c.state is CellState.EMPTY)
    lines = (
        [t("digest.stand.withheld", locale, n=withheld, threshold=threshold)] if withheld else []
    )
    return lines + ([t("digest.stand.empty", locale, n=empty)] if empty else [])


def _shifts(cells: list[CellView], start: list[CellView], locale: str) -> list[str]:
    before = {c.id: c.median for c in start if c.median is not None}
    moves = [
        (c.text, before[c.id], c.median)
        for c in cells
        if c.median is not None and before.get(c.id) is not None
    ]
    if not moves:
        return []
    moved = sorted((m for m in moves if m[2] != m[1]), key=lambda m: -abs(m[2] - m[1]))
    if not moved:
        return [t("digest.stand.no_shift", locale, n=len(moves))]
    return [
        t(
            "digest.stand.shift",
            locale,
            question=text,
            before=number(old, locale),
            after=number(new, locale),
            up=new > old,
        )
        for text, old, new in moved[:BIGGEST_SHIFTS]
    ]


def round_summary(
    cells: list[CellView], start: list[CellView], view: RoundView, threshold: int, locale: str
) -> list[str]:
    """Return what stands out in a round, most important first.

    Args:
        cells: The round's questions.
        start: The questions of the team's start round, for "since the start" (may be empty).
        view: The round, for its response.
        threshold: The team's anonymity threshold, to say why questions are withheld.
        locale: The reader's language.
    """
    if view.answered == 0 or all(c.state is CellState.EMPTY for c in cells):
        return [t("digest.stand.nobody", locale)]
    lines = _flags(cells, locale) + _divided(cells, locale)
    if not lines:
        hidden = any(c.state is CellState.WITHHELD for c in cells)
        lines.append(t("digest.stand.calm_shown" if hidden else "digest.stand.calm", locale))
    return lines + _shifts(cells, start, locale) + _hidden(cells, threshold, locale)


def report_summary(rounds: list[DigestView], compare: CompareView, locale: str) -> list[str]:
    """Return what stands out across a team's rounds: the latest round, then the phase shifts."""
    if not rounds:
        return [t("digest.stand.no_rounds", locale)]
    latest = rounds[-1]
    lines = [t("digest.stand.latest", locale, label=latest.label, period=latest.period)]
    lines += [line for line in latest.summary]
    if len(rounds) > 1 and not compare.rows:
        lines.append(t("digest.stand.nothing_repeated", locale))
    withheld = sum(len(d.withheld) for d in rounds[:-1])
    if withheld:
        lines.append(t("digest.stand.withheld_before", locale, n=withheld))
    return lines
