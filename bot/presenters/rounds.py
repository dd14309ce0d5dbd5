"""Build the round and question view models that every surface's templates receive."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.core import Core
from bot.models import Round, RoundQuestion, RoundStatus, Team
from bot.questions import Text
from prompts.catalog import t
from prompts.schedule_text import format_moment
from prompts.views import OptionView, QuestionView, RoundView


def localised(text: Text | None, locale: str) -> str | None:
    """Pick ``locale`` from a two-language text (None stays None)."""
    return text.get(locale) if text else None


def question_view(q: RoundQuestion, locale: str, current: str | None = None) -> QuestionView:
    """Return one snapshotted question in the reader's language."""
    return QuestionView(
        id=q.question_id,
        kind=q.kind.value,
        text=q.text.get(locale),
        why=localised(q.why, locale),
        step=q.step,
        step_intro=localised(q.step_intro, locale),
        low=localised(q.labels.low if q.labels else None, locale),
        high=localised(q.labels.high if q.labels else None, locale),
        options=[OptionView(id=o.id, text=o.text.get(locale)) for o in q.options],
        current=current,
    )


def set_title(core: Core, set_id: str, locale: str) -> str:
    """Return the title of a question set (its id when the library no longer has it)."""
    try:
        return core.library.round_set(set_id).title.get(locale)
    except KeyError:
        return set_id


def set_texts(core: Core, rnd: Round, locale: str) -> tuple[str, str]:
    """Return the title and introduction of a round's question set."""
    try:
        rs = core.library.round_set(rnd.set_id or rnd.phase.value)
    except KeyError:
        # The library may have dropped a set since this round was planned; keep going.
        label = t(f"round.phase.{rnd.phase.value}", locale)
        return label, label
    return rs.title.get(locale), rs.intro.get(locale)


def round_view(
    core: Core,
    rnd: Round,
    team: Team,
    locale: str,
    *,
    answers: dict[str, str] | None = None,
    recap: Sequence[str] = (),
    form_token: str = "",
) -> RoundView:
    """Return a round as the channel message, the form, and reminders show it.

    Args:
        core: The wired context (for the store and library).
        rnd: The round.
        team: Its team.
        locale: The reader's language.
        answers: The reader's current answers, to prefill the form.
        recap: The team's earlier aggregated answers, shown before asking again.
        form_token: The signed round id a form carries back (``bot.rounds.access``).
    """
    title, intro = set_texts(core, rnd, locale)
    store = core.store.answers
    questions = store.round_questions(rnd.id)
    answered, total = store.progress(rnd.id)
    closed = rnd.status is RoundStatus.CLOSED
    rate = round(100 * answered / total) if total and closed else None
    return RoundView(
        id=rnd.id,
        team_name=team.name,
        phase=rnd.phase.value,
        phase_label=t(f"round.phase.{rnd.phase.value}", locale),
        title=title,
        intro=intro,
        status=rnd.status.value,
        closes_local=format_moment(rnd.closes_at, ZoneInfo(team.timezone), locale),
        anonymity=rnd.anonymity.value,
        answered=answered,
        total=total,
        rate=rate,
        questions=[question_view(q, locale, (answers or {}).get(q.question_id)) for q in questions],
        recap=list(recap),
        form_token=form_token,
    )
