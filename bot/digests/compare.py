"""Phases side by side: repeated questions compared across a team's rounds, and the recap."""

from __future__ import annotations

from bot.core import Core
from bot.digests.aggregate import summaries
from bot.models import Phase, Round, RoundStatus, Team
from prompts.catalog import t
from prompts.views import CompareRow, CompareView


def phase_title(rnd: Round, locale: str) -> str:
    """Return a round's phase as a column heading (``Opfrismoment 2`` for the second)."""
    label = t(f"round.phase.{rnd.phase.value}", locale)
    return f"{label} {rnd.seq + 1}" if rnd.phase is Phase.FRESHUP and rnd.seq else label


def compare_view(core: Core, team: Team, locale: str) -> CompareView:
    """Compare scale and choice questions asked in more than one closed round of a team."""
    labels: list[str] = []
    cells: dict[str, dict[str, str | None]] = {}
    texts: dict[str, str] = {}
    for rnd in core.store.rounds.rounds_of(team.id):
        if rnd.status is not RoundStatus.CLOSED:
            continue
        label = phase_title(rnd, locale)
        labels.append(label)
        for qid, summary in summaries(core, rnd, locale).items():
            texts.setdefault(qid, summary.text)
            cells.setdefault(qid, {})[label] = summary.summary
    rows = [
        CompareRow(
            id=qid, text=texts[qid], values=[(label, by_phase.get(label)) for label in labels]
        )
        for qid, by_phase in cells.items()
        if len(by_phase) > 1
    ]
    return CompareView(team_name=team.name, phases=labels, rows=rows)


def recap_lines(core: Core, rnd: Round, team: Team, locale: str) -> list[str]:
    """Return the start round's summaries of questions this round asks again, if its set wants it.

    Shown at the fresh-up and the wrap-up: "at the start you said ...".
    """
    try:
        wants = core.library.round_set(rnd.set_id or "").recap
    except KeyError:
        wants = False
    if not wants or rnd.phase not in (Phase.FRESHUP, Phase.WRAPUP):
        return []
    starts = [
        r
        for r in core.store.rounds.rounds_of(team.id)
        if r.phase is Phase.START and r.status is RoundStatus.CLOSED
    ]
    if not starts:
        return []
    asked = {q.question_id for q in core.store.answers.round_questions(rnd.id)}
    return [
        t("round.recap_line", locale, text=s.text, summary=s.summary)
        for qid, s in summaries(core, starts[-1], locale).items()
        if qid in asked and s.summary is not None
    ]
