"""Build the view models templates receive from what the database holds."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.models import Round, RoundQuestion, Team
from prompts.catalog import t
from prompts.views import OptionView, QuestionView, RoundView
from scheduler.summary import format_moment

if TYPE_CHECKING:
    from bot.lifecycle import Lifecycle


def localised(texts: dict[str, str] | None, locale: str) -> str | None:
    """Pick ``locale`` from a ``{nl, en}`` dict (None stays None)."""
    if not texts:
        return None
    return texts.get(locale) or texts.get("nl")


def question_view(q: RoundQuestion, locale: str, current: str | None = None) -> QuestionView:
    """Return one snapshotted question in the reader's language."""
    extra = json.loads(q.extra_json)
    labels = extra.get("labels") or {}
    return QuestionView(
        id=q.question_id,
        kind=q.kind,
        text=q.text_en if locale == "en" else q.text_nl,
        why=localised(extra.get("why"), locale),
        step=extra.get("step", 0),
        step_intro=localised(extra.get("step_intro"), locale),
        low=localised(labels.get("low"), locale),
        high=localised(labels.get("high"), locale),
        options=[
            OptionView(id=o["id"], text=localised(o["text"], locale) or o["id"])
            for o in json.loads(q.options_json)
        ],
        current=current,
    )


def set_texts(lc: Lifecycle, rnd: Round, locale: str) -> tuple[str, str]:
    """Return the title and introduction of a round's question set."""
    try:
        rs = lc.library.round_set(rnd.set_id or rnd.phase.value)
    except KeyError:
        # The library may have dropped a set since this round was planned; keep going.
        label = t(f"round.phase.{rnd.phase.value}", locale)
        return label, label
    return rs.title.get(locale), rs.intro.get(locale)


def round_view(
    lc: Lifecycle,
    rnd: Round,
    team: Team,
    locale: str,
    *,
    answers: dict[str, str] | None = None,
    with_recap: bool = False,
) -> RoundView:
    """Return a round as the channel message, the form, and reminders show it.

    Args:
        lc: The lifecycle (for the store and library).
        rnd: The round.
        team: Its team.
        locale: The reader's language.
        answers: The reader's current answers, to prefill the form.
        with_recap: Include the team's earlier aggregated answers (fresh-up, wrap-up).
    """
    title, intro = set_texts(lc, rnd, locale)
    questions = lc.store.round_questions(rnd.id)
    answered = lc.store.answered_count(rnd.id)
    total = max(lc.store.round_member_count(rnd.id), answered)
    rate = round(100 * answered / total) if total and rnd.status.value == "closed" else None
    recap: list[str] = []
    if with_recap:
        from bot.digest import recap_lines  # local import: digest imports this module

        recap = recap_lines(lc, rnd, team, locale)
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
        recap=recap,
    )
