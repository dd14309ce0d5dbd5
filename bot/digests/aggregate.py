"""Aggregation shared by every digest: answers per question, medians, and suppression."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from bot.core import Core
from bot.models import Anonymity, Round, RoundQuestion
from bot.presenters.rounds import question_view
from bot.questions import SCALE_VALUES, Kind
from prompts.catalog import t


def suppressed(rnd: Round, n: int, threshold: int) -> bool:
    """Return whether a question's answers must stay hidden in this round's digest.

    Only anonymous teams are promised that small groups cannot be singled out.
    """
    return rnd.anonymity is Anonymity.ANONYMOUS and 0 < n < threshold


def median(values: list[str]) -> float | None:
    """Return the median of the scale answers among ``values`` (None when there are none)."""
    numbers = [int(v) for v in values if v in SCALE_VALUES]
    return float(statistics.median(numbers)) if numbers else None


@dataclass(frozen=True)
class Summary:
    """One closed question of a round in a few words: its text and summary (None if hidden)."""

    text: str
    summary: str | None


def by_question(core: Core, rnd: Round) -> dict[str, list[str]]:
    """Return a round's answer values grouped by question id."""
    grouped: dict[str, list[str]] = {}
    for row in core.store.answers.responses(rnd.id):
        grouped.setdefault(row["question_id"], []).append(row["value"])
    return grouped


def summarise(q: RoundQuestion, values: list[str], rnd: Round, core: Core, locale: str) -> Summary:
    """Summarise one scale or choice question: a median, or the most chosen option and share."""
    view = question_view(q, locale)
    if not values or suppressed(rnd, len(values), core.settings.suppression_threshold):
        return Summary(view.text, None)
    if q.kind is Kind.SCALE:
        return Summary(view.text, t("digest.median_value", locale, value=median(values)))
    top, count = Counter(values).most_common(1)[0]
    label = next((o.text for o in view.options if o.id == top), top)
    share = round(100 * count / len(values))
    return Summary(view.text, t("digest.top_choice", locale, option=label, share=share))


def summaries(core: Core, rnd: Round, locale: str) -> dict[str, Summary]:
    """Return ``question_id -> Summary`` for a round's scale and choice questions."""
    answers = by_question(core, rnd)
    return {
        q.question_id: summarise(q, answers.get(q.question_id, []), rnd, core, locale)
        for q in core.store.answers.round_questions(rnd.id)
        if q.kind is not Kind.TEXT
    }
