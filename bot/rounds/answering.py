"""Validate and record answers; anonymity is applied here, in what is stored."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import Core
from bot.messages import Actor
from bot.models import Anonymity, Member, Round, RoundStatus
from bot.questions import MAX_TEXT, AnswerProblem
from bot.rounds.access import member_of, valid_token
from bot.storage.db import iso
from prompts.catalog import norm_locale, t
from prompts.schedule_text import format_moment


@dataclass
class AnswerOutcome:
    """The result of a submission: a message for the person, or errors per question."""

    ok: bool
    message: str
    errors: dict[str, str] = field(default_factory=dict)
    updated: bool = False


def edit_key(secret: str, member_id: int) -> str:
    """Return the key that lets a person find their own answers while the round is open."""
    return hmac.new(secret.encode(), str(member_id).encode(), hashlib.sha256).hexdigest()


def current_answers(core: Core, rnd: Round, member: Member) -> dict[str, str]:
    """Return a person's own answers to an open round (empty when closed)."""
    secret = core.store.rounds.secret(rnd.id)
    if rnd.status is not RoundStatus.OPEN or not secret:
        return {}
    found = core.store.answers.answers_by_key(rnd.id, edit_key(secret, member.id))
    return {qid: row["value"] for qid, row in found.items()}


def _refusal(rnd: Round | None, now: datetime, locale: str) -> str | None:
    if rnd is None or rnd.status is RoundStatus.CANCELLED:
        return t("answer.unknown_round", locale)
    if rnd.status is RoundStatus.PLANNED:
        return t("answer.not_open", locale)
    if rnd.status is not RoundStatus.OPEN or now >= rnd.closes_at:
        return t("answer.closed", locale)
    return None


def _problem_text(problem: AnswerProblem, value: str, locale: str) -> str:
    return t(f"answer.{problem.value}", locale, length=len(value), max=MAX_TEXT)


def record_answers(
    core: Core,
    round_id: int,
    actor: Actor,
    answers: dict[str, str],
    now: datetime,
    form_token: str | None = None,
    *,
    trusted: bool = False,
) -> AnswerOutcome:
    """Validate and store one person's answers to an open round, atomically.

    Only a person of the round's conversation may answer, with the signed form of that round;
    a refusal stores nothing at all (not even the person's name). Empty values clear an
    earlier answer. In an anonymous team no respondent is stored and times are kept to the
    day; the edit key stops linking once the round closes.

    Args:
        core: The wired context.
        round_id: The round answered.
        actor: Who answers.
        answers: Raw values keyed by question id.
        now: The moment of submission.
        form_token: The signed round id the form carried.
        trusted: The caller is a composition root acting for a person it knows (the demo, the
            console chat): no form token is needed.
    """
    store = core.store
    rnd = store.rounds.round(round_id)
    team = store.directory.team(rnd.team_id) if rnd else None
    known = store.people.member_by_user(actor.platform, actor.user_id)
    locale = norm_locale(
        actor.locale or (known.locale if known else None) or (team.locale if team else None)
    )
    if rnd is None or team is None or not (trusted or valid_token(core, rnd, team, form_token)):
        return AnswerOutcome(False, t("answer.unknown_round", locale))
    refusal = _refusal(rnd, now, locale)
    if refusal:
        return AnswerOutcome(False, refusal)
    if member_of(core, rnd, team, actor) is None:
        return AnswerOutcome(False, t("answer.not_member", locale, team=team.name))
    questions = {q.question_id: q for q in store.answers.round_questions(round_id)}
    given = {qid: v.strip() for qid, v in answers.items() if v is not None and v.strip()}
    errors = {qid: t("answer.unknown_question", locale) for qid in given if qid not in questions}
    for qid, value in given.items():
        if qid in questions and (problem := questions[qid].problem(value)):
            errors[qid] = _problem_text(problem, value, locale)
    if errors:
        return AnswerOutcome(False, next(iter(errors.values())), errors)
    assert known is not None  # member_of found them
    key = edit_key(store.rounds.secret(round_id) or "", known.id)
    earlier = store.answers.answers_by_key(round_id, key)
    if not given and not earlier:
        return AnswerOutcome(False, t("answer.empty", locale))
    anonymous = rnd.anonymity is Anonymity.ANONYMOUS
    stamp = now.date().isoformat() if anonymous else iso(now)
    cleared = [qid for qid in earlier if qid not in given]
    # One transaction: the answers, the person's name and their answer status, or nothing.
    with store.atomic():
        member = store.people.upsert_member(actor)
        respondent = {
            Anonymity.NAMED: actor.user_id,  # stable; names are looked up when shown
            Anonymity.PSEUDONYMOUS: store.people.pseudonym(team.id, member.id),
            Anonymity.ANONYMOUS: None,
        }[rnd.anonymity]
        rows = [
            {
                "id": str(uuid.uuid4()),
                "question_id": qid,
                "respondent": respondent,
                "value": value,
                "answered_at": earlier[qid]["answered_at"] if qid in earlier else stamp,
                "edited_at": stamp if qid in earlier else None,
            }
            for qid, value in given.items()
        ]
        store.answers.save_answers(round_id, member.id, key, rows, cleared, stamp[:10])
    when = format_moment(rnd.closes_at, ZoneInfo(team.timezone), locale)
    key_name = "answer.updated" if earlier else "answer.saved"
    return AnswerOutcome(True, t(key_name, locale, when=when), updated=bool(earlier))
