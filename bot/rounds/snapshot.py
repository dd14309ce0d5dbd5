"""Freeze a question set into the round's typed snapshot when the round opens."""

from __future__ import annotations

from bot.models import RoundQuestion
from prompts.library import Library


def snapshot(
    library: Library, set_id: str, round_id: int, step: int | None = None
) -> list[RoundQuestion]:
    """Return the questions of a set (or of one step of it) as they are asked at this moment.

    The snapshot keeps both languages, options, scale labels, the "why" text, the step
    introduction and the pitfall signals, so a round reads (and validates answers) the same
    even after the library changes.

    Args:
        library: The question library.
        set_id: The set the round asks.
        round_id: The round.
        step: A multi-step exercise's step (1 is the first): only its questions are asked.

    Raises:
        KeyError: When the library has no such set (or no such step).
    """
    rs = library.round_set(set_id)
    chosen = library.questions_of(set_id)
    if step is not None:
        if not 1 <= step <= len(rs.steps):
            raise KeyError(f"{set_id} step {step}")
        chosen = [(i, q) for i, q in chosen if i == step - 1]
    return [
        RoundQuestion(
            round_id=round_id,
            question_id=q.id,
            position=position,
            step=index,
            kind=q.kind,
            theme=q.theme,
            text=q.text,
            why=q.why,
            step_intro=rs.steps[index].intro,
            labels=q.labels,
            options=q.options,
            pitfall=q.pitfall,
            signals=list(q.signals),
        )
        for position, (index, q) in enumerate(chosen)
    ]
