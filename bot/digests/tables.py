"""The digests as data: JSON for programs, CSV that Excel with Dutch settings opens as it should.

Both are written from the same view models as the HTML and Markdown, so every output carries
the same numbers. The CSV uses ``;`` between fields, UTF-8 with a byte-order mark, option
labels instead of ids, local times as ``YYYY-MM-DD HH:MM`` and the reader's decimal sign.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.presenters.digest import number
from prompts.catalog import t
from prompts.digest_views import (
    CellState,
    CellView,
    CompareView,
    DigestView,
    PhaseCellView,
    ProgrammeView,
    ReportView,
)

BOM = "\ufeff"
# A cell that starts with one of these is a formula to a spreadsheet; people's texts must not be.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROUND_FIELDS = (
    "team", "round", "phase", "opens", "closes", "question_id", "question", "kind", "n",
    "state", "answer", "count", "share", "median", "spread", "lowest", "highest", "split",
    "pitfall", "shift",
)  # fmt: skip
PROGRAMME_FIELDS = (
    "team", "rate", "question_id", "question", "round", "n", "state", "median", "spread",
    "difference",
)  # fmt: skip


def _cell_json(c: CellView) -> dict[str, Any]:
    out = c.model_dump(mode="json", exclude={"bars", "position", "low", "high"})
    out["anchors"] = {"low": c.low, "high": c.high} if c.kind == "scale" else None
    out["distribution"] = [b.model_dump(mode="json") for b in c.bars]
    return out


def _round_json(d: DigestView) -> dict[str, Any]:
    r = d.round
    return {
        "round": {
            "id": r.id,
            "phase": r.phase,
            "label": d.label,
            "title": r.title,
            "opens_at": d.opens_at,
            "closes_at": d.closes_at,
            "period": d.period,
            "anonymity": r.anonymity,
            "answered": r.answered,
            "invited": r.total,
            "rate": r.rate,
        },
        "threshold": d.threshold,
        "summary": d.summary,
        "questions": [_cell_json(c) for c in d.cells],
        "flags": [f.model_dump(mode="json") for f in d.flags],
        "withheld": d.withheld,
        "unanswered": d.empty,
        "kit": [k.model_dump(mode="json") for k in d.kit],
    }


def _compare_json(c: CompareView) -> dict[str, Any]:
    return {
        "threshold": c.threshold,
        "phases": [p.model_dump(mode="json") for p in c.phases],
        "questions": [
            {
                "id": row.id,
                "kind": row.kind,
                "text": row.text,
                "answers": row.values,
                "phases": [
                    {"round_id": cell.round_id, "label": cell.label, **_cell_json(cell)}
                    for cell in row.cells
                ],
            }
            for row in c.rows
        ],
    }


def report_json(report: ReportView, mode: str) -> str:
    """Return a team's report as JSON: ``team`` (everything), ``round`` or ``compare``."""
    team = {
        "id": report.team_id,
        "name": report.team_name,
        "programme": report.programme_name,
        "anonymity": report.anonymity,
        "threshold": report.threshold,
    }
    body: dict[str, Any] = {"kind": mode, "team": team, "generated_at": report.generated_at}
    if mode == "round":
        body |= _round_json(report.rounds[0])
    elif mode == "compare":
        body |= _compare_json(report.compare)
    else:
        body |= {
            "summary": report.summary,
            "rounds": [_round_json(d) for d in report.rounds],
            "compare": _compare_json(report.compare),
            "kit": [k.model_dump(mode="json") for k in report.kit],
        }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def programme_json(view: ProgrammeView) -> str:
    """Return a programme overview as JSON."""
    return json.dumps({"kind": "programme", **view.model_dump(mode="json")}, ensure_ascii=False,
                      indent=2) + "\n"  # fmt: skip


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _when(iso: str) -> str:
    # Excel reads "2027-01-11 09:30" as a date and time in every language setting.
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")


def _csv(header: list[str], rows: Iterator[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([_safe(v) for v in row] for row in rows)
    return BOM + out.getvalue()


def _cell_rows(
    team: str, d: DigestView | None, c: CellView, locale: str, meta: list[object]
) -> Iterator[list[object]]:
    threshold = d.threshold if d else 0
    yes, no = t("digest.csv.yes", locale), t("digest.csv.no", locale)
    state = t(f"digest.state.{c.state.value}", locale, threshold=threshold)
    shift = c.shift_text if isinstance(c, PhaseCellView) else None
    common = [
        c.id, c.text, t(f"digest.csv.kinds.{c.kind}", locale), c.n, state,
    ]  # fmt: skip
    stats = [
        number(c.median, locale), number(c.spread, locale), c.lowest, c.highest,
        (yes if c.split else no) if c.kind == "scale" and c.state is CellState.SHOWN else "",
        c.flag.title if c.flag else "", shift or "",
    ]  # fmt: skip
    if c.state is not CellState.SHOWN:
        yield [team, *meta, *common, "", "", "", *stats]
        return
    for b in c.bars:
        label = f"{b.label} ({b.anchor})" if b.anchor else b.label
        yield [team, *meta, *common, label, b.count, b.share, *stats]
    for x in c.texts:
        yield [team, *meta, *common, x.text, x.count, "", *stats]


def report_csv(report: ReportView, mode: str, locale: str) -> str:
    """Return a team's report as CSV, one row per question and answer of every round shown."""
    header = [t(f"digest.csv.{f}", locale) for f in ROUND_FIELDS]

    def rows() -> Iterator[list[object]]:
        if mode == "compare":
            phases = {p.round_id: p for p in report.compare.phases}
            for row in report.compare.rows:
                for cell in row.cells:
                    p = phases[cell.round_id]
                    meta: list[object] = [cell.round_id, p.label, _when(p.opens_at), ""]
                    yield from _cell_rows(report.team_name, None, cell, locale, meta)
            return
        for d in report.rounds:
            meta = [d.round.id, d.label, _when(d.opens_at), _when(d.closes_at)]
            for c in d.cells:
                yield from _cell_rows(report.team_name, d, c, locale, meta)

    return _csv(header, rows())


def programme_csv(view: ProgrammeView, locale: str) -> str:
    """Return a programme overview as CSV: one row per team and question, aggregates only."""
    header = [t(f"digest.csv.{f}", locale) for f in PROGRAMME_FIELDS]
    rates = {team.id: team.rate for team in view.teams}

    def rows() -> Iterator[list[object]]:
        for team in view.teams:
            if not any(c.team_id == team.id for q in view.questions for c in q.cells):
                yield [team.name, team.rate, "", "", "", "", "", "", "", ""]
        for q in view.questions:
            for c in q.cells:
                state = t(f"digest.state.{c.state.value}", locale, threshold=c.threshold)
                yield [
                    c.team_name, rates.get(c.team_id), q.id, q.text, c.label, c.n, state,
                    number(c.median, locale), number(c.spread, locale),
                    number(q.difference, locale),
                ]  # fmt: skip

    return _csv(header, rows())
