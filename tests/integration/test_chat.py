"""`reflectiebot chat` as a new user meets it: forms, confirmations, names, channels, languages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from typer.testing import CliRunner

from bot.app.cli import app

START = date.today() + timedelta(days=14)  # the chat runs on the real clock
PLAN = (
    f"/reflectie plan {START:%d-%m-%Y} opfris {START + timedelta(days=60):%Y-%m-%d} "
    f"afronding {START + timedelta(days=120):%Y-%m-%d}"
)


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # messages on one line each


def chat(db: Path, *lines: str, args: tuple[str, ...] = ()) -> str:
    result = CliRunner().invoke(
        app, ["chat", "--db", str(db), *args], input="\n".join([*lines, ":stop"]) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def answers(db: Path) -> dict[str, str]:
    rows = sqlite_utils.Database(db).query("SELECT question_id, value FROM response")
    return {r["question_id"]: r["value"] for r in rows}


# The start round: scale, text, choice (5 options), choice (3 options), text, text.
FIRST = ["7", "4", "Omdat het moet", "time", "ja", "Open en eerlijk", "We bellen elkaar"]


def test_a_form_asks_again_at_once_and_keeps_the_other_answers(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    out = chat(db, PLAN, "/reflectie start", ":als anna", ":antwoord", *FIRST, "/reflectie status")
    assert "startmoment: opent" in out
    assert "Vraag 1: Kies een getal van 1 tot en met 5. Probeer het nog eens." in out
    assert out.count("Kies een getal van 1 tot en met 5") == 1  # said once, not twice
    assert "gedeeld-beeld.opgave" not in out  # no internal question ids
    assert "Dank je! Je antwoorden zijn opgeslagen" in out and "1 van 4 beantwoord" in out
    stored = answers(db)
    assert len(stored) == 6 and stored["tussentafel.grenzen"] == "tijd"
    assert stored["territorium.wie-ontbreekt"] == "ja"


def test_enter_keeps_an_answer_and_a_dash_clears_it(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    chat(db, PLAN, "/reflectie start", ":als anna", ":antwoord", *FIRST[1:])
    before = answers(db)
    # Edit: change the scale, keep four answers with Enter, clear the last one.
    out = chat(db, ":als anna", ":antwoord", "2", "", "", "", "", "-")
    assert "Je huidige antwoord: Tijd: termijnen, planning en ritme" in out  # words, not ids
    assert "Enter laat je huidige antwoord staan, - wist het." in out
    assert "Je antwoorden zijn bijgewerkt" in out
    after = answers(db)
    assert after == {
        **{k: v for k, v in before.items() if k != "samenwerking.als-het-niet-lukt"},
        "gedeeld-beeld.opgave": "2",
    }


def test_stop_asks_first_and_ja_confirms(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    out = chat(db, "/reflectie start", "/reflectie stop", "ja")
    assert "Weet je het zeker?" in out and "`/reflectie stop ja`" in out
    assert "is gestopt" in out
    statuses = {r["status"] for r in sqlite_utils.Database(db).query("SELECT status FROM round")}
    assert statuses == {"cancelled"}
    kept = chat(tmp_path / "other.db", "/reflectie start", "/reflectie stop", "/reflectie status")
    assert "Nu open: 'Startronde'" in kept  # anything but the confirm word keeps the round


def test_an_unknown_name_says_who_exists(tmp_path: Path) -> None:
    out = chat(tmp_path / "chat.db", ":als zoe", "/reflectie start")
    assert "'zoe' ken ik niet. Kies uit: manager, anna, bram, chris, dewi." in out
    assert "Je bent nu manager." in out


def test_a_plan_in_the_past_is_refused_without_log_lines(tmp_path: Path) -> None:
    past = date.today() - timedelta(days=7)
    out = chat(
        tmp_path / "chat.db",
        f"/reflectie plan {past} afronding {date.today() + timedelta(days=90)}",
        ":vooruit 1d",
    )
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    assert "al voorbij: het is nu" in out
    assert f"Kies {today} of een latere datum" in out or f"Kies {tomorrow} of" in out
    assert "missed" not in out and "WARNING" not in out
    assert "onbereikbaar" not in out


def test_chat_follows_the_team_language_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "chat.db"
    out = chat(db, "/reflectie start", "/reflectie instellingen taal en", ":als anna")
    assert "You are now anna." in out
    monkeypatch.setenv("REFLECTIEBOT_LOCALE", "en")
    dutch = tmp_path / "nl.db"
    chat(dutch, "/reflectie start", args=("--lang", "nl"))
    assert "Je bent nu anna." in chat(dutch, ":als anna")  # the team is Dutch


def test_chat_on_the_demo_database_reaches_the_demo_teams(tmp_path: Path) -> None:
    demo = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "demo"), "--quiet"])
    assert demo.exit_code == 0, demo.output
    db = tmp_path / "demo" / "reflectiebot.db"
    out = chat(
        db,
        "/reflectie status",
        ":kanaal leefbare-wijk",
        "/reflectie status",
        ":als sanne",
        ":kanaal nergens",
    )
    assert "Je zit in het kanaal #energieloket" in out
    assert "Status van Opgaveteam Leefbare Wijk" in out
    assert "Status van Opgaveteam Energieloket" in out
    assert "Je bent nu sanne." in out
    assert "Het kanaal 'nergens' ken ik niet. Kies uit: #projectteam" in out


def test_ctrl_c_ends_the_chat_without_another_enter(tmp_path: Path) -> None:
    code = "from bot.app.cli import app; app()"
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", code, "chat", "--db", str(tmp_path / "c.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.stdout is not None
    prompted = threading.Event()

    def watch() -> None:
        assert proc.stdout is not None
        seen = b""
        while not prompted.is_set():
            chunk = proc.stdout.read1(1024)  # type: ignore[attr-defined]
            if not chunk:
                return
            seen += chunk
            if b"manager> " in seen:
                prompted.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        assert prompted.wait(60), "the chat never asked for input"
        proc.send_signal(signal.SIGINT)
        # stdin stays open and nobody presses Enter: the chat must end on its own.
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
