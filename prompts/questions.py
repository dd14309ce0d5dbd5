"""The library's schema: questions, themes, pitfalls and round sets, in both languages."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


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
