"""Export answers as JSON or CSV records; anonymous teams' small groups withheld unless raw."""

from __future__ import annotations

import csv
import json
from collections import Counter
from typing import Any, TextIO

from bot.models import Anonymity

FIELDS = [
    "team",
    "round_id",
    "phase",
    "question_id",
    "question_text",
    "kind",
    "value",
    "answered_at",
    "respondent",
]


def records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn store rows into export records, question text in the team's language.

    ``respondent`` is null for anonymous teams; that is how the answer was stored.
    """
    return [
        {
            "team": r["team"],
            "round_id": r["round_id"],
            "phase": r["phase"],
            "question_id": r["question_id"],
            "question_text": r["text_en"] if r["locale"] == "en" else r["text_nl"],
            "kind": r["kind"],
            "value": r["value"],
            "answered_at": r["answered_at"],
            "respondent": None
            if Anonymity(r["anonymity"]) is Anonymity.ANONYMOUS
            else r["respondent"],
        }
        for r in rows
    ]


def suppress(rows: list[dict[str, Any]], default_threshold: int) -> list[dict[str, Any]]:
    """Drop an anonymous round's answers to every question fewer people answered than its
    team's threshold, as the digest withholds them; other teams' rows stay.

    Args:
        rows: Store rows (``AnswerStore.export_rows``).
        default_threshold: The operator's threshold, for teams without their own.
    """
    counts = Counter(
        (r["round_id"], r["question_id"])
        for r in rows
        if Anonymity(r["anonymity"]) is Anonymity.ANONYMOUS
    )
    return [
        r
        for r in rows
        if Anonymity(r["anonymity"]) is not Anonymity.ANONYMOUS
        or counts[(r["round_id"], r["question_id"])]
        >= (r.get("suppression_threshold") or default_threshold)
    ]


def write_export(
    rows: list[dict[str, Any]], fmt: str, out: TextIO, threshold: int | None = None
) -> int:
    """Write records as ``json`` (a list) or ``csv`` (with a header) and return the count.

    With ``threshold`` (the operator's default) anonymous teams' small groups are withheld
    (:func:`suppress`); None writes every row (``export --raw``).
    """
    items = records(rows if threshold is None else suppress(rows, threshold))
    if fmt == "json":
        json.dump(items, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(items)
    out.flush()
    return len(items)
