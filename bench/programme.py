"""Programme round benchmark: 1,000 channels opened and closed against Slack's limits.

Run with ``python -m bench --only programme``. A fake Web API on 127.0.0.1 enforces Slack's
published tiers (adapters/slack/limits.py) with Slack's minute run faster, so the round takes
seconds, not twenty minutes; the floor is computed from the same limits, the bot paces with the
same scaled minute, and the opening is compared with a bare slack_sdk client sending the very
same posts to a fresh fake.

Scaling the minute shrinks the platform's share of the round but not the CPU the opening takes,
so the faster Slack's clock runs, the more the opening weighs against the floor. The goal is
measured with a minute of ``GOAL_MINUTE`` (12 times faster than Slack's); the same round with a
one-second minute (60 times faster) is reported beside it, to show that weight.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.web.async_client import AsyncWebClient

from adapters.server import build_server
from adapters.slack.app import SlackAdapter
from adapters.slack.limits import METHOD_TIER, POST_INTERVAL, TIER_PER_MINUTE
from bench._report import Goal, Row, table
from bench._slackbed import (
    MINUTE,
    NOW,
    SECRET,
    TEAMS,
    percentiles,
    post,
    seed,
    seed_rosters,
    serving,
)
from bot.clock import ManualClock
from bot.models import DeliveryStatus
from bot.rounds.fanout import PARALLEL
from bot.settings import Settings
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.specs import find_specs_dir
from tests.harness import make_bot

GOAL_MINUTE = 5.0
"""Seconds in one of Slack's minutes for the goal's run (real Slack: 60)."""
ACK_GAP = 0.05
"""Seconds between the commands sent while the round opens (twenty a second)."""
FAKE_BURST = 1
"""Calls the fake allows on top of a tier's minute (tests/fakes/slack_api.py)."""


@asynccontextmanager
async def _workspace(minute: float = MINUTE) -> AsyncIterator[FakeSlackWebAPI]:
    """A fake workspace of 1,000 channels with three people each, held to Slack's limits."""
    async with FakeSlackWebAPI(
        find_specs_dir(), per_channel_interval=POST_INTERVAL * minute / 60, tiers=True,
        minute=minute,
    ) as api:  # fmt: skip
        for user in ("U1", "U2", "U3", "UMGR"):
            api.add_user(user, user)
        for i in range(TEAMS):
            api.add_channel(f"C{i:05d}", ["U1", "U2", "U3"])
        yield api


async def _bare_posts(posts: list[dict[str, Any]]) -> float:
    """Seconds a bare slack_sdk client takes to send ``posts``, PARALLEL at a time.

    No database, no rendering, no pacing: the cost of the HTTP calls and the fake alone,
    the bound of what our opening can reach in this one process.
    """
    async with _workspace() as api, aiohttp.ClientSession() as session:
        client = AsyncWebClient(token="xoxb-test", base_url=api.base_url, session=session)
        started = time.perf_counter()
        for i in range(0, len(posts), PARALLEL):
            chunk = posts[i : i + PARALLEL]
            await asyncio.gather(*(client.api_call("chat.postMessage", json=p) for p in chunk))
        took = time.perf_counter() - started
    assert len(api.top_posts()) == len(posts) and not api.violations, "the same posts, accepted"
    return took


@dataclass
class _Round:
    """What one programme round run measured."""

    total: float
    opened: float
    closed: float
    floor: float
    acks: list[float]
    api: FakeSlackWebAPI


