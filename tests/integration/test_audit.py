"""The audit log: who planned, started, stopped, changed, read a digest, exported or forgot."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from adapters.console import ConsoleAdapter
from bot.app.cli import app
from bot.clock import ManualClock
from bot.messages import Actor
from bot.rounds.answering import record_answers
from bot.settings import Settings
from tests.conftest import make_team
from tests.harness import Bot, make_bot
from tests.integration.test_commands_flow import COACH, MANAGER, PLAN, say

SECRET = "Onze wethouder weet van niets"


async def test_each_command_that_changes_or_discloses_is_logged_with_who_and_when_only(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members = make_team(lc, console, anonymity="named")
    await say(lc, MANAGER, PLAN)
    await say(lc, MANAGER, "start")
    rnd = lc.store.rounds.open_round_of("wijk")
    assert rnd is not None
    text_q = next(
        q.question_id for q in lc.store.answers.round_questions(rnd.id) if q.kind == "text"
    )
    record_answers(lc.core, rnd.id, members[0], {text_q: SECRET}, clock.now(), trusted=True)
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())  # the scheduler closes it: no person acted
    await say(lc, COACH, "digest")
    await say(lc, MANAGER, "start")
    await say(lc, MANAGER, "stop")  # only asks: nothing to log yet
    await say(lc, MANAGER, "stop ja")
    await say(lc, MANAGER, "rol coach @p2", mentions={"@p2": members[1]})
    await say(lc, MANAGER, "instellingen bewaartermijn 90 drempel 4")
    await say(lc, MANAGER, "instellingen")  # only shows
    await say(lc, members[2], "start")  # refused: nothing happened, nothing logged
    entries = lc.store.audit.entries()
    assert [(e["actor"], e["action"]) for e in entries] == [
        ("console:mgr", "plan"),
        ("console:mgr", "start"),
        ("console:coach", "digest"),
        ("console:mgr", "start"),
        ("console:mgr", "stop"),
        ("console:mgr", "grant_role"),
        ("console:mgr", "settings"),
    ]
    assert all(e["team_id"] == "wijk" for e in entries)
    assert entries[-1]["at"] == clock.now().isoformat()
    assert entries[-2]["detail"] == "coach console:p2"
    assert entries[-1]["detail"] == "retention_days=90,suppression_threshold=4"
    assert SECRET not in json.dumps(entries), "never content"


async def test_a_forgotten_person_disappears_from_the_entries_that_named_them(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = make_team(lc, console)
    await say(lc, MANAGER, "rol manager @p1", mentions={"@p1": members[0]})
    await say(lc, members[0], "instellingen dagen 3")
    await say(lc, members[0], "vergeet mij ja")
    dumped = json.dumps(lc.store.audit.entries())
    assert "p1" not in dumped
    actions = [(e["actor"], e["action"]) for e in lc.store.audit.entries()]
    assert actions == [
        ("console:mgr", "grant_role"),
        ("forgotten", "settings"),
        ("forgotten", "forget"),
    ]


async def _file_with_a_round(tmp_path: Path, clock: ManualClock, console: ConsoleAdapter) -> Path:
    path = tmp_path / "a.db"
    bot = make_bot(path, Settings(env="test"), clock, {"console": console})
    members = make_team(bot, console, anonymity="anonymous")
    await say(bot, MANAGER, "start")
    rnd = bot.store.rounds.open_round_of("wijk")
    assert rnd is not None
    scale_q = next(
        q.question_id for q in bot.store.answers.round_questions(rnd.id) if q.kind == "scale"
    )
    for m in members[:2]:  # fewer than the threshold of 3
        record_answers(bot.core, rnd.id, m, {scale_q: "4"}, clock.now(), trusted=True)
    clock.set(rnd.closes_at)
    await bot.reconcile(clock.now())
    bot.store.close()
    return path


async def test_cli_audit_prints_json_and_a_table_and_filters_by_day(
    tmp_path: Path, clock: ManualClock, console: ConsoleAdapter
) -> None:
    path = await _file_with_a_round(tmp_path, clock, console)
    runner = CliRunner()
    raw = runner.invoke(app, ["audit", "--db", str(path), "--format", "json"])
    assert raw.exit_code == 0, raw.output
    [entry] = json.loads(raw.stdout)
    assert entry["actor"] == "console:mgr" and entry["action"] == "start"
    assert set(entry) == {"at", "actor", "action", "team_id", "detail"}
    table = runner.invoke(app, ["audit", "--db", str(path)])
    assert table.exit_code == 0 and "console:mgr" in table.stdout and "start" in table.stdout
    later = runner.invoke(app, ["audit", "--db", str(path), "--since", "2099-01-01"])
    assert later.exit_code == 0 and "leeg" in later.stdout
    bad = runner.invoke(app, ["audit", "--db", str(path), "--since", "gisteren"])
    assert bad.exit_code == 2 and "gisteren" in bad.output
    fmt = runner.invoke(app, ["audit", "--db", str(path), "--format", "xml"])
    assert fmt.exit_code == 2 and "table" in fmt.output


async def test_cli_export_withholds_small_anonymous_groups_unless_raw_which_is_audited(
    tmp_path: Path, clock: ManualClock, console: ConsoleAdapter
) -> None:
    path = await _file_with_a_round(tmp_path, clock, console)
    runner = CliRunner()
    plain = runner.invoke(app, ["export", "--db", str(path), "--format", "json"])
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout) == [], "two answers are below the threshold of three"
    raw = runner.invoke(app, ["export", "--db", str(path), "--format", "json", "--raw"])
    records = json.loads(raw.stdout)
    assert len(records) == 2
    assert all(r["respondent"] is None and r["answered_at"] is None for r in records)
    audit = json.loads(runner.invoke(app, ["audit", "--db", str(path), "--format", "json"]).stdout)
    # The command line writes the real time; the round above ran on the test clock.
    assert [e["action"] for e in audit if e["actor"] == "cli"] == ["export", "export_raw"]


async def test_cli_forget_and_data_are_audited_without_the_person(
    tmp_path: Path, clock: ManualClock, console: ConsoleAdapter
) -> None:
    path = await _file_with_a_round(tmp_path, clock, console)
    runner = CliRunner()
    data = runner.invoke(app, ["data", "--db", str(path), "--user", "console:p1"])
    assert data.exit_code == 0, data.output
    found = json.loads(data.stdout)
    assert found["member"]["user_id"] == "p1" and found["answers"] == []
    gone = runner.invoke(app, ["forget", "--db", str(path), "--user", "console:p1"])
    assert gone.exit_code == 0, gone.output
    audit = runner.invoke(app, ["audit", "--db", str(path), "--format", "json"]).stdout
    assert [e["action"] for e in json.loads(audit) if e["actor"] == "cli"] == ["data", "forget"]
    assert "p1" not in audit
    unknown = runner.invoke(app, ["data", "--db", str(path), "--user", "console:p1"])
    assert unknown.exit_code == 2 and "niet bekend" in unknown.output


def test_the_demo_database_has_its_events_in_the_audit_log(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "demo"
    assert runner.invoke(app, ["demo", "--quiet", "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["audit", "--db", str(out / "reflectiebot.db"), "--format", "json"])
    assert result.exit_code == 0, result.output
    actions = [(e["actor"], e["action"]) for e in json.loads(result.stdout)]
    assert ("console:pm", "plan") in actions and ("console:coach", "digest") in actions
    assert ("demo", "export") in actions


async def test_people_outside_the_coach_and_manager_roles_cannot_read_the_digest(
    lc: Bot, console: ConsoleAdapter
) -> None:
    make_team(lc, console)
    member = Actor(platform="console", user_id="p1", display_name="Persoon 1")
    reply = await say(lc, member, "digest")
    assert not reply.ok and reply.public is None and reply.message is not None
    assert "coaches en managers" in reply.message.text
    assert lc.store.audit.entries() == []
