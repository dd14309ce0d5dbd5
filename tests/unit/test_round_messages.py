"""Round messages promise only what they show: no recap announced when there is none."""

from __future__ import annotations

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.rounds.answering import record_answers
from tests.conftest import make_team
from tests.harness import Bot

PROMISES = ("Eerst zie je", "First you see")


async def test_a_freshup_without_an_earlier_start_promises_no_recap(
    lc: Bot, console: ConsoleAdapter
) -> None:
    make_team(lc, console)
    await lc.start_round("wijk", "freshup", None, lc.core.clock.now())
    [(_, post)] = console.transcript
    assert "Opfrismoment" in post
    assert not any(p in post for p in PROMISES)
    assert "Zo antwoordde het team bij de start" not in post


async def test_a_freshup_after_a_start_shows_the_recap_under_its_heading(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members = make_team(lc, console)
    start = await lc.start_round("wijk", "start", None, clock.now())
    scale = [q for q in lc.store.answers.round_questions(start.id) if q.kind == "scale"]
    for m in members[:4]:
        answers = {q.question_id: "4" for q in scale}
        assert record_answers(lc.core, start.id, m, answers, clock.now(), trusted=True).ok
    clock.set(start.closes_at)
    await lc.reconcile(clock.now())
    await lc.start_round("wijk", "freshup", None, clock.now())
    post = [text for where, text in console.transcript if where == "#wijk"][-1]
    assert "Zo antwoordde het team bij de start:" in post
    assert not any(p in post for p in PROMISES)
