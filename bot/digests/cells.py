"""One question of one round as a digest shows it: its distribution, spread, flag and texts."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from bot.core import Core
from bot.digests.aggregate import suppressed
from bot.digests.stats import scale_counts, scale_stats, share, tops
from bot.models import Anonymity, Round, RoundQuestion, Team
from bot.presenters.digest import bars, source_view
from bot.questions import Kind
from prompts.catalog import t
from prompts.digest_views import CellState, CellView, FlagView, TextView

Names = Callable[[str], str]
"""Turns a stored respondent (member id or pseudonym) into what the digest shows."""


def names_for(core: Core, rnd: Round, team: Team) -> Names:
    """Return how respondents are named: display names in named teams, else as stored."""
    cache: dict[str, str] = {}

    def name(who: str) -> str:
        if who not in cache:
            shown = who
            if rnd.anonymity is Anonymity.NAMED:
                member = core.store.people.member_by_user(team.platform, who)
                shown = (member.display_name if member else None) or who
            cache[who] = shown
        return cache[who]

    return name


def shuffled(round_id: int, question_id: str, texts: list[tuple[str, TextView]]) -> list[TextView]:
    """Return texts in an order that is the same every time but says nothing about who or when.

    Each item is ``(answer, as shown)``. Sorted by the answer's words first, then shuffled
    with a seed of the round and question, every rendering of the digest is alike, and the
    order reveals neither when answers arrived nor who gave them.
    """
    out = [shown for _, shown in sorted(texts, key=lambda item: item[0])]
    random.Random(f"{round_id}:{question_id}").shuffle(out)
    return out


def texts_of(
    rnd: Round,
    q: RoundQuestion,
    counts: dict[str, int],
    rows: Iterable[dict[str, str]],
    name: Names,
    locale: str,
) -> list[TextView]:
    """Return a text question's answers: without names in anonymous teams, else attributed.

    In an anonymous team identical answers are shown once with their count: nothing tells
    them apart, and a long list of repeats would bury the rest.
    """
    if rnd.anonymity is Anonymity.ANONYMOUS:
        plain = [(value, TextView(text=value, count=n)) for value, n in counts.items() if n]
        return shuffled(rnd.id, q.question_id, plain)
    attributed = [
        (
            r["value"],
            TextView(
                text=t("digest.attributed", locale, who=name(r["respondent"]), text=r["value"])
                if r.get("respondent")
                else r["value"]
            ),
        )
        for r in rows
    ]
    return shuffled(rnd.id, q.question_id, attributed)


def flag_of(core: Core, q: RoundQuestion, counts: dict[str, int], locale: str) -> FlagView | None:
    """Return the question's pitfall flag when half or more of the answers signal it.

    The library names the answers that point to a pitfall; half of the team giving one of
    them is worth a coach's attention.
    """
    n = sum(counts.get(v, 0) for v in q.answer_values())
    hits = sum(counts.get(v, 0) for v in q.signals)
    if not q.pitfall or not n or hits * 2 < n:
        return None
    found = core.library.pitfalls.get(q.pitfall)
    return FlagView(
        pitfall=q.pitfall,
        title=found.title.get(locale) if found else t("digest.pitfall_other", locale),
        question_id=q.question_id,
        question=q.text.get(locale),
        hits=hits,
        n=n,
        share=share(hits, n),
        source=source_view(found.source) if found else None,
    )


def question_cell(
    core: Core,
    rnd: Round,
    q: RoundQuestion,
    counts: dict[str, int],
    threshold: int,
    locale: str,
    texts: list[TextView] | None = None,
) -> CellView:
    """Return one question of a closed round, with the team's anonymity applied.

    Args:
        core: The wired context (for the library's pitfalls).
        rnd: The round, with the anonymity mode its answers were given under.
        q: The question as the round asked it.
        counts: ``value -> count`` of its answers.
        threshold: Fewer answers than this stay hidden in an anonymous team.
        locale: The reader's language.
        texts: The free-text answers, already ordered and attributed (text questions).
    """
    n = sum(counts.values())
    cell = CellView(
        id=q.question_id,
        kind=q.kind.value,
        theme=q.theme,
        text=q.text.get(locale),
        position=q.position,
        n=n,
        low=q.labels.low.get(locale) if q.labels else None,
        high=q.labels.high.get(locale) if q.labels else None,
    )
    if n == 0:
        cell.state = CellState.EMPTY
        return cell
    if suppressed(rnd, n, threshold):
        cell.state = CellState.WITHHELD
        return cell
    if q.kind is Kind.TEXT:
        cell.texts = texts or []
        return cell
    cell.bars = bars(q, counts, locale)
    best, count = tops({b.value: b.count for b in cell.bars})
    labels = {b.value: b.label for b in cell.bars}
    cell.top, cell.top_share = [labels[v] for v in best], share(count, n)
    if q.kind is Kind.SCALE and (stats := scale_stats(scale_counts(counts))):
        cell.median, cell.mean, cell.spread = stats.median, stats.mean, stats.spread
        cell.lowest, cell.highest, cell.split = stats.lowest, stats.highest, stats.split
    cell.flag = flag_of(core, q, counts, locale)
    return cell
