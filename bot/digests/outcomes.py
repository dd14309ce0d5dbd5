"""What an exercise's steps produced: the earlier steps a later one shows, and its agreement."""

from __future__ import annotations

from bot.core import Core
from bot.digests.aggregate import counts_by_question, suppressed, threshold_of
from bot.digests.stats import scale_counts, scale_stats, tops
from bot.models import AgreementItem, Round, RoundQuestion, RoundStatus, Team
from bot.presenters.digest import number
from bot.questions import Kind, Text

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
    earlier = [
        r for r in run_of(core, rnd) if r.id != rnd.id and r.status is RoundStatus.CLOSED
    ]
    wanted = [q.question_id for r in earlier for q in core.store.answers.round_questions(r.id)]
    return outcome_items(core, earlier, team, wanted)


def is_last_step(core: Core, rnd: Round) -> bool:
    """Return whether ``rnd`` asks the last step of its exercise."""
    try:
        return rnd.step == len(core.library.round_set(rnd.set_id or "").steps)
    except KeyError:
        return False
