"""The digest of one closed round: counts, medians, texts and pitfall flags, suppressed."""

from __future__ import annotations

from collections import Counter

from bot.core import Core
from bot.digests.aggregate import median, suppressed
from bot.models import Anonymity, Round, Team
from bot.presenters.rounds import question_view, round_view
from bot.questions import SCALE_VALUES, Kind
from prompts.catalog import t
from prompts.views import CellView, DigestView


def round_digest(core: Core, round_id: int, locale: str) -> DigestView:
    """Return the digest of one round in ``locale``.

    Scales get counts per value and a median, choices counts per option, texts the texts
    (with the respondent's name or pseudonym only where the team agreed to that). In an
    anonymous team a question with fewer answers than the threshold shows no numbers.

    Raises:
        KeyError: When the round (or its team) does not exist.
    """
    rnd = core.store.rounds.round(round_id)
    team = core.store.directory.team(rnd.team_id) if rnd else None
    if rnd is None or team is None:
        raise KeyError(round_id)
    threshold = core.settings.suppression_threshold
    rows: dict[str, list[dict[str, str]]] = {}
    for row in core.store.answers.responses(round_id):
        rows.setdefault(row["question_id"], []).append(row)
    cells, flags = [], []
    for q in core.store.answers.round_questions(round_id):
        view = question_view(q, locale)
        answered = rows.get(q.question_id, [])
        values = [r["value"] for r in answered]
        cell = CellView(
            id=q.question_id,
            kind=q.kind.value,
            text=view.text,
            n=len(values),
            suppressed=suppressed(rnd, len(values), threshold),
            pitfall=q.pitfall,
        )
        if not cell.suppressed:
            counts = Counter(values)
            if q.kind is Kind.SCALE:
                cell.counts = [(v, counts.get(v, 0)) for v in SCALE_VALUES]
                cell.median = median(values)
            elif q.kind is Kind.CHOICE:
                cell.counts = [(o.text, counts.get(o.id, 0)) for o in view.options]
            else:
                cell.texts = [_attributed(core, r, rnd, team) for r in answered]
            # The library names the answers that point to a pitfall; half of the team giving
            # one of them is worth a coach's attention.
            hits = sum(1 for v in values if q.signals_pitfall(v))
            cell.flagged = bool(q.pitfall and values and hits * 2 >= len(values))
        if cell.flagged and cell.pitfall:
            flags.append(_pitfall_title(core, cell.pitfall, locale))
        cells.append(cell)
    return DigestView(
        round=round_view(core, rnd, team, locale), cells=cells, threshold=threshold, flags=flags
    )


def _pitfall_title(core: Core, pitfall: str, locale: str) -> str:
    found = core.library.pitfalls.get(pitfall)
    return found.title.get(locale) if found else t("digest.pitfall_other", locale)


def _attributed(core: Core, row: dict[str, str], rnd: Round, team: Team) -> str:
    who = row.get("respondent")
    if rnd.anonymity is Anonymity.ANONYMOUS or not who:
        return row["value"]
    if rnd.anonymity is Anonymity.NAMED:
        member = core.store.people.member_by_user(team.platform, who)
        who = (member.display_name if member else None) or who
    return f"{who}: {row['value']}"
