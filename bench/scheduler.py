"""Scheduler benchmark: start-up and reconcile-tick cost with 10,000 planned teams."""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlite_utils import Database

from adapters.console import ConsoleAdapter
from bench._report import Goal, Row
from bot.clock import ManualClock
from bot.messages import Actor, ConversationRef
from bot.ports import RoundAction
from bot.settings import Settings
from scheduler.jobs import Runner
from tests.harness import Bot, make_bot

# Monday 4 January 2027, 06:00 UTC: before any round opens (the first open at 08:30 UTC).
NOW = datetime(2027, 1, 4, 6, 0, tzinfo=UTC)
FIRST_START = date(2027, 1, 4)
# Tick-plan rows we expect to hit a partial index; anything else scanning a table is flagged.
# The reconcile tick runs every minute.
TICK_MS = 60_000
DUE_MARKERS = ("status = 'planned'", "status = 'open'", "status = 'pending'", "status = 'sending'")


def add_teams(lc: Bot, console: ConsoleAdapter, first: int, last: int) -> None:
    """Create teams ``first..last-1`` and plan 3 or 4 rounds each, in one transaction."""
    cal = lc.core.calendar
    with lc.store.atomic():
        lc.store.directory.ensure_programme("bench", "Benchmark")
        for i in range(first, last):
            ref = ConversationRef(platform="console", external_id=f"c{i}", name=f"team{i}")
            conv = lc.store.directory.upsert_conversation(ref)
            team = lc.store.directory.create_team(
                f"t{i}", f"Team {i}", "bench", conv, "console", NOW
            )
            console.rosters[f"c{i}"] = [
                Actor(platform="console", user_id=f"u{i}-{k}") for k in range(3)
            ]
            # Spread starts over 40 weeks of working days so the database looks like a year.
            start = cal(team).add_working_days(FIRST_START, i % 200)
            end = start + timedelta(weeks=20)
            fresh = [] if i % 2 else [start + timedelta(weeks=7), start + timedelta(weeks=14)]
            lc.plan(team.id, start, fresh, end, NOW)


def make_due(lc: Bot, team_ids: list[str]) -> None:
    """Move the start round of each team so that it is due to open at ``NOW``."""
    for team_id in team_ids:
        rnd = lc.store.rounds.rounds_of(team_id)[0]
        lc.store.rounds.move_round(
            rnd.id,
            NOW - timedelta(minutes=1),
            NOW + timedelta(days=3),
            NOW + timedelta(days=3, hours=8),
        )


async def timed(fn: Callable[[], Awaitable[object]], repeat: int = 1) -> float:
    """Return the median wall time of ``fn`` in milliseconds."""
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        await fn()
        runs.append((time.perf_counter() - began) * 1000)
    return statistics.median(runs)


def explain_tick(db: Database, statements: list[str]) -> list[tuple[str, str, str]]:
    """Return ``(query, plan, verdict)`` for the queries a tick runs to find due work."""
    seen: dict[str, tuple[str, str, str]] = {}
    for sql in statements:
        verb = sql.lstrip().split(" ", 1)[0].upper()
        if verb not in ("SELECT", "UPDATE") or not any(m in sql for m in DUE_MARKERS):
            continue
        if verb == "UPDATE" and "WHERE id" in sql:
            continue  # claims of one row by primary key
        # Times and limits differ per call; the shape of the query is what matters.
        head = re.sub(r"'\d{4}-\d\d-\d\dT[^']*'", "?", sql)
        head = re.sub(r"LIMIT \d+", "LIMIT ?", head).replace("SELECT * FROM", "FROM")
        if head in seen:
            continue
        # Diagnostics only: the statement is the store's own, replayed with its literals.
        plan = " | ".join(row[3] for row in db.conn.execute("EXPLAIN QUERY PLAN " + sql))
        if plan.startswith("SEARCH") and "INDEX" in plan:
            verdict = "due rows only"
        elif "USING INDEX" in plan:
            verdict = "scans the partial index"
        else:
            verdict = "FULL SCAN"
        seen[head] = (head, plan, verdict)
    return list(seen.values())


