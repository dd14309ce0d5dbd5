"""The question library: load library/*.yaml and sets.yaml, validate, and pick round questions."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

LIBRARY_DIR = Path(__file__).parent / "library"
SETS_FILE = Path(__file__).parent / "sets.yaml"
PHASES = ("start", "freshup", "wrapup")
LOCALES = ("nl", "en")
TEXT_MAX = 2000
_M = TypeVar("_M", bound=BaseModel)


class LibraryError(ValueError):
    """The library files are invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class Kind(StrEnum):
    """How a question is answered."""

    SCALE = "scale"
    CHOICE = "choice"
    TEXT = "text"


class Text(BaseModel):
    """A text in both languages; both are required and may not be blank."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, locale: str) -> str:
        """Return the text in ``locale`` (``nl`` or ``en``)."""
        return self.en if locale == "en" else self.nl


class Source(BaseModel):
    """Where in the source documents a question comes from."""

    model_config = ConfigDict(extra="forbid")
    file: str
    lines: str = Field(pattern=r"^\d+(-\d+)?$")
    quote: str | None = None

    def line_range(self) -> tuple[int, int]:
        """Return the cited 1-based line range, both ends inclusive."""
        first, _, last = self.lines.partition("-")
        return int(first), int(last or first)


class Option(BaseModel):
    """One option of a choice question."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    text: Text


class ScaleLabels(BaseModel):
    """The words at both ends of a 1-5 scale."""

    model_config = ConfigDict(extra="forbid")
    low: Text
    high: Text


class Question(BaseModel):
    """One question of the library."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9-]+\.[a-z0-9.-]+$")
    phases: list[str] = Field(default_factory=list)
    theme: str = ""
    kind: Kind
    text: Text
    why: Text
    labels: ScaleLabels | None = None
    options: list[Option] = Field(default_factory=list)
    pitfall: str | None = None
    signals: list[str] = Field(default_factory=list)
    source: Source

    @model_validator(mode="after")
    def _kind_fits(self) -> Question:
        kind, pick = self.kind, self.answer_values()
        checks = {
            "a scale question needs labels (low and high)": kind is Kind.SCALE and not self.labels,
            "a choice question needs at least two options": kind is Kind.CHOICE and len(pick) < 2,
            "only choice questions have options": kind is not Kind.CHOICE and bool(self.options),
            "duplicate option id": len(set(self.option_ids())) != len(self.options),
            "signals need a pitfall": bool(self.signals) and not self.pitfall,
            "a pitfall needs signals": bool(self.pitfall and pick and not self.signals),
            "signals must be possible answers": not set(self.signals) <= set(pick),
        }
        if failed := [msg for msg, bad in checks.items() if bad]:
            raise ValueError(f"{self.id}: {'; '.join(failed)}")
        return self

    def option_ids(self) -> list[str]:
        """Return the ids of the options, in order."""
        return [o.id for o in self.options]

    def answer_values(self) -> list[str]:
        """Return the stored values a closed question accepts (empty for text)."""
        return [str(v) for v in range(1, 6)] if self.kind is Kind.SCALE else self.option_ids()

    def signals_pitfall(self, value: str) -> bool:
        """Return whether the stored answer ``value`` points to this question's pitfall."""
        return self.pitfall is not None and value in self.signals


class Theme(BaseModel):
    """A theme taken from the source documents' frameworks."""

    model_config = ConfigDict(extra="forbid")
    title: Text
    framework: str
    description: Text | None = None


class Pitfall(BaseModel):
    """A pitfall the documents warn about; questions name it so a digest can flag it."""

    model_config = ConfigDict(extra="forbid")
    title: Text
    source: Source


class Step(BaseModel):
    """One step of a round: an introduction and the questions asked in it."""

    model_config = ConfigDict(extra="forbid")
    intro: Text | None = None
    questions: list[str]


class RoundSet(BaseModel):
    """A named set of questions: a default phase round, a theme round or an exercise."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: Text
    intro: Text
    steps: list[Step] = Field(min_length=1)
    source: Source | None = None
    recap: bool = False
    """Show the team its aggregated start answers to repeated questions before asking again."""

    def question_ids(self) -> list[str]:
        """Return all question ids in the order they are asked."""
        return [qid for step in self.steps for qid in step.questions]


class Library(BaseModel):
    """The validated question library."""

    questions: dict[str, Question]
    themes: dict[str, Theme]
    rounds: dict[str, RoundSet]
    exercises: dict[str, RoundSet]
    pitfalls: dict[str, Pitfall] = Field(default_factory=dict)

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
    if problems:
        raise LibraryError(problems)
    return Library(
        questions=questions, themes=themes, rounds=rounds, exercises=exercises, pitfalls=pitfalls
    )


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
        result[set_id] = rs
    return result


@lru_cache(maxsize=1)
def load_library() -> Library:
    """Return the packaged library, parsed once per process."""
    return parse_library()
