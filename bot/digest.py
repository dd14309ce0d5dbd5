"""Digests: per-round aggregation, phase comparison and small-group suppression."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from typing import TYPE_CHECKING

from bot.models import Anonymity, Round, RoundStatus, Team
from bot.presenter import question_view, round_view
from prompts.catalog import t
from prompts.views import CellView, CompareRow, CompareView, DigestView

if TYPE_CHECKING:
    from bot.lifecycle import Lifecycle

PLANNED = ("start", "freshup", "wrapup")


def _suppress(rnd: Round, n: int, threshold: int) -> bool:
    # Only anonymous teams are promised that small groups cannot be singled out.
    return rnd.anonymity is Anonymity.ANONYMOUS and 0 < n < threshold


def _median(values: list[str]) -> float | None:
    numbers = [int(v) for v in values if v.isdigit()]
    return float(statistics.median(numbers)) if numbers else None


def round_digest(lc: Lifecycle, round_id: int, locale: str) -> DigestView:
    """Return the digest of one round in ``locale``.

    Scales get counts per value and a median, choices counts per option, texts the texts
    (with the respondent's name or pseudonym only where the team agreed to that). In an
    anonymous team a question with fewer answers than the threshold shows no numbers.
    """
    rnd = lc.store.round(round_id)
    if rnd is None:
        raise KeyError(round_id)
    team = lc.directory.team(rnd.team_id)
    assert team is not None
    threshold = lc.settings.suppression_threshold
    by_question: dict[str, list[dict[str, str]]] = {}
    for row in lc.store.responses(round_id):
        by_question.setdefault(row["question_id"], []).append(row)
    cells, flags = [], []
    for q in lc.store.round_questions(round_id):
        view = question_view(q, locale)
        rows = by_question.get(q.question_id, [])
        values = [r["value"] for r in rows]
        extra = json.loads(q.extra_json)
        cell = CellView(
            id=q.question_id,
            kind=q.kind,
            text=view.text,
            n=len(values),
            suppressed=_suppress(rnd, len(values), threshold),
            pitfall=extra.get("pitfall"),
        )
        if not cell.suppressed:
            if q.kind == "scale":
                counts = Counter(values)
                cell.counts = [(str(v), counts.get(str(v), 0)) for v in range(1, 6)]
                cell.median = _median(values)
            elif q.kind == "choice":
                counts = Counter(values)
                cell.counts = [(o.text, counts.get(o.id, 0)) for o in view.options]
            else:
                cell.texts = [_attributed(lc, r, rnd, team) for r in rows]
            # The library names the answers that point to a pitfall; half of the team giving
            # one of them is worth a coach's attention.
            signals = set(extra.get("signals") or [])
            hits = sum(1 for v in values if v in signals)
            cell.flagged = bool(cell.pitfall and values and hits * 2 >= len(values))
        if cell.flagged and cell.pitfall:
            flags.append(_pitfall_title(lc, cell.pitfall, locale))
        cells.append(cell)
    return DigestView(
        round=round_view(lc, rnd, team, locale), cells=cells, threshold=threshold, flags=flags
    )


def _pitfall_title(lc: Lifecycle, pitfall: str, locale: str) -> str:
    found = lc.library.pitfalls.get(pitfall)
    return found.title.get(locale) if found else t("digest.pitfall_other", locale)


def _attributed(lc: Lifecycle, row: dict[str, str], rnd: Round, team: Team) -> str:
    who = row.get("respondent")
    if rnd.anonymity is Anonymity.ANONYMOUS or not who:
        return row["value"]
    if rnd.anonymity is Anonymity.NAMED:
        member = lc.directory.member_by_user(team.platform, who)
        who = (member.display_name if member else None) or who
    return f"{who}: {row['value']}"


def _summaries(lc: Lifecycle, rnd: Round, locale: str) -> dict[str, tuple[str, str | None]]:
    """Return ``question_id -> (text, summary)`` for a round's scale and choice questions.

    A scale is summarised by its median, a choice by its most chosen option and share; the
    summary is None where an anonymous team's small group must stay hidden.
    """
    answers: dict[str, list[str]] = {}
    for row in lc.store.responses(rnd.id):
        answers.setdefault(row["question_id"], []).append(row["value"])
    threshold = lc.settings.suppression_threshold
    out: dict[str, tuple[str, str | None]] = {}
    for q in lc.store.round_questions(rnd.id):
        if q.kind == "text":
            continue
        values = answers.get(q.question_id, [])
        view = question_view(q, locale)
        summary: str | None = None
        if values and not _suppress(rnd, len(values), threshold):
            if q.kind == "scale":
                summary = t("digest.median_value", locale, value=_median(values))
            else:
                top, count = Counter(values).most_common(1)[0]
                label = next((o.text for o in view.options if o.id == top), top)
                summary = t(
                    "digest.top_choice",
                    locale,
                    option=label,
                    share=round(100 * count / len(values)),
                )
        out[q.question_id] = (view.text, summary)
    return out


def compare_view(lc: Lifecycle, team: Team, locale: str) -> CompareView:
    """Compare scale questions asked in more than one closed round of a team, by phase."""
    labels: list[str] = []
    medians: dict[str, dict[str, str | None]] = {}
    texts: dict[str, str] = {}
    for rnd in lc.store.rounds_of(team.id):
        if rnd.status is not RoundStatus.CLOSED:
            continue
        label = t(f"round.phase.{rnd.phase.value}", locale)
        if rnd.phase.value == "freshup" and rnd.seq:
            label = f"{label} {rnd.seq + 1}"
        labels.append(label)
        for qid, (text, median) in _summaries(lc, rnd, locale).items():
            texts.setdefault(qid, text)
            medians.setdefault(qid, {})[label] = median
    rows = [
        CompareRow(
            id=qid, text=texts[qid], values=[(label, by_phase.get(label)) for label in labels]
        )
        for qid, by_phase in medians.items()
        if len(by_phase) > 1
    ]
    return CompareView(team_name=team.name, phases=labels, rows=rows)


def recap_lines(lc: Lifecycle, rnd: Round, team: Team, locale: str) -> list[str]:
    """Return the start round's medians of questions this round asks again, if its set wants it."""
    try:
        wants = bool(getattr(lc.library.round_set(rnd.set_id or ""), "recap", False))
    except KeyError:
        wants = False
    if not wants or rnd.phase.value not in PLANNED[1:]:
        return []
    starts = [
        r
        for r in lc.store.rounds_of(team.id)
        if r.phase.value == "start" and r.status is RoundStatus.CLOSED
    ]
    if not starts:
        return []
    asked = {q.question_id for q in lc.store.round_questions(rnd.id)}
    return [
        t("round.recap_line", locale, text=text, summary=summary)
        for qid, (text, summary) in _summaries(lc, starts[-1], locale).items()
        if qid in asked and summary is not None
    ]
