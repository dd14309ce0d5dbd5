"""Agreements and exercise outcomes in words: the lines posts, replies and digests show."""

from __future__ import annotations

from bot.models import Agreement, AgreementItem
from prompts.catalog import t

MAX_VALUES = 8
"""Values shown per question; the rest are counted, so a post stays readable."""
MAX_CHARS = 160
"""Characters of one shown text (a channel post has limits, and so has attention)."""


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rstrip() + "…"


def item_line(item: AgreementItem, locale: str, threshold: int) -> str:
    """Return one question's outcome: its texts or top options, or why they are not shown."""
    question = item.question.get(locale)
    if item.withheld:
        return t("exercise.line_withheld", locale, question=question, threshold=threshold)
    if not item.values:
        return t("exercise.line_empty", locale, question=question)
    values = [_cut(v.get(locale)) for v in item.values[:MAX_VALUES]]
    more = len(item.values) - len(values)
    return t("exercise.line", locale, question=question, values=values, more=more)


def agreement_lines(agreement: Agreement, locale: str, threshold: int) -> list[str]:
    """Return an agreement's outcome, one line per question."""
    return [item_line(i, locale, threshold) for i in agreement.items]
