"""The digest of one closed round: every question's numbers, divided and flagged ones first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core import Core
from bot.digests.aggregate import counts_by_question, threshold_of
from bot.digests.cells import names_for, question_cell, texts_of
from bot.digests.kit import kit_for
from bot.digests.outcomes import agreement_views, timeline_lines
from bot.digests.summary import round_summary
from bot.models import Anonymity, Phase, Round, RoundQuestion, RoundStatus, Team
from bot.presenters.digest import anonymity_label, local_iso, period, round_label
from bot.presenters.rounds import round_view
from bot.questions import Kind
from prompts.digest_views import CellState, CellView, DigestView
from prompts.schedule_text import format_day


@dataclass
class RoundData:
    """A closed round read once from the database: its questions, answer counts and cells."""

    rnd: Round
    questions: list[RoundQuestion]
    counts: dict[str, dict[str, int]]
    cells: list[CellView]
    by_id: dict[str, CellView] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.cells}


def round_data(core: Core, rnd: Round, team: Team, locale: str) -> RoundData:
    """Read a round's answers (counted by the database) and build each question's cell."""
    threshold = threshold_of(core, team)
    questions = core.store.answers.round_questions(rnd.id)
    counts = counts_by_question(core, rnd.id)
    attributed: dict[str, list[dict[str, str]]] = {}
    text_ids = [q.question_id for q in questions if q.kind is Kind.TEXT]
    if rnd.anonymity is not Anonymity.ANONYMOUS and text_ids:
        for row in core.store.answers.attributed_texts(rnd.id, text_ids):
            attributed.setdefault(row["question_id"], []).append(row)
    name = names_for(core, rnd, team)
    cells = []
    for q in questions:
        given = counts.get(q.question_id, {})
        texts = None
        if q.kind is Kind.TEXT:
            texts = texts_of(rnd, q, given, attributed.get(q.question_id, []), name, locale)
        cells.append(question_cell(core, rnd, q, given, threshold, locale, texts))
    return RoundData(rnd, questions, counts, cells)


def ordered(cells: list[CellView]) -> list[CellView]:
    """Return cells with flagged questions first, then divided ones, then the rest as asked."""
    return sorted(cells, key=lambda c: (c.flag is None, not c.split, c.position))


def closed_rounds(core: Core, team: Team) -> list[Round]:
    """Return a team's closed rounds in the order they opened."""
    return [r for r in core.store.rounds.rounds_of(team.id) if r.status is RoundStatus.CLOSED]


def start_before(datas: list[RoundData], rnd: Round) -> RoundData | None:
    """Return the latest start round that opened before ``rnd``, if the team had one."""
    starts = [d for d in datas if d.rnd.phase is Phase.START and d.rnd.opens_at < rnd.opens_at]
    return starts[-1] if starts else None


def digest_view(
    core: Core, data: RoundData, team: Team, locale: str, start: RoundData | None = None
) -> DigestView:
    """Return the digest of one round from its data; ``start`` gives "since the start"."""
    rnd, zone = data.rnd, ZoneInfo(team.timezone)
    # Up to the planned close: a step closed early by ``volgende`` still shows its agreement.
    until = rnd.closes_at
    threshold = threshold_of(core, team)
    view = round_view(core, rnd, team, locale)
    cells = ordered(data.cells)
    return DigestView(
        round=view,
        team_id=team.id,
        label=round_label(rnd, locale),
        period=period(rnd, zone, locale),
        opens_at=local_iso(rnd.opens_at, zone),
        closes_at=local_iso(rnd.closes_at, zone),
        anonymity_label=anonymity_label(rnd.anonymity, locale),
        threshold=threshold,
        cells=cells,
        flags=[c.flag for c in cells if c.flag],
        summary=round_summary(data.cells, start.cells if start else [], view, threshold, locale),
        withheld=[c.text for c in data.cells if c.state is CellState.WITHHELD],
        empty=[c.text for c in data.cells if c.state is CellState.EMPTY],
        kit=kit_for(core.library, [cells], locale),
        agreements=agreement_views(core, team, locale, until),
        timeline=timeline_lines(core, team, locale, until),
        kept_from=format_day(kept_from(core, team).astimezone(zone).date(), locale),
        retention_days=retention_of(core, team),
    )


def retention_of(core: Core, team: Team) -> int:
    """Return the team's retention period in days: its own, else the operator's default."""
    return team.retention_days or core.settings.retention_days


def kept_from(core: Core, team: Team) -> datetime:
    """Return the moment before which a team's closed rounds are deleted (as of now)."""
    return core.clock.now() - timedelta(days=retention_of(core, team))


def round_digest(core: Core, round_id: int, locale: str) -> DigestView:
    """Return the digest of one round in ``locale``, with the team's anonymity applied.

    Scales get their distribution on the 1-5 scale, median, spread and whether the team is
    divided; choices their distribution with ties as ties; texts the texts, shuffled, named
    only where the team agreed to that. In an anonymous team a question with fewer answers
    than the team's threshold shows no numbers and no texts.

    Raises:
        KeyError: When the round (or its team) does not exist.
    """
    rnd = core.store.rounds.round(round_id)
    team = core.store.directory.team(rnd.team_id) if rnd else None
    if rnd is None or team is None:
        raise KeyError(round_id)
    datas = [
        round_data(core, r, team, locale)
        for r in closed_rounds(core, team)
        if r.phase is Phase.START and r.opens_at < rnd.opens_at
    ][-1:]
    return digest_view(
        core, round_data(core, rnd, team, locale), team, locale, start_before(datas, rnd)
    )
