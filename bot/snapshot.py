"""Freeze a question set into round_question rows when a round opens."""

from __future__ import annotations

import json
from typing import Any

from prompts.library import Library


def question_rows(library: Library, set_id: str) -> list[dict[str, Any]]:
    """Return the ``round_question`` rows of a set, as asked at this moment.

    The snapshot keeps both languages, options, scale labels, the "why" text and the step
    introduction, so a round reads the same even after the library changes.
    """
    rs = library.round_set(set_id)
    rows = []
    for position, (step, q) in enumerate(library.questions_of(set_id)):
        intro = rs.steps[step].intro
        extra = {
            "step": step,
            "step_intro": intro.model_dump() if intro else None,
            "why": q.why.model_dump() if q.why else None,
            "labels": q.labels.model_dump() if q.labels else None,
            "pitfall": q.pitfall,
            "signals": list(q.signals),
        }
        rows.append(
            {
                "question_id": q.id,
                "position": position,
                "step": step,
                "kind": q.kind.value,
                "theme": q.theme,
                "text_nl": q.text.nl,
                "text_en": q.text.en,
                "options_json": json.dumps([o.model_dump() for o in q.options], ensure_ascii=False),
                "extra_json": json.dumps(extra, ensure_ascii=False),
            }
        )
    return rows
