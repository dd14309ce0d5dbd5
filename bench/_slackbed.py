"""The test bed the Slack benchmarks share: seeded teams, the core on worker threads, posts."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from bot.messages import Actor, ConversationRef
from bot.models import Anonymity, Phase
from bot.storage.workers import Workers
from tests.fakes.slack_requests import SignedRequest
from tests.harness import Bot

SECRET = "bench-secret"
NOW = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
TEAMS, ANSWERS, ACKS, SUBMISSIONS = 1000, 100_000, 1000, 500
MINUTE = 1.0
"""Seconds in one of Slack's rate-limit minutes in these benches (60 in real life)."""


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def seed(lc: Bot, teams: int, answers: int) -> None:
    """Create teams through the directory; bulk-insert old answers (setup only, stated)."""
    lc.store.directory.ensure_programme("prog", "Programma")
    for i in range(teams):
        ref = ConversationRef(platform="slack", external_id=f"C{i:05d}", name=f"team-{i}")
        conv = lc.store.directory.upsert_conversation(ref)
        lc.store.directory.create_team(f"team-{i}", f"Team {i}", "prog", conv, "slack", NOW)
    per_team = answers // teams
    rows = []
    for i in range(teams):
        rnd = lc.store.rounds.insert_round(
            team_id=f"team-{i}",
            phase=Phase.START,
            seq=1,
            set_id="start",
            opens_at=NOW - timedelta(days=60),
            remind_at=None,
            closes_at=NOW - timedelta(days=53),
            anonymity=Anonymity.ANONYMOUS,
        )
        lc.store.db.execute("UPDATE round SET status = 'closed' WHERE id = ?", [rnd.id])
        rows += [
            {
                "id": uuid.uuid4().hex,
                "round_id": rnd.id,
                "question_id": f"q{j % 4}",
                "respondent": None,
                "edit_key": None,
                "value": str(1 + j % 5),
                "answered_at": "2026-11-12",
                "edited_at": None,
            }
            for j in range(per_team)
        ]
    # Writing 100,000 answers one submission at a time would dominate the run; this is
    # the only place the benchmark bypasses the store.
    lc.store.db.table("response").insert_all(rows, batch_size=5000)


def serving(lc: Bot) -> Workers:
    """Move the core's database work onto worker threads, as ``reflectiebot serve`` runs it."""
    workers = Workers(lc.store)
    lc.core.db = workers
    return workers


def seed_rosters(lc: Bot, teams: int, members: list[str]) -> None:
    """Give every team a roster read recently (as join events keep it); setup only."""
    with lc.store.atomic():
        for i in range(teams):
            actors = [Actor(platform="slack", user_id=u) for u in members]
            lc.store.people.sync_roster(f"team-{i}", actors)
            lc.store.directory.roster_synced(f"team-{i}", NOW)


async def post(http: TestClient[Any, Any], signed: SignedRequest) -> tuple[float, str]:
    started = time.perf_counter()
    response = await http.post("/slack/events", data=signed.body.encode(), headers=signed.headers)
    body = await response.text()
    return (time.perf_counter() - started) * 1000, body
