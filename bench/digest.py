"""Digest benchmark: a team's digest and phase comparison over 100,000 answers vs the bare SQL.

The bare query is the least any digest must do: count every answer value per question in the
rounds it reads. Both run in the same process on the same file, best of several runs; the goal
is that building the digest costs at most twice the bare query.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from adapters.console import ConsoleAdapter
from bench._report import Goal, Row
from bot.clock import ManualClock
from bot.digests.compare import compare_view
from bot.digests.report import team_report
from bot.digests.round_digest import round_digest
from bot.messages import ConversationRef
from bot.questions import Kind
from bot.settings import Settings
from prompts.render import render
from tests.harness import Bot, make_bot

GOAL = 2.0
TEXTS = [f"Open antwoord nummer {i} over de samenwerking aan tafel." for i in range(40)]
BARE = (
    "SELECT round_id, question_id, value, COUNT(*) AS n FROM response "
    "WHERE round_id IN (SELECT value FROM json_each(?)) GROUP BY round_id, question_id, value"
)


async def build(path: Path, answers: int, seed: int) -> tuple[Bot, list[int]]:
    """Create one anonymous team whose start, fresh-up and wrap-up hold ``answers`` answers."""
    clock = ManualClock(datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
    lc = make_bot(path, Settings(env="test"), clock, {"console": ConsoleAdapter()})
    store, rng = lc.store, random.Random(seed)
    store.directory.ensure_programme("bench", "Benchmark")
    conv = store.directory.upsert_conversation(
        ConversationRef(platform="console", external_id="bench", name="bench")
    )
    store.directory.create_team("bench", "Team Bench", "bench", conv, "console", clock.now())
    rounds = []
    phases = ("start", "freshup", "wrapup")
    for phase in phases:
        rnd = lc.rounds.start_round("bench", phase, None, clock.now())
        questions = store.answers.round_questions(rnd.id)
        per_question = answers // (len(phases) * len(questions))
        rows = []
        for q in questions:
            for _ in range(per_question):
                if q.kind is Kind.SCALE:
                    value = str(min(5, max(1, round(rng.gauss(3, 1.1)))))
                elif q.kind is Kind.CHOICE:
                    value = rng.choice(q.option_ids())
                else:
                    value = rng.choice(TEXTS)
                rows.append(
                    {"id": str(uuid.uuid4()), "round_id": rnd.id, "question_id": q.question_id,
                     "value": value, "answered_at": clock.now().date().isoformat()}
                )  # fmt: skip
        store.db.table("response").insert_all(rows, batch_size=5000)
        clock.set(rnd.closes_at)
        lc.rounds.lifecycle.close_round(rnd.id, clock.now())
        clock.advance(timedelta(days=1))
        rounds.append(rnd.id)
    return lc, rounds


def best(work: Callable[[], object], runs: int) -> float:
    """Return the fastest of ``runs`` timings of ``work``, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def main(argv: list[str] | None = None) -> list[Row]:
    """Print the digest's cost next to the bare SQL aggregate's, for the same rounds."""
    rows: list[Row] = []
    parser = argparse.ArgumentParser(prog="python -m bench.digest")
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        lc, rounds = asyncio.run(build(Path(tmp) / "bench.db", args.answers, seed=1))
        team = lc.store.directory.team("bench")
        assert team is not None
        total = lc.store.db["response"].count
        db, core = lc.store.db, lc.core

        def bare(ids: list[int]) -> Callable[[], object]:
            return lambda: list(db.query(BARE, [str(ids)]))

        cases = [
            ("wrap-up round digest (reads start too)", bare([rounds[0], rounds[2]]),
             lambda: round_digest(core, rounds[2], "nl")),
            ("phase comparison (3 rounds)", bare(rounds),
             lambda: compare_view(core, team, "nl")),
            ("team report: digests + comparison + kit", bare(rounds),
             lambda: team_report(core, team, "nl")),
            ("team report rendered as HTML", bare(rounds),
             lambda: render("html", "report", "nl", report=team_report(core, team, "nl"))),
        ]  # fmt: skip
        table = Table(title=f"Digest over {total:,} answers (best of {args.runs}, ms)")
        for column in ("what", "bare SQL", "digest", "ratio", f"goal ≤ {GOAL:g}×"):
            table.add_column(column, justify="left" if column == "what" else "right")
        for name, sql, digest in cases:
            sql_ms, digest_ms = best(sql, args.runs), best(digest, args.runs)
            ratio = digest_ms / sql_ms
            ok = "yes" if ratio <= GOAL else "NO"
            table.add_row(name, f"{sql_ms:.1f}", f"{digest_ms:.1f}", f"{ratio:.2f}×", ok)
            rows.append(
                Row(
                    f"digest: {name}, {total:,} answers",
                    digest_ms,
                    "ms",
                    sql_ms,
                    "bare SQL",
                    Goal("<=", GOAL),
                )
            )
        Console().print(table)
        Console().print(
            "The database counts the answers (GROUP BY on an index); the digest adds only work "
            "per distinct answer, so its cost follows the bare query as answers grow."
        )
        lc.store.close()
    return rows


if __name__ == "__main__":
    main()
