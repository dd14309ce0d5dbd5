"""A programme manager's overview: response per team and the questions teams differ most on."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core import Core
from bot.digests.aggregate import counts_by_question, suppressed, threshold_of
from bot.digests.round_digest import closed_rounds
from bot.digests.stats import scale_counts, scale_stats, share
from bot.presenters.digest import local_iso, round_label
from bot.questions import Kind
from prompts.digest_views import (
    CellState,
    ProgrammeCellView,
    ProgrammeQuestionView,
    ProgrammeTeamView,
    ProgrammeView,
)
from prompts.schedule_text import format_moment

MAX_QUESTIONS = 10


def programme_view(core: Core, programme_id: str, locale: str) -> ProgrammeView:
    """Return the overview of a programme: aggregates only, each team's threshold applied.

    For every scale question, each team's latest closed round that asked it gives the team's
    median; questions are ranked by how far the teams' medians lie apart. No text, no names.

    Raises:
        KeyError: When the programme does not exist.
    """
    name = core.store.directory.programme_name(programme_id)
    if name is None:
        raise KeyError(programme_id)
    store = core.store
    teams: list[ProgrammeTeamView] = []
    latest: dict[str, dict[str, ProgrammeCellView]] = {}
    texts: dict[str, str] = {}
    for team in store.directory.teams(programme_id):
        rounds = closed_rounds(core, team)
        progress = [store.answers.progress(r.id) for r in rounds]
        answered = sum(done for done, _ in progress)
        invited = sum(total for _, total in progress)
        teams.append(
            ProgrammeTeamView(
                id=team.id,
                name=team.name,
                rounds=len(rounds),
                answered=answered,
                invited=invited,
                rate=share(answered, invited) if invited else None,
            )
        )
        threshold = threshold_of(core, team)
        for rnd in rounds:  # in opening order, so a later round replaces an earlier one
            counts = counts_by_question(core, rnd.id)
            for q in store.answers.round_questions(rnd.id):
                if q.kind is not Kind.SCALE:
                    continue
                given = counts.get(q.question_id, {})
                n = sum(given.values())
                stats = scale_stats(scale_counts(given))
                state = CellState.EMPTY if n == 0 else CellState.SHOWN
                if suppressed(rnd, n, threshold):
                    state, stats = CellState.WITHHELD, None
                texts[q.question_id] = q.text.get(locale)
                latest.setdefault(q.question_id, {})[team.id] = ProgrammeCellView(
                    team_id=team.id,
                    team_name=team.name,
                    label=round_label(rnd, locale),
                    state=state,
                    n=n,
                    threshold=threshold,
                    median=stats.median if stats else None,
                    spread=stats.spread if stats else None,
                )
    questions = []
    for qid, by_team in latest.items():
        medians = [c.median for c in by_team.values() if c.median is not None]
        if len(medians) < 2:
            continue
        questions.append(
            ProgrammeQuestionView(
                id=qid,
                text=texts[qid],
                difference=max(medians) - min(medians),
                cells=list(by_team.values()),
            )
        )
    questions.sort(key=lambda q: (-q.difference, q.id))
    now = core.clock.now()
    zone = ZoneInfo(core.settings.timezone)
    return ProgrammeView(
        programme_id=programme_id,
        programme_name=name,
        generated=format_moment(now, zone, locale),
        generated_at=local_iso(now, zone),
        teams=teams,
        questions=questions[:MAX_QUESTIONS],
    )
