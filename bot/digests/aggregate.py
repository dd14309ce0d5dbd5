"""Aggregation shared by every digest: answer counts per question, thresholds and suppression."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import Core
from bot.digests.stats import scale_counts, scale_stats, share, tops
from bot.models import Anonymity, Round, RoundQuestion, Team
from bot.presenters.digest import number
from bot.presenters.rounds import question_view
from bot.questions import Kind
from prompts.catalog import t


def threshold_of(core: Core, team: Team) -> int:
    """Return the team's anonymity threshold: its own setting, else the operator's default."""
    return team.suppression_threshold or core.settings.suppression_threshold


def suppressed(rnd: Round, n: int, threshold: int) -> bool:
    """Return whether a question's answers must stay hidden in this round's digest.

    Only anonymous teams are promised that small groups cannot be singled out.
    """
    return rnd.anonymity is Anonymity.ANONYMOUS and 0 < n < threshold


def counts_by_question(core: Core, round_id: int) -> dict[str, dict[str, int]]:
    """Return ``question_id -> value -> count`` of a round, counted by the database."""
    grouped: dict[str, dict[str, int]] = {}
    for row in core.store.answers.value_counts(round_id):
        grouped.setdefault(row["question_id"], {})[row["value"]] = int(row["n"])
    return grouped


@dataclass(frozen=True)
class Summary:
    """One closed question of a round in a few words: its text and summary (None if hidden)."""

    text: str
    summary: str | None


def summarise(
    q: RoundQuestion, counts: dict[str, int], rnd: Round, threshold: int, locale: str
) -> Summary:
    """Summarise one scale or choice question: a median, or the most chosen options (ties too)."""
    view = question_view(q, locale)
    n = sum(counts.values())
    if not n or suppressed(rnd, n, threshold):
        return Summary(view.text, None)
    if q.kind is Kind.SCALE:
        stats = scale_stats(scale_counts(counts))
        value = number(stats.median, locale) if stats else ""
        return Summary(view.text, t("digest.median_value", locale, value=value))
    labels = {o.id: o.text for o in view.options}
    best, count = tops({o.id: counts.get(o.id, 0) for o in view.options})
    return Summary(view.text, top_text([labels[v] for v in best], share(count, n), locale))


def top_text(labels: list[str], pct: int, locale: str) -> str:
    """Return the most chosen option, or the tied ones as a tie, with their share."""
    if len(labels) == 1:
        return t("digest.top_choice", locale, option=labels[0], share=pct)
    return t("digest.top_tie", locale, options=labels, share=pct)


def summaries(core: Core, rnd: Round, team: Team, locale: str) -> dict[str, Summary]:
    """Return ``question_id -> Summary`` for a round's scale and choice questions."""
    counts = counts_by_question(core, rnd.id)
    threshold = threshold_of(core, team)
    return {
        q.question_id: summarise(q, counts.get(q.question_id, {}), rnd, threshold, locale)
        for q in core.store.answers.round_questions(rnd.id)
        if q.kind is not Kind.TEXT
    }
