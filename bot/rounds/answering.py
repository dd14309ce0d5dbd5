"""Validate and record answers; anonymity is applied here, in what is stored."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import Core
from bot.messages import Actor
from bot.models import Anonymity, Member, Round, RoundStatus
from bot.questions import MAX_TEXT, AnswerProblem
from bot.rounds.access import member_in, valid_token
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


def problem_text(problem: AnswerProblem, value: str, locale: str) -> str:
    """Return why ``value`` is no answer, in words (the same on every surface)."""
    return t(f"answer.{problem.value}", locale, length=len(value), max=MAX_TEXT)


def record_answers(
    core: Core,
    round_id: int,
    actor: Actor,
    answers: dict[str, str],
    now: datetime,
    form_token: str | None = None,
    *,
    cleared: Iterable[str] = (),
    trusted: bool = False,
) -> AnswerOutcome:
    """Validate and store one person's answers to an open round, atomically.

    Only a person of the round's conversation may answer, with the signed form of that round;
    a refusal stores nothing at all (not even the person's name). A question left out (or
    left empty) keeps its earlier answer; only the ``cleared`` ones lose it, since clearing
    is an explicit choice. Values are normalised first (an option's number or words become
    its id). In an anonymous team no respondent and no time are stored; the
    edit key stops linking once the round closes.

    Args:
        core: The wired context.
        round_id: The round answered.
        actor: Who answers.
        answers: Raw values keyed by question id.
        now: The moment of submission.
        form_token: The signed round id the form carried.
        cleared: Questions whose earlier answer the person removes.
        trusted: The caller is a composition root acting for a person it knows (tests that
            drive the core directly): no form token is needed.
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
    member = member_in(core, rnd, team, known)
    if member is None:
        return AnswerOutcome(False, t("answer.not_member", locale, team=team.name))
    secret = store.rounds.secret(round_id) or ""
    questions = {q.question_id: q for q in store.answers.open_round_questions(round_id, secret)}
    raw = {qid: v.strip() for qid, v in answers.items() if v is not None and v.strip()}
    errors = {
        qid: t("answer.unknown_question", locale)
        for qid in [*raw, *cleared]
        if qid not in questions
    }
    given = {qid: questions[qid].normalise(v) for qid, v in raw.items() if qid in questions}
    for qid, value in given.items():
        if problem := questions[qid].problem(value):
            errors[qid] = problem_text(problem, value, locale)
    if errors:
        return AnswerOutcome(False, next(iter(errors.values())), errors)
    key = edit_key(secret, member.id)
    earlier = store.answers.answers_by_key(round_id, key)
    removed = [qid for qid in dict.fromkeys(cleared) if qid in earlier and qid not in given]
    if not given and not removed:
        key_name = "answer.unchanged" if earlier else "answer.empty"
        return AnswerOutcome(bool(earlier), t(key_name, locale))
    # An anonymous answer keeps no time at all: even its day could single a person out.
    stamp = None if rnd.anonymity is Anonymity.ANONYMOUS else iso(now)
    # One transaction: the answers, the person's name and their answer status, or nothing.
    with store.atomic():
        member = store.people.upsert_member(actor, seen=now, known=member)
        respondent = {
            Anonymity.NAMED: actor.user_id,  # stable; names are looked up when shown
            Anonymity.PSEUDONYMOUS: store.people.pseudonym(team.id, member.id),
            Anonymity.ANONYMOUS: None,
        }[rnd.anonymity]
        rows = [
            {
                "id": store.answers.new_response_id(),
                "question_id": qid,
                "respondent": respondent,
                "value": value,
                "answered_at": earlier[qid]["answered_at"] if qid in earlier else stamp,
                "edited_at": stamp if qid in earlier else None,
            }
            for qid, value in given.items()
        ]
        store.answers.save_answers(
            round_id, member.id, key, rows, removed, stamp[:10] if stamp else None
        )
    when = format_moment(rnd.closes_at, ZoneInfo(team.timezone), locale)
    key_name = "answer.updated" if earlier else "answer.saved"
    return AnswerOutcome(True, t(key_name, locale, when=when), updated=bool(earlier))
