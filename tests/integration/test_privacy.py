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


async def test_forget_erases_linked_answers_roles_and_membership(
    lc: Lifecycle, console: ConsoleAdapter, clock: ManualClock, tmp_path
) -> None:
    from bot.db import open_db
    from bot.settings import Settings

    path = tmp_path / "f.db"
    file_lc = Lifecycle(open_db(path), Settings(env="test"), clock, ports={"console": console})
    members = make_team(file_lc, console, anonymity="named")
    rnd = await file_lc.start_round("wijk", "start", None, clock.now())
    text_q = next(q.question_id for q in file_lc.store.round_questions(rnd.id) if q.kind == "text")
    for m in members[:3]:
        record_answers(file_lc, rnd.id, m, {text_q: f"antwoord van {m.user_id}"}, clock.now())
    clock.set(rnd.closes_at)
    await file_lc.reconcile(clock.now())
    digest = dict(console.transcript)["#wijk ↳"]
    assert "Persoon 1: antwoord van p1" in digest  # named teams show names, looked up now
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(app, ["forget", "--db", str(path), "--user", "console:p1"])
    assert result.exit_code == 0, result.output
    assert "1 antwoorden" in result.output
    values = {r["value"] for r in file_lc.db.query("SELECT value FROM response")}
    assert values == {"antwoord van p2", "antwoord van p3"}
    assert file_lc.directory.member_by_user("console", "p1") is None
    again = CliRunner().invoke(app, ["forget", "--db", str(path), "--user", "console:p1"])
    assert again.exit_code == 2 and "niet bekend" in again.output
