"""The question library: load library/*.yaml and sets.yaml, validate, and pick round questions.

The schema of each entry lives in ``prompts.questions``; it is re-exported here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError

from bot.models import PLANNED_PHASES
from prompts.questions import (
    Kind,
    KitEntry,
    Opener,
    Option,
    Pitfall,
    Question,
    RoundSet,
    ScaleLabels,
    Source,
    Step,
    Text,
    Theme,
)

__all__ = [
    "PHASES",
    "Kind",
    "KitEntry",
    "Library",
    "LibraryError",
    "Opener",
    "Option",
    "Pitfall",
    "Question",
    "RoundSet",
    "ScaleLabels",
    "Source",
    "Step",
    "Text",
    "Theme",
    "load_library",
    "parse_library",
]

LIBRARY_DIR = Path(__file__).parent / "library"
SETS_FILE = Path(__file__).parent / "sets.yaml"
PHASES = tuple(p.value for p in PLANNED_PHASES)
LOCALES = ("nl", "en")
_M = TypeVar("_M", bound=BaseModel)


class LibraryError(ValueError):
    """The library files are invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class Library(BaseModel):
    """The validated question library."""

    questions: dict[str, Question]
    themes: dict[str, Theme]
    rounds: dict[str, RoundSet]
    exercises: dict[str, RoundSet]
    pitfalls: dict[str, Pitfall] = Field(default_factory=dict)
    kit: dict[str, KitEntry] = Field(default_factory=dict)

    def round_set(self, set_id: str) -> RoundSet:
        """Return a set by id: a phase (``start``), ``exercise:<id>`` or ``theme:<theme>``.

        Raises:
            KeyError: When no such set exists.
        """
        if set_id in self.rounds:
            return self.rounds[set_id]
        kind, _, name = set_id.partition(":")
        if kind == "exercise" and name in self.exercises:
            return self.exercises[name]
        if kind == "theme" and name in self.themes:
            return self._theme_set(name)
        raise KeyError(set_id)

    def _theme_set(self, theme: str) -> RoundSet:
        chosen = [q for q in self.questions.values() if q.theme == theme]
        # Keep ad-hoc rounds short: scales first, then one free text to close.
        closed = [q.id for q in chosen if q.kind is not Kind.TEXT][:4]
        texts = [q.id for q in chosen if q.kind is Kind.TEXT][:1]
        info = self.themes[theme]
        return RoundSet(
            id=f"theme:{theme}",
            title=info.title,
            intro=info.description or info.title,
            steps=[Step(questions=closed + texts)],
        )

    def questions_of(self, set_id: str) -> list[tuple[int, Question]]:
        """Return ``(step_index, question)`` pairs of a set, in the order they are asked."""
        rs = self.round_set(set_id)
        return [
            (i, self.questions[qid]) for i, step in enumerate(rs.steps) for qid in step.questions
        ]


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: cannot read: {exc}")
        return None


