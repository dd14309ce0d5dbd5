"""Every command answers a user error with one line in the user's language and exit code 2."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app.cli import app
from bot.storage.store import open_store

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2, (code, out, err)
    assert out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.fixture
def foreign_db(tmp_path: Path) -> Path:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", ["export", "forget"])
def test_a_file_that_is_not_our_database_is_refused_and_left_alone(
    command: str, foreign_db: Path
) -> None:
    extra = ["--user", "slack:U1"] if command == "forget" else []
    readme = ROOT / "README.md"
    before = readme.read_bytes()
    text = one_line_error(*run(command, "--db", str(readme), *extra))
    assert "geen database van reflectiebot" in text
    assert readme.read_bytes() == before
    text = one_line_error(*run(command, "--db", str(foreign_db), *extra, "--lang", "en"))
    assert "another program's SQLite file" in text
    tables = sqlite3.connect(foreign_db).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("notes",)]  # not migrated by accident


def test_chat_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    text = one_line_error(*run("chat", "--db", str(ROOT / "README.md")))
    assert "geen database van reflectiebot" in text


def test_demo_out_must_be_a_folder_it_can_write(tmp_path: Path) -> None:
    a_file = tmp_path / "passwd"
    a_file.write_text("x", encoding="utf-8")
    assert "is een bestand, geen map" in one_line_error(*run("demo", "--out", str(a_file)))
    below = one_line_error(*run("demo", "--out", str(a_file / "sub"), "--lang", "en"))
    assert below.startswith("Cannot use") and "part of the path is not a folder" in below


@pytest.mark.parametrize(
    ("args", "dutch", "english"),
    [
        (["export", "--format", "json"], "heeft --db nodig", "needs --db"),
        (
            ["export", "--db", "x.db", "--kleur"],
            "De optie --kleur ken ik niet",
            "the option --kleur",
        ),
        (
            ["demo", "--seed", "abc"],
            "'abc' is geen geldige waarde voor --seed",
            "not a valid value",
        ),
        (
            [
                "schedule",
                "preview",
                "--start",
                "2027-01-11",
                "--end",
                "2027-05-28",
                "--open-days",
                "veel",
            ],
            "'veel' is geen geldige waarde voor --open-days",
            "not a valid value",
        ),
        (["prompts", "list", "--locale", "fr"], "De taal 'fr' spreek ik niet", "language 'fr'"),
        (["check", "--lang", "fr"], "De taal 'fr' spreek ik niet", "language 'fr'"),
    ],
)
def test_bad_options_are_answered_in_the_users_language(
    args: list[str], dutch: str, english: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert dutch in one_line_error(*run(*args))
    monkeypatch.setenv("REFLECTIEBOT_LOCALE", "EN")  # any case
    assert english in one_line_error(*run(*args))


def test_a_bad_format_is_answered_alike_by_every_command(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    open_store(db).close()
    answers = [
        one_line_error(*run("export", "--db", str(db), "--format", "xml")),
        one_line_error(*run("prompts", "list", "--format", "xml")),
        one_line_error(
            *run(
                "schedule",
                "preview",
                "--start",
                "2027-01-11",
                "--end",
                "2027-05-28",
                "--format",
                "xml",
            )
        ),
    ]
    assert answers == [
        "Onbekend formaat 'xml'; kies json of csv.",
        "Onbekend formaat 'xml'; kies table of json.",
        "Onbekend formaat 'xml'; kies table of json.",
    ]
    english = one_line_error(*run("export", "--db", str(db), "--format", "xml", "--lang", "en"))
    assert english == "Unknown format 'xml'; choose json or csv."


def test_schedule_preview_takes_dates_as_chat_does() -> None:
    code, out, err = run(
        "schedule",
        "preview",
        "--start",
        "11-01-2027",
        "--end",
        "28-05-2027",
        "--freshup",
        "15-03-2027",
        "--format",
        "json",
    )
    assert code == 0, err
    assert [r["planned"] for r in json.loads(out)] == ["2027-01-11", "2027-03-15", "2027-05-28"]


@pytest.mark.parametrize(
    ("word", "phase"),
    [("opfris", "freshup"), ("afronding", "wrapup"), ("FreshUp", "freshup"), ("start", "start")],
)
def test_every_phase_name_works_in_prompts_list(word: str, phase: str) -> None:
    code, out, err = run("prompts", "list", "--phase", word, "--format", "json")
    assert code == 0, err
    questions = json.loads(out)
    assert questions and all(phase in q["phases"] for q in questions)


def test_an_unknown_phase_lists_the_words_in_the_users_language() -> None:
    assert "start, opfris, afronding" in one_line_error(*run("prompts", "list", "--phase", "x"))
    english = one_line_error(*run("prompts", "list", "--phase", "x", "--lang", "en"))
    assert "start, freshup, wrapup" in english


def test_a_traceback_only_with_debug_anywhere_on_the_line(tmp_path: Path) -> None:
    a_file = tmp_path / "passwd"
    a_file.write_text("x", encoding="utf-8")
    where = str(a_file / "sub")
    one_line_error(*run("demo", "--out", where))
    debug = CliRunner().invoke(app, ["demo", "--out", where, "--debug"])
    assert isinstance(debug.exception, NotADirectoryError)  # the real error, for a developer
    first = CliRunner().invoke(app, ["--debug", "demo", "--out", where])
    assert isinstance(first.exception, NotADirectoryError)
