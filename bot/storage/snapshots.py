"""How a round's question snapshot is packed into its row and parsed back (cached by content)."""

from __future__ import annotations

import json
from typing import Any

from bot.models import RoundQuestion


def question_row(q: RoundQuestion) -> dict[str, Any]:
    """Return the ``round_question`` row of one asked question."""
    # The snapshot's columns were fixed by migration m001; the typed model is packed into them
    # here and only here, so the rest of the code never sees JSON.
    extra = {
        "step_intro": q.step_intro.model_dump() if q.step_intro else None,
        "why": q.why.model_dump() if q.why else None,
        "labels": q.labels.model_dump() if q.labels else None,
        "pitfall": q.pitfall,
        "signals": list(q.signals),
    }
    return {
        "round_id": q.round_id,
        "question_id": q.question_id,
        "position": q.position,
        "step": q.step,
        "kind": q.kind.value,
        "theme": q.theme,
        "text_nl": q.text.nl,
        "text_en": q.text.en,
        "options_json": json.dumps([o.model_dump() for o in q.options], ensure_ascii=False),
        "extra_json": json.dumps(extra, ensure_ascii=False),
    }


# Parsed snapshots by their stored content (everything but the round id): every round of a
# programme round, and every read of one round, asks the same questions, and parsing the JSON
# and validating the model was most of the cost of showing a round. Keyed by content, an entry
# can never be stale; the bound only keeps memory flat.
_PARSED: dict[tuple[Any, ...], RoundQuestion] = {}
_PARSED_MAX = 4096


# The same per round: a round's post reads its snapshot for the view and again for the recap,
# and each read made a copy. A snapshot is frozen (RoundQuestion), so sharing one is safe.
_OF_ROUND: dict[tuple[Any, ...], RoundQuestion] = {}


def parse_row(row: dict[str, Any]) -> RoundQuestion:
    """Return the question a ``round_question`` row holds (parsed once per content)."""
    full = tuple(row.values())
    mine = _OF_ROUND.get(full)
    if mine is not None:
        return mine
    key = tuple(v for k, v in row.items() if k != "round_id")
    parsed = _PARSED.get(key)
    if parsed is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        parsed = _PARSED[key] = _parse_question({**row, "round_id": 0})
    if len(_OF_ROUND) >= _PARSED_MAX:
        _OF_ROUND.clear()
    mine = _OF_ROUND[full] = parsed.model_copy(update={"round_id": row["round_id"]})
    return mine


def _parse_question(row: dict[str, Any]) -> RoundQuestion:
    extra = json.loads(row["extra_json"] or "{}")
    return RoundQuestion.model_validate(
        {
            "round_id": row["round_id"],
            "question_id": row["question_id"],
            "position": row["position"],
            "step": row["step"],
            "kind": row["kind"],
            "theme": row["theme"],
            "text": {"nl": row["text_nl"], "en": row["text_en"]},
            "why": extra.get("why"),
            "step_intro": extra.get("step_intro"),
            "labels": extra.get("labels"),
            "options": json.loads(row["options_json"] or "[]"),
            "pitfall": extra.get("pitfall"),
            "signals": extra.get("signals") or [],
        }
    )
