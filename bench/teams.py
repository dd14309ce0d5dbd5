"""Teams benchmark: a programme-wide round to 1,000 conversations against a throttling connector.

Run with ``python -m bench.teams``. The fake Bot Connector on 127.0.0.1 allows 30 requests a
second for the tenant (a rolling second) and answers 429 with ``Retry-After: 1`` beyond it.
The baseline is the same adapter with the tenant pacing switched off (it still retries 429s),
measured in the same run.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.teams.limits import PER_TENANT, Limits
from bench._report import Goal, Row, table
from bot.clock import ManualClock
from bot.core import Core
from bot.messages import ConversationRef
from bot.models import DeliveryStatus
from bot.settings import Settings
from bot.storage.store import open_store
from bot.storage.workers import Workers
from prompts.library import load_library
from tests.fakes.specs import find_specs_dir
from tests.fakes.teams_connector import BOT_ID, TENANT, FakeBotConnector
from tests.fakes.teams_world import anonymous_adapter
from tests.harness import Bot

NOW = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
CONVERSATIONS = 1000
CAP = 30.0
PEOPLE = [f"aaaaaaaa-0000-4000-8000-{i:012d}" for i in range(3)]


def _conversation(i: int) -> str:
    return f"19:team-{i:04d}@thread.tacv2"


async def programme_round(workdir: Path, per_tenant: int) -> dict[str, float]:
    """Open a round in every conversation of a programme; return what the connector saw."""
    async with FakeBotConnector(find_specs_dir(), rate_limit=CAP) as connector:
        for aad in PEOPLE:
            connector.add_person(aad, aad[-4:])
        for i in range(CONVERSATIONS):
            connector.add_conversation(_conversation(i), PEOPLE)
        clock = ManualClock(NOW)
        adapter = anonymous_adapter(Limits(per_tenant=per_tenant))
        settings = Settings(env="test", teams_anonymous=True)
        store = open_store(workdir / f"teams-{per_tenant}.db")
        # As `reflectiebot serve` runs it: database work on the worker threads, off the loop.
        workers = Workers(store)
        lc = Bot(Core(store, load_library(), settings, clock, ports={"teams": adapter}, db=workers))
        lc.store.directory.ensure_programme("prog", "Programma")
        reference = {"serviceUrl": connector.base_url, "tenantId": TENANT, "bot": {"id": BOT_ID}}
        for i in range(CONVERSATIONS):
            ref = ConversationRef(
                platform="teams",
                external_id=_conversation(i),
                name=f"team-{i}",
                reference=reference,
            )
            conv = lc.store.directory.upsert_conversation(ref)
            lc.store.directory.create_team(f"team-{i}", f"Team {i}", "prog", conv, "teams", NOW)
        started = time.perf_counter()
        await lc.start_programme("prog", "start", None, NOW)
        # Whatever the adapter gave up on waits in the outbox; deliver until it is empty.
        while lc.store.outbox.counts().get(DeliveryStatus.PENDING, 0):
            clock.advance(timedelta(minutes=5))
            await lc.reconcile(clock.now())
        took = time.perf_counter() - started
        answered = [c for c in connector.calls if c.status < 400]
        # What the connector saw: answered requests per second from the first to the last.
        sending = max(answered[-1].at - answered[0].at, 1e-9)
        cards: dict[str, int] = {}
        for post in connector.posts:
            if post.card and post.card.get("refresh"):
                cards[post.conversation] = cards.get(post.conversation, 0) + 1
        lost = sum(1 for i in range(CONVERSATIONS) if not cards.get(_conversation(i)))
        duplicated = sum(n - 1 for n in cards.values() if n > 1)
        await adapter.connector.close()
        workers.close()
        return {
            "seconds": took,
            "share": 100 * (len(answered) - 1) / sending / CAP,
            "sending": sending,
            "requests": len(answered),
            "throttled": connector.throttled,
            "lost": lost,
            "duplicated": duplicated,
            "violations": len(connector.violations),
        }


async def main() -> list[Row]:
    """Run the round paced (ours) and unpaced (baseline); return the report's rows."""
    with tempfile.TemporaryDirectory() as tmp:
        ours = await programme_round(Path(tmp), PER_TENANT)
        bare = await programme_round(Path(tmp), 0)
    name = "no tenant pacing"
    what = f"teams: round to {CONVERSATIONS:,} conversations"
    rows = [
        Row(f"{what}, requests/s while sending", ours["share"], "% of cap", bare["share"], name,
            Goal(">=", 90, of="value")),
        Row(f"{what}, sending time", ours["sending"], "s", bare["sending"], name),
        Row(f"{what}, time with recording", ours["seconds"], "s", bare["seconds"], name),
        Row(f"{what}, connector requests", ours["requests"], "", bare["requests"], name),
        Row(f"{what}, 429s", ours["throttled"], "", bare["throttled"], name),
        Row(f"{what}, posts lost", ours["lost"], "", bare["lost"], name, Goal("<=", 0, of="value")),
        Row(f"{what}, posts duplicated", ours["duplicated"], "", bare["duplicated"], name,
            Goal("<=", 0, of="value")),
        Row(f"{what}, invalid cards", ours["violations"], "", bare["violations"], name,
            Goal("<=", 0, of="value")),
    ]  # fmt: skip
    print(table(rows))
    return rows


if __name__ == "__main__":
    asyncio.run(main())
