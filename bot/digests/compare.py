"""Phases side by side: repeated questions compared across a team's rounds, and the recap."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core import Core
from bot.digests.aggregate import summaries, threshold_of
from bot.digests.round_digest import RoundData, closed_rounds, round_data
from bot.digests.stats import share_shift
from bot.models import Phase, Round, RoundStatus, Team
from bot.presenters.digest import local_iso, period, round_label, signed
from bot.questions import Kind
from prompts.catalog import t
from prompts.digest_views import (
    BarView,
    CellState,
    CompareRow,
    CompareView,
    PhaseCellView,
    PhaseView,
)


def _aligned(bars: list[BarView], keys: list[str], labels: list[str]) -> list[BarView]:
    # Options may differ between snapshots when the library changed; every column gets one bar
    # per row of the question, a missing one as zero.
    found = {b.value: b for b in bars}
    return [
        found.get(k) or BarView(value=k, label=label, count=0, share=0)
        for k, label in zip(keys, labels, strict=True)
    ]


def _shift(base: PhaseCellView, cell: PhaseCellView, kind: str, locale: str) -> None:
    if kind == Kind.SCALE.value and base.median is not None and cell.median is not None:
        cell.shift = cell.median - base.median
        cell.shift_text = signed(cell.shift, locale)
        return
    before = {b.value: b.count for b in base.bars}
    after = {b.value: b.count for b in cell.bars}
    labels = {b.value: b.label for b in cell.bars}
    moves = share_shift(before, after, [b.value for b in cell.bars])
    cell.shift_text = (
        t(
            "digest.compare.moved",
            locale,
            moves=[(labels[v], ("+" if d > 0 else "−") + str(abs(d))) for v, d in moves],
        )
        if moves
        else t("digest.compare.unchanged", locale)
    )


def _row(qid: str, datas: list[RoundData], locale: str) -> CompareRow:
    asked = [d for d in datas if qid in d.by_id]
    # The latest snapshot names the question and its answers.
    q = next(q for q in asked[-1].questions if q.question_id == qid)
    keys = q.answer_values()
    labels = list(keys) if q.kind is Kind.SCALE else [o.text.get(locale) for o in q.options]
    cells: list[PhaseCellView] = []
    base: PhaseCellView | None = None
    for d in datas:
        label = round_label(d.rnd, locale)
        if qid not in d.by_id:
            cells.append(
                PhaseCellView(
                    id=qid,
                    kind=q.kind.value,
                    text=q.text.get(locale),
                    label=label,
                    round_id=d.rnd.id,
                    state=CellState.NOT_ASKED,
                )
            )
            continue
        cell = PhaseCellView(**d.by_id[qid].model_dump(), round_id=d.rnd.id, label=label)
        if cell.state is CellState.SHOWN:
            cell.bars = _aligned(cell.bars, keys, labels)
            if base is None:
                base = cell
            else:
                _shift(base, cell, q.kind.value, locale)
        cells.append(cell)
    return CompareRow(
        id=qid,
        kind=q.kind.value,
        text=q.text.get(locale),
        low=q.labels.low.get(locale) if q.labels else None,
        high=q.labels.high.get(locale) if q.labels else None,
        values=labels,
        cells=cells,
    )


def compare_from(core: Core, team: Team, datas: list[RoundData], locale: str) -> CompareView:
    """Compare the closed questions asked in more than one of the given rounds.

    Each round is a column; a question not asked in one reads ``not_asked``, one asked with
    too few answers ``withheld``, one nobody answered ``empty``. The shift is measured from
    the first column that showed answers.
    """
    zone = ZoneInfo(team.timezone)
    order: list[str] = []
    for d in datas:
        order += [q.question_id for q in d.questions if q.kind is not Kind.TEXT]
    repeated = [qid for qid in dict.fromkeys(order) if order.count(qid) > 1]
    return CompareView(
        team_id=team.id,
        team_name=team.name,
        threshold=threshold_of(core, team),
        phases=[
            PhaseView(
                round_id=d.rnd.id,
                phase=d.rnd.phase.value,
                label=round_label(d.rnd, locale),
                period=period(d.rnd, zone, locale),
                opens_at=local_iso(d.rnd.opens_at, zone),
            )
            for d in datas
        ],
        rows=[_row(qid, datas, locale) for qid in repeated],
    )


def compare_view(core: Core, team: Team, locale: str) -> CompareView:
    """Compare scale and choice questions asked in more than one closed round of a team."""
    datas = [round_data(core, r, team, locale) for r in closed_rounds(core, team)]
    return compare_from(core, team, datas, locale)


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
        for qid, s in summaries(core, starts[-1], team, locale).items()
        if qid in asked and s.summary is not None
    ]
