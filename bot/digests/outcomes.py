"""What an exercise's steps produced: the earlier steps a later one shows, and its agreement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import Core
from bot.digests.aggregate import counts_by_question, suppressed, threshold_of
from bot.digests.stats import scale_counts, scale_stats, tops
from bot.models import AgreementItem, Phase, Round, RoundQuestion, RoundStatus, Team, TeamEventKind
from bot.presenters.agreements import item_line
from bot.presenters.digest import number
from bot.questions import Kind, Text
from prompts.catalog import t
from prompts.digest_views import AgreementView
from prompts.schedule_text import format_day


def run_of(core: Core, rnd: Round) -> list[Round]:
    """Return the step rounds of the exercise run ``rnd`` belongs to, up to and with ``rnd``.

    A run begins at the latest step-1 round of the same exercise that is not newer than
    ``rnd``; running the exercise again starts a new run.
    """
    if rnd.step is None or rnd.set_id is None:
        return []
    steps = [r for r in core.store.rounds.steps_of(rnd.team_id, rnd.set_id) if r.id <= rnd.id]
    firsts = [r.id for r in steps if r.step == 1]
    begin = firsts[-1] if firsts else 0
    return [r for r in steps if r.id >= begin]


def _value_texts(q: RoundQuestion, counts: dict[str, int]) -> list[Text]:
    if q.kind is Kind.TEXT:
        # The same text from several people is one line: an agreement has no authors.
        return [Text(nl=v, en=v) for v in sorted(v for v, n in counts.items() if n and v)]
    if q.kind is Kind.SCALE:
        stats = scale_stats(scale_counts(counts))
        if stats is None:
            return []
        return [Text(nl=number(stats.median, "nl"), en=number(stats.median, "en"))]
    best, _ = tops({o.id: counts.get(o.id, 0) for o in q.options})
    labels = {o.id: o.text for o in q.options}
    return [labels[v] for v in best if v in labels]


def outcome_items(
    core: Core, rounds: list[Round], team: Team, wanted: list[str]
) -> list[AgreementItem]:
    """Return what the given closed rounds produced for the ``wanted`` questions, in order.

    In an anonymous team a question with fewer answers than the team's threshold is marked
    withheld and carries no values, as in every digest; texts never carry names.
    """
    threshold = threshold_of(core, team)
    items: list[AgreementItem] = []
    for rnd in rounds:
        counts = counts_by_question(core, rnd.id)
        for q in core.store.answers.round_questions(rnd.id):
            if q.question_id not in wanted:
                continue
            given = counts.get(q.question_id, {})
            n = sum(given.values())
            if suppressed(rnd, n, threshold):
                items.append(AgreementItem(question=q.text, withheld=True))
            else:
                items.append(AgreementItem(question=q.text, values=_value_texts(q, given)))
    return items


def agreement_items(core: Core, rnd: Round, team: Team) -> list[AgreementItem]:
    """Return the agreement an exercise's run produced, once ``rnd`` (its last step) closes."""
    rs = core.library.round_set(rnd.set_id or "")
    run = [r for r in run_of(core, rnd) if r.status is RoundStatus.CLOSED or r.id == rnd.id]
    return outcome_items(core, run, team, rs.agreement_ids())


def earlier_steps(core: Core, rnd: Round, team: Team) -> list[AgreementItem]:
    """Return what the earlier closed steps of ``rnd``'s exercise run produced."""
    earlier = [r for r in run_of(core, rnd) if r.id != rnd.id and r.status is RoundStatus.CLOSED]
    wanted = [q.question_id for r in earlier for q in core.store.answers.round_questions(r.id)]
    return outcome_items(core, earlier, team, wanted)


def is_last_step(core: Core, rnd: Round) -> bool:
    """Return whether ``rnd`` asks the last step of its exercise."""
    try:
        return rnd.step == len(core.library.round_set(rnd.set_id or "").steps)
    except KeyError:
        return False


