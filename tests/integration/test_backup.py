"""Backups are consistent while the bot writes; a restore is checked and refused while it runs."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from typer.testing import CliRunner

from bot.app.cli import app
from bot.storage.lock import InstanceLock
from bot.storage.store import open_store

RUN = CliRunner()


def _seed(db: Path, rows: int) -> None:
    store = open_store(db)
    store.directory.ensure_programme("prog", "Programma")
    store.close()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE IF NOT EXISTS filler (n INTEGER, pad TEXT)")
    conn.executemany("INSERT INTO filler VALUES (?, ?)", [(i, "x" * 200) for i in range(rows)])
    conn.commit()
    conn.close()


def test_a_backup_taken_while_the_bot_writes_is_one_consistent_moment(tmp_path: Path) -> None:
    db, target = tmp_path / "live.db", tmp_path / "copy.db"
    _seed(db, 20_000)
    stop = threading.Event()

    def writer() -> None:
        # The bot keeps writing, in transactions that each keep both tables in step.
        conn = sqlite3.connect(db, timeout=30)
        n = 0
        while not stop.is_set():
            n += 1
            with conn:
                conn.execute("INSERT INTO filler VALUES (?, 'w')", [-n])
                conn.execute("INSERT INTO programme (id, name) VALUES (?, 'w')", [f"w{n}"])
        conn.close()

    busy = threading.Thread(target=writer)
    busy.start()
    try:
        result = RUN.invoke(app, ["backup", "--db", str(db), "--out", str(target)])
    finally:
        stop.set()
        busy.join()
    assert result.exit_code == 0, result.output
    assert "Back-up geschreven" in result.output
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    written = copy.execute("SELECT COUNT(*) FROM filler WHERE n < 0").fetchone()[0]
    programmes = copy.execute("SELECT COUNT(*) FROM programme WHERE name = 'w'").fetchone()[0]
    assert written == programmes, "every write is in the copy whole, or not at all"
    again = RUN.invoke(app, ["backup", "--db", str(db), "--out", str(target)])
    assert again.exit_code == 2 and "bestaat al" in again.output


def test_restore_puts_a_backup_back_and_keeps_the_old_file(tmp_path: Path) -> None:
    db, saved = tmp_path / "bot.db", tmp_path / "saved.db"
    _seed(db, 10)
    assert RUN.invoke(app, ["backup", "--db", str(db), "--out", str(saved)]).exit_code == 0
    later = open_store(db)
    later.directory.ensure_programme("after", "Na de back-up")
    later.close()
    result = RUN.invoke(app, ["restore", "--db", str(db), "--from", str(saved)])
    assert result.exit_code == 0, result.output
    restored = open_store(db)
    assert restored.directory.teams() == []
    assert {r["id"] for r in restored.db.query("SELECT id FROM programme")} == {"prog"}
    restored.close()
    assert (tmp_path / "bot.db.before-restore").exists()


def test_restore_is_refused_while_a_server_runs_or_from_a_file_that_is_not_a_backup(
    tmp_path: Path,
) -> None:
    db, saved, text = tmp_path / "bot.db", tmp_path / "saved.db", tmp_path / "notes.txt"
    _seed(db, 10)
    assert RUN.invoke(app, ["backup", "--db", str(db), "--out", str(saved)]).exit_code == 0
    text.write_text("geen database", encoding="utf-8")
    before = db.read_bytes()
    with InstanceLock(db):
        running = RUN.invoke(app, ["restore", "--db", str(db), "--from", str(saved)])
    assert running.exit_code == 2 and "Stop die eerst" in running.output
    wrong = RUN.invoke(app, ["restore", "--db", str(db), "--from", str(text)])
    assert wrong.exit_code == 2 and "geen back-up" in wrong.output
    assert db.read_bytes() == before
