"""View models: exactly what the templates of every surface receive."""

from __future__ import annotations

from pydantic import BaseModel, Field

from prompts.questions import MAX_TEXT


class OptionView(BaseModel):
    """A choice option in the reader's language."""

    id: str
    text: str


class QuestionView(BaseModel):
    """One question of a round, localised, with the reader's current answer if any."""

    id: str
    kind: str
    text: str
    why: str | None = None
    step: int = 0
    step_intro: str | None = None
    low: str | None = None
    high: str | None = None
    options: list[OptionView] = Field(default_factory=list)
    current: str | None = None


class RoundView(BaseModel):
    """A round as shown in the channel, the form and reminders.

    Attributes:
        status: ``open``, ``closed`` or ``cancelled``.
        closes_local: Closing moment in the team's zone, formatted for the reader.
        rate: Response percentage, shown once the round has closed.
        recap: Aggregated earlier answers shown before asking again (may be empty).
        earlier: In a later step of an exercise: what the steps before it produced.
    """

    id: int
    team_name: str
    phase: str
    phase_label: str
    title: str
    intro: str
    status: str
    closes_local: str
    anonymity: str
    answered: int
    total: int
    rate: int | None = None
    questions: list[QuestionView] = Field(default_factory=list)
    recap: list[str] = Field(default_factory=list)
    step: str | None = None
    """``stap 2 van 3`` in a multi-step exercise."""
    earlier: list[str] = Field(default_factory=list)
    """What the exercise's earlier steps produced, aggregated as the digest would."""
    agreements_header: str | None = None
    agreements: list[str] = Field(default_factory=list)
    """The team's agreements, quoted back at a fresh-up or wrap-up."""
    notes: list[str] = Field(default_factory=list)
    """Why the round was opened (the task change in the manager's words)."""
    max_text: int = MAX_TEXT
    form_token: str = ""


class HomeView(BaseModel):
    """A person's overview: their open rounds and, for managers and coaches, their teams."""

    name: str
    open_rounds: list[RoundView] = Field(default_factory=list)
    teams: list[dict[str, str]] = Field(default_factory=list)
