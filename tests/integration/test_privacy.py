"""Privacy: answer text never reaches the logs; tokens are masked."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.logs import PrivacyFilter
from bot.rounds.answering import record_answers
from tests.conftest import make_team
from tests.fakes.specs import specs_dir_fixture  # noqa: F401
from tests.fakes.teams_activities import fill
from tests.fakes.teams_world import CHANNEL, COACH, MEMBERS, teams_world
from tests.harness import Bot

SECRET_TEXT = "Mijn geheime mening over Karel"


async def test_no_answer_text_in_logs_through_a_whole_round(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    members = make_team(lc, console, anonymity="named")
    rnd = await lc.start_round("wijk", "start", None, clock.now())
    questions = lc.store.answers.round_questions(rnd.id)
    text_q = next(q.question_id for q in questions if q.kind == "text")
    for m in members:
        assert record_answers(
            lc.core, rnd.id, m, {text_q: SECRET_TEXT}, clock.now(), trusted=True
        ).ok
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    # The digest really carried the text, so the check below is not vacuous.
    assert any(SECRET_TEXT in text for _, text in console.transcript)
    assert caplog.records
    assert SECRET_TEXT not in caplog.text
    assert "Persoon 1" not in caplog.text  # nor the names of the people who answered


def test_tokens_are_masked() -> None:
    record = logging.LogRecord(
        "adapters.slack", logging.ERROR, __file__, 1, "call failed: %s", ("xoxb-123-abc",), None
    )
    PrivacyFilter().filter(record)
    assert "xoxb" not in record.getMessage() and "[redacted]" in record.getMessage()


def test_a_third_party_record_keeps_its_template_but_never_its_values() -> None:
    record = logging.LogRecord(
        "slack_sdk.web", logging.WARNING, __file__, 1, "sent %s", ({"text": SECRET_TEXT},), None
    )
    PrivacyFilter().filter(record)
    assert SECRET_TEXT not in record.getMessage() and record.getMessage().startswith("sent %s")


def test_a_traceback_is_logged_as_its_type_and_line_only() -> None:
    try:
        raise ValueError(f"bad value {SECRET_TEXT}")
    except ValueError:
        record = logging.LogRecord(
            "bot.rounds", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    PrivacyFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert SECRET_TEXT not in formatted and "Traceback" not in formatted
    assert "ValueError at integration/test_privacy.py" in formatted


async def test_forget_erases_linked_answers_roles_and_membership(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock, tmp_path
) -> None:
    from bot.settings import Settings
    from tests.harness import make_bot

    path = tmp_path / "f.db"
    file_lc = make_bot(path, Settings(env="test"), clock, {"console": console})
    members = make_team(file_lc, console, anonymity="named")
    rnd = await file_lc.start_round("wijk", "start", None, clock.now())
    text_q = next(
        q.question_id for q in file_lc.store.answers.round_questions(rnd.id) if q.kind == "text"
    )
    for m in members[:3]:
        record_answers(
            file_lc.core,
            rnd.id,
            m,
            {text_q: f"antwoord van {m.user_id}"},
            clock.now(),
            trusted=True,
        )
    clock.set(rnd.closes_at)
    await file_lc.reconcile(clock.now())
    digest = dict(console.transcript)["@coach"]
    assert "Persoon 1: antwoord van p1" in digest  # named teams show names, looked up now
    from typer.testing import CliRunner

    from bot.app.cli import app

    result = CliRunner().invoke(app, ["forget", "--db", str(path), "--user", "console:p1"])
    assert result.exit_code == 0, result.output
    # Singular and plural are right: one answer, one team membership.
    assert "1 antwoord," in result.output and "1 teamlidmaatschap " in result.output
    values = {r["value"] for r in file_lc.store.db.query("SELECT value FROM response")}
    assert values == {"antwoord van p2", "antwoord van p3"}
    assert file_lc.store.people.member_by_user("console", "p1") is None
    again = CliRunner().invoke(app, ["forget", "--db", str(path), "--user", "console:p1"])
    assert again.exit_code == 2 and "niet bekend" in again.output


async def test_no_answer_text_or_name_in_logs_through_a_whole_teams_round(
    specs_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with teams_world(specs_dir) as teams:
        await teams.command("start")
        await teams.command("rol coach @Cas Coach", mentions=[teams.person(COACH)])
        rnd = teams.open_round()
        card = teams.connector.post(CHANNEL, rnd.message_id or "").card or {}
        for aad in MEMBERS:
            await teams.press(
                "reflectie.answer", fill(card, text=SECRET_TEXT), aad, rnd.message_id or ""
            )
        teams.clock.set(rnd.closes_at)
        await teams.lc.reconcile(teams.clock.now())
        digests = [p for p in teams.connector.personal_posts(COACH) if SECRET_TEXT in p.text]
        assert digests, "the coach's digest really carried the text"
    assert caplog.records
    assert SECRET_TEXT not in caplog.text
    assert "Lid 1" not in caplog.text and "Cas Coach" not in caplog.text
