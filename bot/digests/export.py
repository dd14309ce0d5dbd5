"""Export every answer as JSON or CSV records."""

from __future__ import annotations

import csv
import json
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


def write_export(rows: list[dict[str, Any]], fmt: str, out: TextIO) -> int:
    """Write records as ``json`` (a list) or ``csv`` (with a header) and return the count."""
    items = records(rows)
    if fmt == "json":
        json.dump(items, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(items)
    out.flush()
    return len(items)