async def _programme_round(workdir: Path, minute: float) -> _Round:
    """Open and close a round in 1,000 channels against Slack's tiers; acks while it opens."""
    async with _workspace(minute) as api:
        clock = ManualClock(NOW)
        adapter = SlackAdapter(
            bot_token="xoxb-test",
            signing_secret=SECRET,
            base_url=api.base_url,
            pace=POST_INTERVAL * minute / 60,
            minute=minute,
        )
        settings = Settings(env="test", admins="slack:UMGR")
        lc = make_bot(workdir / f"prog-{minute:g}.db", settings, clock, {"slack": adapter})
        seed(lc, TEAMS, 0)
        seed_rosters(lc, TEAMS, ["U1", "U2", "U3"])
        workers = serving(lc)
        req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
        acks: list[float] = []
        server = TestServer(build_server([adapter], lc.door), host="127.0.0.1", port=0)
        async with TestClient(server) as http:
            started = time.perf_counter()
            signed = req.command("start programma", user_id="UMGR", channel_id="C00000")
            await post(http, signed)
            opening = asyncio.ensure_future(adapter.drain())
            n = 0
            while not opening.done():
                # Open loop: a command every ACK_GAP seconds, as people send them, not one
                # the moment the last was answered (that would be the bench's own load).
                status = req.command("status", user_id="UMGR", channel_id=f"C{n % TEAMS:05d}")
                acks.append((await post(http, status))[0])
                n += 1
                await asyncio.wait({opening}, timeout=max(0.0, started + n * ACK_GAP -
                                                          time.perf_counter()))  # fmt: skip
            await opening
            while lc.store.outbox.counts().get(DeliveryStatus.PENDING, 0):
                clock.advance(timedelta(minutes=5))
                await lc.reconcile(clock.now())
            opened = time.perf_counter() - started
            closing = time.perf_counter()
            clock.set(NOW + timedelta(days=30))
            await lc.reconcile(clock.now())
            while lc.store.outbox.counts().get(DeliveryStatus.PENDING, 0):
                clock.advance(timedelta(minutes=5))
                await lc.reconcile(clock.now())
            total = time.perf_counter() - started
            closed = time.perf_counter() - closing
        await adapter.pool.close()
        workers.close()
    # The floor: what Slack's limits allow for the calls the round needs at least, one post
    # per channel to open (1/s per channel; no published workspace number) and one
    # chat.update per channel to close (Tier 3), each tier a bucket of a minute's calls.
    per_minute = TIER_PER_MINUTE[METHOD_TIER["chat.update"]]
    floor = max(0, TEAMS - per_minute - FAKE_BURST) / (per_minute / minute)
    calls = {m: len(api.of(m)) for m in ("chat.postMessage", "chat.update",
                                          "conversations.members", "users.info")}  # fmt: skip
    print(f"programme round (minute {minute:g} s): opened in {opened:.1f} s, closed at "
          f"{total:.1f} s; calls {calls}; 429s {api.rate_limited_by}; connections "
          f"{len(api.connections)}; spec violations {len(api.violations)}", flush=True)  # fmt: skip
    return _Round(total, opened, closed, floor, acks, api)


async def programme_round(workdir: Path) -> list[Row]:
    """The round at the goal's minute, the same at a one-second minute, and the bare posts."""
    run = await _programme_round(workdir, GOAL_MINUTE)
    fast = await _programme_round(workdir, MINUTE)
    api = run.api
    bare = await _bare_posts([dict(c.args) for c in api.of("chat.postMessage")])
    lost = duplicated = 0
    for fake in (api, fast.api):  # both runs count
        top = fake.top_posts()
        lost += sum(1 for i in range(TEAMS) if top.get(f"C{i:05d}", 0) == 0)
        duplicated += sum(n - 1 for n in top.values() if n > 1)
    _, p99 = percentiles(run.acks) if run.acks else (0.0, 0.0)
    scale = f"Slack's minute = {GOAL_MINUTE:g} s"
    return [
        Row(f"programme round, {TEAMS:,} channels opened and closed ({scale})", run.total, "s",
            run.floor, "floor from Slack's limits", Goal("<=", 1.1)),
        Row(f"  opening: {TEAMS:,} round posts, with commands at {1 / ACK_GAP:g}/s", run.opened,
            "s", bare, f"bare slack_sdk client, same posts, {PARALLEL} at a time"),
        Row(f"  closing: {TEAMS:,} posts updated (Tier 3)", run.closed, "s", run.floor,
            "floor from Slack's limits", Goal("<=", 1.1)),
        Row(f"  channels without the round post (of {TEAMS:,}, both runs)", lost, "",
            goal=Goal("<=", 0, "value")),
        Row(f"  round posts duplicated (of {TEAMS:,}, both runs)", duplicated, "",
            goal=Goal("<=", 0, "value")),
        Row("  429 answers from the fake during the rounds",
            api.rate_limited + fast.api.rate_limited, "", goal=Goal("<=", 0, "value")),
        Row(f"  the same round with Slack's minute = {MINUTE:g} s (the opening's CPU weighs 5× "
            "more)", fast.total, "s", fast.floor, "floor from Slack's limits"),
        Row(f"ack p99 while the {TEAMS:,}-channel round opens ({len(run.acks)} acks, "
            f"{1 / ACK_GAP:g}/s)", p99, "ms", goal=Goal("<=", 250, "value")),
    ]  # fmt: skip


async def run() -> list[Row]:
    """Run the programme round benchmark and return its rows."""
    with tempfile.TemporaryDirectory() as tmp:
        return await programme_round(Path(tmp))


def main(argv: list[str] | None = None) -> list[Row]:
    """Entry point of ``python -m bench --only programme``: run and return the rows."""
    return asyncio.run(run())


if __name__ == "__main__":
    print(table(main()))
