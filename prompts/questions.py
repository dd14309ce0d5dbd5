"""The library's schema: questions, themes, pitfalls and round sets, in both languages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.questions import (
    MAX_TEXT,
    SCALE_VALUES,
    Answerable,
    AnswerProblem,
    Kind,
    Option,
    ScaleLabels,
    Text,
)

__all__ = [
    "MAX_TEXT",
    "SCALE_VALUES",
    "AnswerProblem",
    "Answerable",
    "Kind",
    "KitEntry",
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
]


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


class Question(Answerable):
    """One question of the library."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9-]+\.[a-z0-9.-]+$")
    phases: list[str] = Field(default_factory=list)
    theme: str = ""
    text: Text
    why: Text
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


class Opener(BaseModel):
    """An open question from the sources that starts a retrospective conversation."""

    model_config = ConfigDict(extra="forbid")
    text: Text
    source: Source


class KitEntry(BaseModel):
    """What the retrospective kit proposes for one exercise, and which questions call for it.

    Attributes:
        answers: Question id → the answers that point to this exercise (a boundary named).
        questions: Question ids that call for this exercise whatever their theme.
        themes: Themes whose divided or flagged questions call for this exercise.
        openers: One or two open questions to start the conversation with.
    """

    model_config = ConfigDict(extra="forbid")
    answers: dict[str, list[str]] = Field(default_factory=dict)
    questions: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    openers: list[Opener] = Field(min_length=1, max_length=2)


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
    agreement: list[str] = Field(default_factory=list)
    """An exercise's questions whose answers form what the team agreed (default: the last step)."""

    def agreement_ids(self) -> list[str]:
        """Return the questions whose outcome is kept as the team's agreement."""
        return self.agreement or list(self.steps[-1].questions)

    def question_ids(self) -> list[str]:
        """Return all question ids in the order they are asked."""
        return [qid for step in self.steps for qid in step.questions]
