"""Every query of a full Slack round trip reads through an index, never scanning a growing table."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

from tests.fakes.slack_world import Slack, answers_for, slack_fixture  # noqa: F401
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

# Tables that stay small whatever the use: a scan of them costs nothing that grows.
FIXED_SIZE = {"programme", "instance_secret", "_sqlite_migrations", "sqlite_master"}
# Statement shapes allowed to scan, each with the reason (the test fails on any other scan).
ALLOWED_SCANS: dict[str, str] = {
    # The whole-database counts behind /metrics and /healthz: they are read by a monitor
    # once a scrape, not per action, and count every row by design.
    "SELECT status, COUNT(*) FROM delivery GROUP BY status": "monitoring counts every row",
    # The daily retention job looks at each person once to find who is in no team, role or
    # round any more; each check is an index lookup, and it runs once a day, not per action.
    (
        "SELECT id, personal_conversation_id AS conv FROM member WHERE id IN (SELECT m.id FROM "
        "member m WHERE (m.seen_on IS NULL OR m.seen_on < ?) AND NOT EXISTS (SELECT ? FROM "
        "team_member tm WHERE tm.member_id = m.id AND tm.active = ?) AND NOT EXISTS (SELECT ? "
        "FROM role r WHERE r.member_id = m.id) AND NOT "
        "EXISTS (SELECT ? FROM round_member rm WHERE rm.member_id = m.id))"
    ): "daily retention: every person checked once a day",
}


def _shape(sql: str) -> str:
    """The statement with its literals replaced, so one query shape is explained once."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"\s+", " ", sql).strip()


def _partial_indexes(conn: sqlite3.Connection) -> set[str]:
    return {
        str(name)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
        if " WHERE " in str(sql).upper()
    }


def _scans(conn: sqlite3.Connection, sql: str, partial: set[str]) -> list[str]:
    """Return the plan lines of ``sql`` that scan a growing table end to end."""
    found = []
    for row in conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall():
        detail = str(row[3])
        match = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", detail)
        if match is None or "CONSTANT ROW" in detail or "VIRTUAL TABLE" in detail:
            continue  # VALUES lists and json_each() of the statement's own parameters
        table, index = match.group(1), match.group(2)
        if table in FIXED_SIZE or table.startswith("sqlite_") or (index and index in partial):
            continue  # a partial index holds only the rows due now
        found.append(detail)
    return found


async def _round_trip(slack: Slack) -> None:
    """Every kind of action once: commands, form, answers, home, reminder, close, digest."""
    api, lc = slack.api, slack.lc
    await slack.command("start")
    await slack.command("rol coach <@UCOACH|coach>")
    await slack.command("status")
    rnd = slack.open_round()
    for user in ("U1", "U2", "U3"):
        await slack.send(slack.req.button(rnd.id, user_id=user, channel_id="C1"))
        view = slack.last_view()
        await slack.send(slack.req.view_submission(view, answers_for(view), user_id=user))
    await slack.send(slack.req.button(rnd.id, user_id="U1", channel_id="C1"))  # edit: re-open
    await slack.send(
        slack.req.event({"type": "app_home_opened", "user": "U2", "channel": "DU2", "tab": "home"})
    )
    assert rnd.remind_at is not None
    slack.clock.set(rnd.remind_at)
    await lc.reconcile(slack.clock.now())
    slack.clock.set(rnd.closes_at)
    await lc.reconcile(slack.clock.now())
    await slack.command("digest")
    await slack.command("plan start 2027-02-01 eind 2027-06-01")
    await slack.command("start programma")
    await slack.command("stop ja", channel="C3")
    slack.clock.advance(timedelta(days=400))
    await lc.reconcile(slack.clock.now())
    assert api.posts_to("DUCOACH"), "the round trip reached the coach's digest"


async def test_no_query_of_a_round_trip_scans_a_growing_table(slack: Slack) -> None:
    conn = slack.lc.store.db.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        await _round_trip(slack)
    finally:
        conn.set_trace_callback(None)
    partial = _partial_indexes(conn)
    explained: dict[str, list[str]] = {}
    for sql in statements:
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if verb not in ("SELECT", "UPDATE", "DELETE", "INSERT", "WITH", "REPLACE"):
            continue
        shape = _shape(sql)
        if shape in explained or "sqlite_master" in shape or "pragma_" in shape.lower():
            continue
        explained[shape] = _scans(conn, sql, partial)
    assert len(explained) > 40, "the round trip ran the product's queries"
    bad = {
        shape: scans for shape, scans in explained.items() if scans and shape not in ALLOWED_SCANS
    }
    assert bad == {}, "\n".join(f"{s}\n    -> {', '.join(p)}" for s, p in bad.items())
