"""Forms on every surface: untouched answers stay, clearing is explicit, options by word."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.messages import Actor, AnswersSubmitted, FormRequested, Reply
from bot.models import Round, RoundQuestion
from bot.questions import Kind
from tests.conftest import make_team
from tests.harness import Bot


async def _open(lc: Bot, console: ConsoleAdapter, locale: str = "nl") -> tuple[Round, list[Actor]]:
    members = make_team(lc, console, anonymity="named")
    if locale != "nl":
        lc.store.directory.update_team("wijk", locale=locale)
    rnd = await lc.start_round("wijk", "start", None, lc.core.clock.now())
    return rnd, members


def _questions(lc: Bot, rnd: Round) -> dict[Kind, list[RoundQuestion]]:
    out: dict[Kind, list[RoundQuestion]] = {}
    for q in lc.store.answers.round_questions(rnd.id):
        out.setdefault(q.kind, []).append(q)
    return out


def _full(lc: Bot, rnd: Round) -> dict[str, str]:
    answers = {}
    for q in lc.store.answers.round_questions(rnd.id):
        if q.kind is Kind.SCALE:
            answers[q.question_id] = "4"
        elif q.kind is Kind.CHOICE:
            answers[q.question_id] = q.option_ids()[0]
        else:
            answers[q.question_id] = f"antwoord op {q.question_id}"
    return answers


async def _submit(
    lc: Bot, who: Actor, rnd: Round, answers: dict[str, str], cleared: list[str] | None = None
) -> Reply:
    # As a client does: open the form first; its signed round id comes back with the answers.
    form = await lc.door.handle(FormRequested(actor=who, round_id=rnd.id))
    event = AnswersSubmitted(
        actor=who,
        round_id=rnd.id,
        answers=answers,
        cleared=cleared or [],
        form_token=form.form_token,
    )
    reply = await lc.door.handle(event)
    await lc.door.drain()
    return reply


def _stored(lc: Bot, rnd: Round) -> dict[str, str]:
    return {r["question_id"]: r["value"] for r in lc.store.answers.responses(rnd.id)}


async def test_an_edit_keeps_every_answer_it_does_not_touch(
    lc: Bot, console: ConsoleAdapter
) -> None:
    rnd, members = await _open(lc, console)
    full = _full(lc, rnd)
    assert (await _submit(lc, members[0], rnd, full)).ok
    scale = _questions(lc, rnd)[Kind.SCALE][0].question_id
    # Only one field changed; the others come back absent or empty (Enter in the chat).
    blanks = {qid: "" for qid in full if qid != scale}
    reply = await _submit(lc, members[0], rnd, {scale: "2", **blanks})
    assert reply.ok and reply.message is not None and "bijgewerkt" in reply.message.text
    assert _stored(lc, rnd) == {**full, scale: "2"}


async def test_only_the_answers_cleared_on_purpose_are_removed(
    lc: Bot, console: ConsoleAdapter
) -> None:
    rnd, members = await _open(lc, console)
    full = _full(lc, rnd)
    await _submit(lc, members[0], rnd, full)
    text = _questions(lc, rnd)[Kind.TEXT][0].question_id
    reply = await _submit(lc, members[0], rnd, {}, cleared=[text])
    assert reply.ok
    assert _stored(lc, rnd) == {qid: v for qid, v in full.items() if qid != text}


async def test_submitting_nothing_new_says_nothing_changed_and_keeps_all(
    lc: Bot, console: ConsoleAdapter
) -> None:
    rnd, members = await _open(lc, console)
    full = _full(lc, rnd)
    await _submit(lc, members[0], rnd, full)
    reply = await _submit(lc, members[0], rnd, {})
    assert reply.ok and reply.message is not None
    assert "niets veranderd" in reply.message.text
    assert _stored(lc, rnd) == full
    nothing = await _submit(lc, members[1], rnd, {})
    assert not nothing.ok  # a first submission with no answer at all is still refused


async def test_option_words_work_in_the_teams_language_as_well_as_numbers(
    lc: Bot, console: ConsoleAdapter
) -> None:
    rnd, members = await _open(lc, console, "en")
    choices = {q.question_id: q for q in _questions(lc, rnd)[Kind.CHOICE]}
    grenzen, ontbreekt = choices["tussentafel.grenzen"], choices["territorium.wie-ontbreekt"]
    words = {grenzen.question_id: "time", ontbreekt.question_id: "Yes"}
    reply = await _submit(lc, members[0], rnd, words)
    assert reply.ok, reply.errors
    assert _stored(lc, rnd) == {grenzen.question_id: "tijd", ontbreekt.question_id: "ja"}
    await _submit(lc, members[1], rnd, {grenzen.question_id: "3", ontbreekt.question_id: "NEE"})
    values = sorted(r["value"] for r in lc.store.answers.responses(rnd.id))
    assert values == ["ja", "nee", "territorium", "tijd"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2", "tijd"),
        ("tijd", "tijd"),
        ("TIJD", "tijd"),
        ("Time", "tijd"),
        ("time: deadlines, planning and rhythm", "tijd"),
        ("Tijd: termijnen, planning en ritme", "tijd"),
        ("all four", "alle-helder"),
        ("ti", "ti"),  # not a whole word of any option: left for the check to refuse
        ("9", "9"),
    ],
)
async def test_normalise_accepts_ids_numbers_and_words_in_both_languages(
    lc: Bot, console: ConsoleAdapter, typed: str, stored: str
) -> None:
    rnd, _ = await _open(lc, console)
    grenzen = next(
        q for q in _questions(lc, rnd)[Kind.CHOICE] if q.question_id == "tussentafel.grenzen"
    )
    assert grenzen.normalise(typed) == stored


async def test_an_invalid_answer_names_the_reason_never_the_question_id_and_stores_nothing(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    rnd, members = await _open(lc, console)
    qs = _questions(lc, rnd)
    scale, choice = qs[Kind.SCALE][0].question_id, qs[Kind.CHOICE][0].question_id
    reply = await _submit(lc, members[0], rnd, {scale: "7", choice: "misschien wel"})
    assert not reply.ok
    assert "1 tot en met 5" in reply.errors[scale] and "opties" in reply.errors[choice]
    assert reply.message is not None and scale not in reply.message.text
    assert _stored(lc, rnd) == {}