def _errors(where: str, exc: ValidationError) -> list[str]:
    return [f"{where}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]


def parse_library(library_dir: Path = LIBRARY_DIR, sets_file: Path = SETS_FILE) -> Library:
    """Read and validate the library files, reporting every problem at once.

    Args:
        library_dir: Folder with one YAML file per theme.
        sets_file: YAML file with themes, pitfalls, default rounds and exercises.

    Raises:
        LibraryError: With all problems found.
    """
    problems: list[str] = []
    sets = _read_yaml(sets_file, problems) or {}
    themes = _parse_map(sets, "themes", Theme, problems)
    pitfalls = _parse_map(sets, "pitfalls", Pitfall, problems)
    questions: dict[str, Question] = {}
    for path in sorted(library_dir.glob("*.yaml")):
        data = _read_yaml(path, problems) or {}
        for i, raw in enumerate(data.get("questions") or []):
            raw = {"theme": data.get("theme", ""), **raw}
            try:
                q = Question.model_validate(raw)
            except ValidationError as exc:
                problems += _errors(f"{path.name} question {i + 1} ({raw.get('id', '?')})", exc)
                continue
            if q.id in questions:
                problems.append(f"{path.name}: duplicate question id {q.id}")
            questions[q.id] = q
    for q in questions.values():
        if q.theme not in themes:
            problems.append(f"{q.id}: unknown theme {q.theme!r}")
        elif not q.id.startswith(q.theme + "."):
            problems.append(f"{q.id}: id must start with its theme {q.theme!r}")
        problems += [f"{q.id}: unknown phase {p!r}" for p in q.phases if p not in PHASES]
        if q.pitfall and q.pitfall not in pitfalls:
            problems.append(f"{q.id}: unknown pitfall {q.pitfall!r}")
    rounds = _parse_sets(sets.get("rounds") or {}, "rounds", questions, problems)
    exercises = _parse_sets(sets.get("exercises") or {}, "exercises", questions, problems)
    for phase in PHASES:
        if phase not in rounds:
            problems.append(f"sets.yaml: no default round for phase {phase!r}")
            continue
        problems += [
            f"sets.yaml rounds.{phase}: {qid} is not asked in phase {phase!r}"
            for qid in rounds[phase].question_ids()
            if qid in questions and phase not in questions[qid].phases
        ]
    kit = _parse_map(sets, "kit", KitEntry, problems)
    problems += _kit_problems(kit, questions, themes, exercises)
    if problems:
        raise LibraryError(problems)
    return Library(
        questions=questions,
        themes=themes,
        rounds=rounds,
        exercises=exercises,
        pitfalls=pitfalls,
        kit=kit,
    )


def _kit_problems(
    kit: dict[str, KitEntry],
    questions: dict[str, Question],
    themes: dict[str, Theme],
    exercises: dict[str, RoundSet],
) -> list[str]:
    # Each question, answer and theme may call for one exercise only, or the kit would have to
    # guess which of two to propose.
    problems: list[str] = []
    claimed: dict[str, str] = {}

    def claim(what: str, exercise: str) -> None:
        if what in claimed and claimed[what] != exercise:
            problems.append(f"sets.yaml kit: {what} is in both {claimed[what]} and {exercise}")
        claimed[what] = exercise

    for name, entry in kit.items():
        where = f"sets.yaml kit.{name}"
        if name not in exercises:
            problems.append(f"{where}: unknown exercise {name!r}")
        for theme in entry.themes:
            if theme not in themes:
                problems.append(f"{where}: unknown theme {theme!r}")
            claim(f"theme {theme}", name)
        for qid in entry.questions:
            if qid not in questions:
                problems.append(f"{where}: unknown question {qid}")
            claim(f"question {qid}", name)
        for qid, values in entry.answers.items():
            if qid not in questions:
                problems.append(f"{where}: unknown question {qid}")
                continue
            possible = questions[qid].answer_values()
            problems += [
                f"{where}: {v!r} is not an answer to {qid}" for v in values if v not in possible
            ]
            for v in values:
                claim(f"answer {qid}={v}", name)
    return problems


def _parse_map(
    sets: dict[str, Any], section: str, model: type[_M], problems: list[str]
) -> dict[str, _M]:
    result: dict[str, _M] = {}
    for name, raw in (sets.get(section) or {}).items():
        try:
            result[name] = model.model_validate(raw)
        except ValidationError as exc:
            problems += _errors(f"sets.yaml {section}.{name}", exc)
    return result


def _parse_sets(
    raw_sets: dict[str, Any], section: str, questions: dict[str, Question], problems: list[str]
) -> dict[str, RoundSet]:
    result: dict[str, RoundSet] = {}
    for set_id, raw in raw_sets.items():
        try:
            rs = RoundSet.model_validate({"id": set_id, **raw})
        except ValidationError as exc:
            problems += _errors(f"sets.yaml {section}.{set_id}", exc)
            continue
        for qid in rs.question_ids():
            if qid not in questions:
                problems.append(f"sets.yaml {section}.{set_id}: unknown question {qid}")
        if len(set(rs.question_ids())) != len(rs.question_ids()):
            problems.append(f"sets.yaml {section}.{set_id}: a question is asked twice")
        problems += [
            f"sets.yaml {section}.{set_id}: agreement question {qid} is not asked in it"
            for qid in rs.agreement
            if qid not in rs.question_ids()
        ]
        result[set_id] = rs
    return result


@lru_cache(maxsize=1)
def load_library() -> Library:
    """Return the packaged library, parsed once per process."""
    return parse_library()
