"""The question library: load library/*.yaml and sets.yaml, validate, and pick round questions."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

LIBRARY_DIR = Path(__file__).parent / "library"
SETS_FILE = Path(__file__).parent / "sets.yaml"
PHASES = ("start", "freshup", "wrapup")
LOCALES = ("nl", "en")
TEXT_MAX = 2000


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
    """A text in both languages; both are required."""

    model_config = ConfigDict(extra="forbid")
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
    why: Text | None = None
    labels: ScaleLabels | None = None
    options: list[Option] = Field(default_factory=list)
    pitfall: str | None = None
    source: Source

    @model_validator(mode="after")
    def _kind_fits(self) -> Question:
        if self.kind is Kind.SCALE and self.labels is None:
            raise ValueError(f"{self.id}: a scale question needs labels (low and high)")
        if self.kind is Kind.CHOICE and len(self.options) < 2:
            raise ValueError(f"{self.id}: a choice question needs at least two options")
        if self.kind is not Kind.CHOICE and self.options:
            raise ValueError(f"{self.id}: only choice questions have options")
        return self

    def option_ids(self) -> list[str]:
        """Return the ids of the options, in order."""
        return [o.id for o in self.options]


class Theme(BaseModel):
    """A theme taken from the source documents' frameworks."""

    model_config = ConfigDict(extra="forbid")
    title: Text
    framework: str
    description: Text | None = None


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
    steps: list[Step]
    source: Source | None = None

    def question_ids(self) -> list[str]:
        """Return all question ids in the order they are asked."""
        return [qid for step in self.steps for qid in step.questions]


class Library(BaseModel):
    """The validated question library."""

    questions: dict[str, Question]
    themes: dict[str, Theme]
    rounds: dict[str, RoundSet]
    exercises: dict[str, RoundSet]

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
        return RoundSet(id=f"theme:{theme}", title=info.title,
                        intro=info.description or info.title, steps=[Step(questions=closed + texts)])

    def questions_of(self, set_id: str) -> list[tuple[int, Question]]:
        """Return ``(step_index, question)`` pairs of a set, in the order they are asked."""
        rs = self.round_set(set_id)
        return [(i, self.questions[qid]) for i, step in enumerate(rs.steps) for qid in step.questions]


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
        sets_file: YAML file with themes, default rounds and exercises.

    Raises:
        LibraryError: With all problems found.
    """
    problems: list[str] = []
    sets = _read_yaml(sets_file, problems) or {}
    themes: dict[str, Theme] = {}
    for name, raw in (sets.get("themes") or {}).items():
        try:
            themes[name] = Theme.model_validate(raw)
        except ValidationError as exc:
            problems += _errors(f"sets.yaml themes.{name}", exc)
    questions: dict[str, Question] = {}
    for path in sorted(library_dir.glob("*.yaml")):
        data = _read_yaml(path, problems) or {}
        file_theme = data.get("theme", "")
        for i, raw in enumerate(data.get("questions") or []):
            raw = {"theme": file_theme, **raw}
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
        for phase in q.phases:
            if phase not in PHASES:
                problems.append(f"{q.id}: unknown phase {phase!r}")
    rounds = _parse_sets(sets.get("rounds") or {}, "rounds", questions, problems)
    exercises = _parse_sets(sets.get("exercises") or {}, "exercises", questions, problems)
    for phase in PHASES:
        if phase not in rounds:
            problems.append(f"sets.yaml: no default round for phase {phase!r}")
    if problems:
        raise LibraryError(problems)
    return Library(questions=questions, themes=themes, rounds=rounds, exercises=exercises)


def _parse_sets(raw_sets: dict[str, Any], section: str, questions: dict[str, Question],
                problems: list[str]) -> dict[str, RoundSet]:
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
        result[set_id] = rs
    return result


def _normalise(text: str) -> str:
    # Quotes run across the documents' line breaks and blank lines; compare without whitespace
    # and with typographic quotes folded to plain ones.
    for fancy, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", "", text).lower()


def check_citations(library: Library, seeds_dir: Path) -> list[str]:
    """Check every citation against the source documents.

    Args:
        library: The loaded library.
        seeds_dir: Folder with the seed documents.

    Returns:
        One line per problem: missing file, line range out of bounds, or quote not found.
    """
    problems: list[str] = []
    cache: dict[str, list[str]] = {}
    cited: list[tuple[str, Source]] = [(q.id, q.source) for q in library.questions.values()]
    cited += [(f"exercise {e.id}", e.source) for e in library.exercises.values() if e.source]
    for owner, src in cited:
        path = seeds_dir / src.file
        if src.file not in cache:
            if not path.is_file():
                problems.append(f"{owner}: cited file {src.file} does not exist")
                continue
            cache[src.file] = path.read_text(encoding="utf-8").splitlines()
        lines = cache[src.file]
        first, last = src.line_range()
        if first < 1 or last < first or last > len(lines):
            problems.append(f"{owner}: lines {src.lines} outside {src.file} (1-{len(lines)})")
            continue
        if src.quote and _normalise(src.quote) not in _normalise("\n".join(lines[first - 1:last])):
            problems.append(f"{owner}: quote {src.quote!r} not in {src.file} lines {src.lines}")
    return problems


@lru_cache(maxsize=1)
def load_library() -> Library:
    """Return the packaged library, parsed once per process."""
    return parse_library()