@dataclass(frozen=True)
class RoundContext:
    """What a round's post shows besides its questions: the step, the earlier steps' outcome,
    the agreements to look back on, and why the round was opened."""

    step: str | None = None
    earlier: list[str] = field(default_factory=list)
    agreements_header: str | None = None
    agreements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _agreement_quotes(core: Core, rnd: Round, team: Team, locale: str) -> tuple[str, list[str]]:
    kept = [a for a in core.store.timeline.agreements_of(team.id) if a.created_at <= rnd.opens_at]
    if not kept or rnd.phase not in (Phase.FRESHUP, Phase.WRAPUP):
        return "", []
    threshold = threshold_of(core, team)
    # "At the start" only while no fresh-up had opened before the agreement was made.
    freshups = [
        r.opens_at
        for r in core.store.rounds.rounds_of(team.id)
        if r.phase is Phase.FRESHUP and r.id != rnd.id and r.status is not RoundStatus.PLANNED
    ]
    at_start = all(a.created_at < min(freshups) for a in kept) if freshups else True
    header = t(f"exercise.agreements_header_{'start' if at_start else 'later'}", locale)
    lines = []
    for a in kept:
        title = core.library.exercises.get(a.exercise)
        name = title.title.get(locale) if title else a.exercise
        lines += [f"{name}: {item_line(i, locale, threshold)}" for i in a.items]
    return header, lines


def round_context(core: Core, rnd: Round, team: Team, locale: str) -> RoundContext:
    """Return what ``rnd``'s channel post shows around its questions (see :class:`RoundContext`)."""
    step = None
    earlier: list[str] = []
    if rnd.step is not None:
        try:
            steps = len(core.library.round_set(rnd.set_id or "").steps)
        except KeyError:
            steps = rnd.step
        step = t("exercise.step", locale, step=rnd.step, steps=steps)
        threshold = threshold_of(core, team)
        earlier = [item_line(i, locale, threshold) for i in earlier_steps(core, rnd, team)]
    header, quotes = _agreement_quotes(core, rnd, team, locale)
    notes = [
        t("exercise.change.round_note", locale, note=e.note)
        for e in core.store.timeline.events_of(team.id)
        if e.round_id == rnd.id and e.kind is TeamEventKind.TASK_CHANGED and e.note
    ]
    return RoundContext(step, earlier, header or None, quotes, notes)


MAX_TIMELINE = 10
"""Changes a digest lists; older ones are in the team's export."""


def agreement_views(core: Core, team: Team, locale: str, until: datetime) -> list[AgreementView]:
    """Return the team's agreements made up to ``until``, each with its lines."""
    zone = ZoneInfo(team.timezone)
    threshold = threshold_of(core, team)
    views = []
    for a in core.store.timeline.agreements_of(team.id):
        if a.created_at > until:
            continue
        found = core.library.exercises.get(a.exercise)
        name = found.title.get(locale) if found else a.exercise
        day = format_day(a.created_at.astimezone(zone).date(), locale)
        views.append(
            AgreementView(
                title=t("exercise.agreement_title", locale, title=name, date=day),
                lines=[item_line(i, locale, threshold) for i in a.items],
            )
        )
    return views


def timeline_lines(core: Core, team: Team, locale: str, until: datetime) -> list[str]:
    """Return the team's recorded changes up to ``until``, the latest ``MAX_TIMELINE``."""
    zone = ZoneInfo(team.timezone)
    lines = []
    for e in core.store.timeline.events_of(team.id):
        if e.at > until:
            continue
        when = format_day(e.at.astimezone(zone).date(), locale)
        member = core.store.people.member(e.member_id) if e.member_id else None
        who = (member.display_name or member.external_user_id) if member else None
        who = who or t("exercise.timeline.someone", locale)
        lines.append(
            t(f"exercise.timeline.{e.kind.value}", locale, when=when, who=who, note=e.note)
        )
    return lines[-MAX_TIMELINE:]
