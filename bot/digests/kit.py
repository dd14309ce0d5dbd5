"""The retrospective kit: for the most divided or flagged questions, an exercise and openers."""

from __future__ import annotations

from bot.presenters.digest import source_view
from prompts.digest_views import CellView, KitView, OpenerView
from prompts.library import Library

MAX_EXERCISES = 2


def exercises_for(library: Library, cell: CellView) -> list[str]:
    """Return the exercises a question calls for: by its answers, its id, then its theme.

    For a question whose answers name a boundary (``tussentafel.grenzen``), the boundary named
    most often decides; boundaries named equally often each bring their exercise.
    """
    counts = {b.value: b.count for b in cell.bars}
    by_answers = {
        name: sum(counts.get(v, 0) for v in entry.answers[cell.id])
        for name, entry in library.kit.items()
        if cell.id in entry.answers
    }
    most = max(by_answers.values(), default=0)
    if most:
        return [name for name, n in by_answers.items() if n == most]
    for key in ("questions", "themes"):
        for name, entry in library.kit.items():
            if (cell.id if key == "questions" else cell.theme) in getattr(entry, key):
                return [name]
    return []


def candidates(rounds: list[list[CellView]]) -> list[CellView]:
    """Return the questions that call for the kit, most pressing first.

    Flagged questions come first (largest share of signal answers first), then divided ones
    (widest spread first); ``rounds`` are given latest first, so a recent round wins a tie.
    """
    picked = [c for cells in rounds for c in cells if c.flag or c.split]
    return sorted(
        picked, key=lambda c: (c.flag is None, -(c.flag.share if c.flag else 0), -(c.spread or 0))
    )


def kit_for(library: Library, rounds: list[list[CellView]], locale: str) -> list[KitView]:
    """Return at most two exercises for the retrospective, each with why and how to begin.

    Args:
        library: The question library (exercises and the kit).
        rounds: Each round's questions, the latest round first.
        locale: The reader's language.
    """
    chosen: dict[str, list[str]] = {}
    for cell in candidates(rounds):
        for name in exercises_for(library, cell):
            if name in chosen or len(chosen) < MAX_EXERCISES:
                because = chosen.setdefault(name, [])
                if cell.text not in because:
                    because.append(cell.text)
    views = []
    for name, because in chosen.items():
        exercise, entry = library.exercises[name], library.kit[name]
        views.append(
            KitView(
                id=name,
                title=exercise.title.get(locale),
                intro=exercise.intro.get(locale),
                steps=[s.intro.get(locale) for s in exercise.steps if s.intro],
                openers=[
                    OpenerView(text=o.text.get(locale), source=source_view(o.source))
                    for o in entry.openers
                ],
                because=because,
                source=source_view(exercise.source) if exercise.source else None,
            )
        )
    return views
