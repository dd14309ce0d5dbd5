"""The shape of a question and the rules its answers follow: shared by the library and snapshots."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

MAX_TEXT = 2000
"""The longest free-text answer stored, in characters."""
SCALE_VALUES = ("1", "2", "3", "4", "5")


def _starts_with_words(text: str, start: str) -> bool:
    # "time" starts "time: deadlines", but "tim" does not: only whole words count.
    after = text[len(start) : len(start) + 1]
    return bool(start) and text.startswith(start) and not after.isalnum()


class Kind(StrEnum):
    """How a question is answered."""

    SCALE = "scale"
    CHOICE = "choice"
    TEXT = "text"


class AnswerProblem(StrEnum):
    """Why a value is not an answer to a question; each has a catalog text ``answer.<value>``."""

    SCALE = "scale"
    CHOICE = "choice"
    TOO_LONG = "too_long"


class Text(BaseModel):
    """A text in both languages; both are required and may not be blank."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, locale: str) -> str:
        """Return the text in ``locale`` (``nl`` or ``en``)."""
        return self.en if locale == "en" else self.nl


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


class Answerable(BaseModel):
    """What answers are checked against: the library's answer rules, shared by the snapshot."""

    kind: Kind
    labels: ScaleLabels | None = None
    options: list[Option] = Field(default_factory=list)
    pitfall: str | None = None
    signals: list[str] = Field(default_factory=list)

    def option_ids(self) -> list[str]:
        """Return the ids of the options, in order."""
        return [o.id for o in self.options]

    def answer_values(self) -> list[str]:
        """Return the stored values a closed question accepts (empty for text)."""
        return list(SCALE_VALUES) if self.kind is Kind.SCALE else self.option_ids()

    def normalise(self, value: str) -> str:
        """Return the stored form of what a person typed or picked, or the input when none fits.

        A choice accepts the option's id, its 1-based number, or its text in Dutch or
        English, case-insensitively; the text may be shortened to its first words ("time"
        for "Time: deadlines, planning and rhythm") as long as one option fits. Every
        surface (chat, Slack, Teams) goes through this, so one rule holds everywhere.
        """
        value = value.strip()
        if self.kind is not Kind.CHOICE:
            return value
        wanted = value.casefold()
        ids = self.option_ids()
        if value.isdigit() and 1 <= int(value) <= len(ids):
            return ids[int(value) - 1]
        for option in self.options:
            texts = (option.id, option.text.nl, option.text.en)
            if wanted in (t.casefold().rstrip(".") for t in texts):
                return option.id
        starts = {
            o.id
            for o in self.options
            for text in (o.text.nl, o.text.en)
            if _starts_with_words(text.casefold(), wanted)
        }
        return starts.pop() if len(starts) == 1 else value

    def problem(self, value: str) -> AnswerProblem | None:
        """Return why ``value`` is not an answer to this question, or None when it is."""
        if self.kind is Kind.TEXT:
            return AnswerProblem.TOO_LONG if len(value) > MAX_TEXT else None
        if value in self.answer_values():
            return None
        return AnswerProblem.SCALE if self.kind is Kind.SCALE else AnswerProblem.CHOICE

    def signals_pitfall(self, value: str) -> bool:
        """Return whether the stored answer ``value`` points to this question's pitfall."""
        return self.pitfall is not None and value in self.signals
