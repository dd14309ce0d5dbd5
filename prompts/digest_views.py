"""View models of the coach digests: a round, the phases side by side, a team, a programme."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from prompts.views import RoundView


class CellState(StrEnum):
    """What a digest can show of one question in one round."""

    SHOWN = "shown"
    WITHHELD = "withheld"
    """An anonymous team gave fewer answers than its threshold: nothing is shown."""
    EMPTY = "empty"
    """The question was asked and nobody answered it."""
    NOT_ASKED = "not_asked"
    """The round did not ask the question (only in a comparison)."""


class SourceView(BaseModel):
    """A passage of the source documents: file, line range and the quoted words."""

    file: str
    lines: str
    quote: str | None = None


class BarView(BaseModel):
    """One possible answer of a closed question, with how many gave it.

    Attributes:
        value: The stored value: ``1``-``5`` or an option id.
        label: What the reader sees: the number of the scale, or the option's text.
        anchor: The library's scale label at the ends (``Helemaal niet``), else None.
        share: Percentage of the question's answers, 0-100; bars are drawn to it, so a bar
            over the whole width means every answer.
        signal: Whether this answer points to the question's pitfall.
    """

    value: str
    label: str
    anchor: str | None = None
    count: int
    share: int
    signal: bool = False


class FlagView(BaseModel):
    """A pitfall raised by one question: which, by how many answers, and where it comes from."""

    pitfall: str
    title: str
    question_id: str
    question: str
    hits: int
    n: int
    share: int
    source: SourceView | None = None


class TextView(BaseModel):
    """A free-text answer; ``count`` more than one when an anonymous team gave it several times."""

    text: str
    count: int = 1


class CellView(BaseModel):
    """The digest of one question in one round.

    Attributes:
        n: How many answered; shown even when the rest is withheld.
        bars: The distribution over every possible answer (closed questions).
        low: The scale's anchor at 1; ``high`` the one at 5.
        spread: Standard deviation of the scale answers.
        lowest: The lowest scale answer given; ``highest`` the highest.
        split: The team is divided: at least a quarter answered 1-2 and a quarter 4-5.
        top: The most given answers' labels; more than one when they tie.
        texts: Free-text answers in a stable shuffled order, with a name only where the team
            agreed to that; identical anonymous answers once, with their count.
    """

    id: str
    kind: str
    theme: str = ""
    text: str
    position: int = 0
    n: int = 0
    state: CellState = CellState.SHOWN
    bars: list[BarView] = Field(default_factory=list)
    low: str | None = None
    high: str | None = None
    median: float | None = None
    mean: float | None = None
    spread: float | None = None
    lowest: int | None = None
    highest: int | None = None
    split: bool = False
    top: list[str] = Field(default_factory=list)
    top_share: int | None = None
    texts: list[TextView] = Field(default_factory=list)
    flag: FlagView | None = None


class OpenerView(BaseModel):
    """An open question from the sources to start the retrospective conversation with."""

    text: str
    source: SourceView


class KitView(BaseModel):
    """One exercise the retrospective kit proposes, with why and how to begin.

    Attributes:
        because: The questions (texts) that call for it.
        steps: The exercise's steps, in order.
    """

    id: str
    title: str
    intro: str
    steps: list[str]
    openers: list[OpenerView]
    because: list[str]
    source: SourceView | None = None


class AgreementView(BaseModel):
    """One agreement of the team: its exercise and date, and a line per question."""

    title: str
    lines: list[str] = Field(default_factory=list)


class DigestView(BaseModel):
    """The digest of one closed round.

    Attributes:
        period: The days the round was open, for the reader (``ma 11 jan – vr 15 jan 2027``).
        opens_at: Opening moment, ISO 8601 in the team's zone; ``closes_at`` the closing one.
        cells: Every question; divided and flagged ones first.
        summary: What stands out, in a few sentences.
        withheld: Texts of the questions whose answers are not shown (too few answers).
        empty: Texts of the questions nobody answered.
        kept_from: The first day whose rounds are still kept (retention), for the reader.
        retention_days: The team's retention period in days.
    """

    round: RoundView
    team_id: str
    label: str
    period: str
    opens_at: str
    closes_at: str
    anonymity_label: str
    threshold: int
    cells: list[CellView]
    flags: list[FlagView] = Field(default_factory=list)
    summary: list[str] = Field(default_factory=list)
    withheld: list[str] = Field(default_factory=list)
    empty: list[str] = Field(default_factory=list)
    kit: list[KitView] = Field(default_factory=list)
    agreements: list[AgreementView] = Field(default_factory=list)
    """What the team agreed in its exercises, up to this round."""
    timeline: list[str] = Field(default_factory=list)
    """Changes in the team up to this round: who joined, when the task changed."""
    kept_from: str | None = None
    retention_days: int | None = None


class PhaseView(BaseModel):
    """A column of the comparison: one closed round of the team."""

    round_id: int
    phase: str
    label: str
    period: str
    opens_at: str


class PhaseCellView(CellView):
    """One question in one column of the comparison, with its shift since the first column.

    Attributes:
        shift: For a scale, the median's change since the first column that showed answers.
        shift_text: The shift for the reader (``+1``; for a choice the option that moved most).
    """

    round_id: int = 0
    label: str = ""
    shift: float | None = None
    shift_text: str | None = None


class CompareRow(BaseModel):
    """One question asked in more than one round, one cell per column (``not_asked`` too)."""

    id: str
    kind: str
    text: str
    low: str | None = None
    high: str | None = None
    values: list[str] = Field(default_factory=list)
    """Labels of the possible answers, in order (for the table's rows)."""
    cells: list[PhaseCellView]


class CompareView(BaseModel):
    """Repeated questions compared across a team's closed rounds."""

    team_id: str
    team_name: str
    threshold: int
    phases: list[PhaseView]
    rows: list[CompareRow]


class ReportView(BaseModel):
    """Everything a coach gets about one team: every closed round, the phases, the kit.

    Attributes:
        generated: When the report was made, for the reader.
        summary: What stands out across the rounds.
    """

    team_id: str
    team_name: str
    programme_name: str
    anonymity: str
    anonymity_label: str
    threshold: int
    generated: str
    generated_at: str
    period: str
    rounds: list[DigestView]
    compare: CompareView
    summary: list[str] = Field(default_factory=list)
    kit: list[KitView] = Field(default_factory=list)


class ProgrammeTeamView(BaseModel):
    """One team in the programme overview: its closed rounds and response."""

    id: str
    name: str
    rounds: int
    answered: int
    invited: int
    rate: int | None = None


class ProgrammeCellView(BaseModel):
    """One team's latest answers to a question (aggregates only, suppression applied)."""

    team_id: str
    team_name: str
    label: str
    state: CellState
    n: int
    threshold: int
    median: float | None = None
    spread: float | None = None


class ProgrammeQuestionView(BaseModel):
    """A scale question several teams answered, with how far their medians lie apart."""

    id: str
    text: str
    difference: float
    cells: list[ProgrammeCellView]


class ProgrammeView(BaseModel):
    """A programme manager's overview: response per team, questions where teams differ most."""

    programme_id: str
    programme_name: str
    generated: str
    generated_at: str
    teams: list[ProgrammeTeamView]
    questions: list[ProgrammeQuestionView]
