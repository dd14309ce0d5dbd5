"""The answer form in `reflectiebot chat`: one question at a time, checked at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.interactions import Interactions
from bot.messages import Actor, AnswersSubmitted, FormRequested
from bot.rounds.answering import current_answers, problem_text
from prompts.catalog import t

CLEAR = "-"
Ask = Callable[[str], Awaitable[str]]
Say = Callable[[str], None]


async def fill_in(
    door: Interactions, me: Actor, round_id: int, locale: str, ask: Ask, say: Say
) -> None:
    """Show a round's form, ask each question, and submit what the person gave.

    Enter keeps the current answer (or skips a question), ``-`` clears it on purpose, and an
    answer the question does not accept is asked again at once with the reason, so nothing
    typed so far is lost. The core checks everything again when it is submitted.

    Args:
        door: The core's door.
        me: Who answers.
        round_id: The open round.
        locale: The team's language, for the chat's own lines.
        ask: Reads one line after a prompt.
        say: Prints one message.
    """
    reply = await door.handle(FormRequested(actor=me, round_id=round_id))
    if reply.form is None:
        say(reply.message.text if reply.message else "")
        return
    say(reply.form.text)
    store = door.core.store
    questions = store.answers.round_questions(round_id)
    rnd, member = store.rounds.round(round_id), store.people.member_by_user(me.platform, me.user_id)
    earlier = current_answers(door.core, rnd, member) if rnd and member else {}
    say(t("answer.keep_or_clear" if earlier else "chat.form_hint", locale))
    answers: dict[str, str] = {}
    cleared: list[str] = []
    for n, q in enumerate(questions, start=1):
        while True:
            typed = (await ask(f"{n}> ")).strip()
            if not typed:
                break
            if typed == CLEAR:
                cleared.append(q.question_id)
                break
            value = q.normalise(typed)
            problem = q.problem(value)
            if problem is None:
                answers[q.question_id] = value
                break
            say(t("chat.try_again", locale, n=n, problem=problem_text(problem, value, locale)))
    result = await door.handle(
        AnswersSubmitted(
            actor=me,
            round_id=round_id,
            answers=answers,
            cleared=cleared,
            form_token=reply.form_token,
        )
    )
    await door.drain()
    if result.errors:
        number = {q.question_id: n for n, q in enumerate(questions, start=1)}
        for qid, text in result.errors.items():
            say(t("chat.question_problem", locale, n=number.get(qid, "?"), problem=text))
    elif result.message:
        say(result.message.text)