async def run(teams: int, small: int) -> list[Row]:
    """Build the database, measure, print the tables and return the report's rows."""
    report: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        clock = ManualClock(NOW)
        chat = ConsoleAdapter()
        lc = make_bot(path, Settings(db=path, env="test"), clock, {"console": chat})
        db = lc.store.db
        rows: list[tuple[str, str]] = []

        began = time.perf_counter()
        add_teams(lc, chat, 0, small)
        empty_small = await timed(lambda: lc.reconcile(NOW), repeat=20)
        add_teams(lc, chat, small, teams)
        setup = time.perf_counter() - began
        # Every round is still planned, so each has exactly one future "open".
        upcoming = await lc.rounds.upcoming(NOW)
        rounds = sum(1 for _, action, _ in upcoming if action is RoundAction.OPEN)
        rows.append((f"setup: {teams:,} teams planned, {rounds:,} rounds", f"{setup:.1f} s"))

        began = time.perf_counter()
        actions = len(await lc.rounds.upcoming(NOW))
        upcoming_ms = (time.perf_counter() - began) * 1000
        rows.append(
            (f"lifecycle.upcoming(now): {actions:,} future actions", f"{upcoming_ms:.0f} ms")
        )
        runner = Runner(clock, lc.rounds)
        began = time.perf_counter()
        await runner.start()
        start_ms = (time.perf_counter() - began) * 1000
        timers = len(runner.round_job_ids())
        rows.append((f"Runner.start(): rebuild, {timers} timers within 26 h", f"{start_ms:.0f} ms"))
        await runner.wait_for_tick(timeout=30)
        await runner.stop()

        rows.append((f"reconcile tick, 0 due, {small:,} teams", f"{empty_small:.2f} ms"))
        empty = await timed(lambda: lc.reconcile(NOW), repeat=20)
        rows.append((f"reconcile tick, 0 due, {teams:,} teams", f"{empty:.2f} ms"))
        # The tick must not grow with the teams that have nothing due.
        report.append(
            Row(f"scheduler tick, 0 due, {teams:,} teams", empty, "ms", empty_small,
                f"{small:,} teams", Goal("<=", 2.0))
        )  # fmt: skip
        statements: list[str] = []
        used = 0
        for due in (10, 100, 1000):
            if used + due > teams:
                break
            make_due(lc, [f"t{i}" for i in range(used, used + due)])
            used += due
            if due == 10:
                db.conn.set_trace_callback(statements.append)
            tick = await timed(lambda: lc.reconcile(NOW))
            db.conn.set_trace_callback(None)
            # A tick runs once a minute; it must finish well inside that to keep the schedule.
            report.append(
                Row(f"scheduler tick, {due:,} due, {teams:,} teams", tick, "ms",
                    goal=Goal("<=", TICK_MS, "value"))
            )  # fmt: skip
            rows.append(
                (
                    f"reconcile tick, {due:,} rounds due to open, {teams:,} teams",
                    f"{tick:.0f} ms ({tick / due:.1f} ms/round)",
                )
            )
        plans = explain_tick(db, statements)
        db.close()

    console = Console()
    table = Table(title=f"Scheduler benchmark ({teams:,} teams)")
    table.add_column("measurement")
    table.add_column("time", justify="right")
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    table = Table(title="EXPLAIN QUERY PLAN of the tick's due queries (replayed on the bench db)")
    table.add_column("query")
    table.add_column("plan")
    table.add_column("reads")
    for head, plan, verdict in plans:
        table.add_row(head, plan, verdict)
    console.print(table)
    return report


def main(argv: list[str] | None = None) -> list[Row]:
    """Entry point of ``python -m bench.scheduler``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args(argv)
    return asyncio.run(run(args.teams, args.small))


if __name__ == "__main__":
    main()
