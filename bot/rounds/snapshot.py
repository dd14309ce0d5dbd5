"""Freeze a question set into the round's typed snapshot when the round opens."""

from __future__ import annotations

from bot.models import RoundQuestion
from prompts.library import Library


def snapshot(library: Library, set_id: str, round_id: int) -> list[RoundQuestion]:
    """Return the questions of a set as they are asked at this moment.

    The snapshot keeps both languages, options, scale labels, the "why" text, the step
    introduction and the pitfall signals, so a round reads (and validates answers) the same
    even after the library changes.

    Raises:
        KeyError: When the library has no such set.
    """
    rs = library.round_set(set_id)
    return [
        RoundQuestion(
            round_id=round_id,
            question_id=q.id,
            position=position,
            step=step,
            kind=q.kind,
            theme=q.theme,
            text=q.text,
            why=q.why,
            step_intro=rs.steps[step].intro,
            labels=q.labels,
            options=q.options,
            pitfall=q.pitfall,
            signals=list(q.signals),
        )
        for position, (step, q) in enumerate(library.questions_of(set_id))
    ]
