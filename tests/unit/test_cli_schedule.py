"""`reflectiebot schedule preview`: JSON with local offsets, a table, and clear errors."""

from __future__ import annotations

import importlib.util
import json
import os

import pytest
import typer
from typer.testing import CliRunner

from bot.app.schedule_cmd import schedule_app


def _app() -> typer.Typer:
    # The real composition root once it exists; until then a parent like the one it builds.
    if importlib.util.find_spec("bot.cli") is not None:
        from bot.app.cli import app

        return app
    parent = typer.Typer()
    parent.add_typer(schedule_app, name="schedule")
    return parent


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("REFLECTIEBOT_") or name.startswith("SLACK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COLUMNS", "160")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_app(), ["schedule", "preview", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_has_local_offsets_and_the_design_example() -> None:
    code, out, err = run("--start", "2026-12-25", "--end", "2027-05-28", "--format", "json")
    assert code == 0, err
    rounds = json.loads(out)
    assert [r["phase"] for r in rounds] == ["start", "freshup", "wrapup"]
    start = rounds[0]
    assert start == {
        "phase": "start",
        "seq": 0,
        "planned": "2026-12-25",
        "opens_at": "2026-12-28T09:30:00+01:00",
        "remind_at": "2027-01-04T09:30:00+01:00",
        "closes_at": "2027-01-04T17:00:00+01:00",
    }
    # The wrap-up falls in summer time.
    assert rounds[2]["opens_at"] == "2027-05-28T09:30:00+02:00"


def test_json_with_freshups_zone_and_open_days() -> None:
    code, out, _ = run(
        "--start", "2027-01-11", "--end", "2027-05-28",
        "--freshup", "2027-03-15", "--freshup", "2027-02-08",
        "--tz", "America/Curacao", "--open-days", "3", "--format", "json",
    )  # fmt: skip
    assert code == 0
    rounds = json.loads(out)
    assert [(r["phase"], r["seq"]) for r in rounds] == [
        ("start", 0),
        ("freshup", 0),
        ("freshup", 1),
        ("wrapup", 0),
    ]
    assert rounds[1]["planned"] == "2027-02-08"
    assert rounds[0]["opens_at"] == "2027-01-11T09:30:00-04:00"
    assert rounds[0]["closes_at"] == "2027-01-13T17:00:00-04:00"


def test_settings_provide_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECTIEBOT_OPEN_TIME", "10:00")
    monkeypatch.setenv("REFLECTIEBOT_ROUND_WORKING_DAYS", "2")
    monkeypatch.setenv("REFLECTIEBOT_EXTRA_CLOSED_DAYS", "2027-01-11")
    code, out, _ = run("--start", "2027-01-11", "--end", "2027-05-28", "--format", "json")
    assert code == 0
    start = json.loads(out)[0]
    assert start["opens_at"] == "2027-01-12T10:00:00+01:00"
    assert start["closes_at"] == "2027-01-13T17:00:00+01:00"


def test_table_shows_local_times_in_dutch() -> None:
    code, out, _ = run("--start", "2026-12-25", "--end", "2027-05-28")
    assert code == 0
    assert "Geplande rondes (Europe/Amsterdam, 5 werkdagen open)" in out
    assert "ma 28 dec 2026, 09:30" in out
    assert "opfrismoment 1" in out and "afronding" in out


def test_table_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECTIEBOT_LOCALE", "en")
    code, out, _ = run("--start", "2026-12-25", "--end", "2027-05-28", "--format", "table")
    assert code == 0
    assert "Mon 28 Dec 2026, 09:30" in out and "wrap-up" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--start", "2027-13-01", "--end", "2027-05-28"], "'2027-13-01' bij --start"),
        (["--start", "11-13-2027", "--end", "2027-05-28"], "JJJJ-MM-DD of DD-MM-JJJJ"),
        (["--start", "2027-01-11", "--end", "morgen"], "'morgen' bij --end"),
        (["--start", "2027-01-11", "--end", "2027-05-28", "--freshup", "x"], "--freshup"),
        (["--start", "2027-05-28", "--end", "2027-01-11"], "moet na de start"),
        (["--start", "2027-01-11", "--end", "2027-05-28", "--tz", "Mars/Olympus"], "tijdzone"),
        (["--start", "2027-01-11", "--end", "2027-05-28", "--tz", "Europe"], "tijdzone"),
        (["--start", "2027-01-11", "--end", "2027-05-28", "--open-days", "0"], "werkdagen"),
        (["--start", "2027-01-11", "--end", "2027-05-28", "--freshup", "2027-06-01"], "tussen"),
        (["--start", "2027-01-11", "--end", "2027-01-15"], "gesloten"),
    ],
)
def test_errors_are_dutch_on_stderr_with_exit_2(args: list[str], needle: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert needle in err
    assert out == ""
    assert "Traceback" not in err


def test_errors_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECTIEBOT_LOCALE", "en")
    code, _, err = run("--start", "2027-05-28", "--end", "2027-01-11")
    assert code == 2
    assert "The wrap-up (Mon 11 Jan 2027) must come after the start (Fri 28 May 2027)." in err


def test_broken_settings_are_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECTIEBOT_TIMEZONE", "Nowhere/Land")
    code, _, err = run("--start", "2027-01-11", "--end", "2027-05-28")
    assert code == 2
    assert "REFLECTIEBOT_TIMEZONE" in err
