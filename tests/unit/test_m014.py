"""Migration m014: answers stored before it lose what anonymity no longer keeps."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.storage.db import open_db
from bot.storage.migrations import migrations


def test_anonymous_answers_stored_before_m014_lose_their_day_and_named_ones_keep_theirs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(str(path)), strict=True)
    migrations.apply(old, stop_before="m014_anonymous_answers_and_audit")
    old.execute("INSERT INTO programme (id, name) VALUES ('p', 'P')")
    for team, mode in (("anon", "anonymous"), ("named", "named")):
        old.execute(
            "INSERT INTO team (id, name, programme_id, platform, anonymity, created_at) "
            "VALUES (?, ?, 'p', 'slack', ?, '2027-01-01')",
            [team, team, mode],
        )
        old.execute(
            "INSERT INTO round (team_id, phase, set_id, opens_at, closes_at, status, anonymity) "
            "VALUES (?, 'start', 'start', '2027-01-11', '2027-01-15', 'closed', ?)",
            [team, mode],
        )
    old.execute(
        "INSERT INTO response (id, round_id, question_id, respondent, value, answered_at) "
        "VALUES ('a', 1, 'q', NULL, 'alleen ik antwoordde dinsdag', '2027-01-12'), "
        "('b', 2, 'q', 'U1', 'op naam', '2027-01-12T10:00:00+00:00')"
    )
    old.conn.commit()
    old.close()
    db = open_db(path)  # applies m014 and reclaims the space
    by_id = {r["id"]: r for r in db.query("SELECT * FROM response")}
    assert by_id["a"]["answered_at"] is None and by_id["a"]["value"].startswith("alleen")
    assert by_id["b"]["answered_at"] == "2027-01-12T10:00:00+00:00"
    assert by_id["b"]["respondent"] == "U1"
    assert "audit" in db.table_names()
    assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    db.close()
