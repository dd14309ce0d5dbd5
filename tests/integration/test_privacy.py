"""Privacy: answer text never reaches the logs; tokens are masked."""

from __future__ import annotations

import logging

import pytest

from adapters.console import ConsoleAdapter
from bot.answers import record_answers
from bot.clock import ManualClock
from bot.lifecycle import Lifecycle
from bot.logs import RedactSecrets
from tests.conftest import make_team

SECRET_TEXT = "Mijn geheime mening over Karel"


async def test_no_answer_text_in_logs_through_a_whole_round(
    lc: Lifecycle, console: ConsoleAdapter, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    members = make_team(lc, console, anonymity="named")
    rnd = await lc.start_round("wijk", "start", None, clock.now())
    questions = lc.store.round_questions(rnd.id)
    text_q = next(q.question_id for q in questions if q.kind == "text")
    for m in members:
        assert record_answers(lc, rnd.id, m, {text_q: SECRET_TEXT}, clock.now()).ok
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    # The digest really carried the text, so the check below is not vacuous.
    assert any(SECRET_TEXT in text for _, text in console.transcript)
    assert caplog.records
    assert SECRET_TEXT not in caplog.text
    assert "Persoon 1" not in caplog.text  # nor the names of the people who answered


def test_tokens_are_masked() -> None:
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "call failed: %s", ("xoxb-123-abc",), None
    )
    RedactSecrets().filter(record)
    assert "xoxb" not in record.getMessage() and "[redacted]" in record.getMessage()
