"""Slack benchmarks: /reflectie ack latency and a programme-wide round to 1,000 channels.

Run with ``python -m bench.slack``. Everything talks to a fake Web API on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from adapters.server import build_server
from adapters.slack.app import SlackAdapter
from adapters.slack.outbound import make_client
from bot.clock import ManualClock
from bot.messages import ConversationRef
from bot.models import Anonymity, DeliveryStatus, Phase
from bot.ports import DeliveryError
from bot.settings import Settings
from prompts.render import render
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.specs import find_specs_dir
from tests.harness import Bot, make_bot

SECRET = "bench-secret"
NOW = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
TEAMS, ANSWERS, ACKS = 1000, 100_000, 300


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _seed(lc: Bot, teams: int, answers: int) -> None:
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


def _bare_app(base_url: str) -> web.Application:
    bolt = AsyncApp(
        signing_secret=SECRET,
        client=make_client("xoxb-test", base_url),
        process_before_response=True,
    )

    async def on_command(ack: Any) -> None:
        await ack(response_type="ephemeral", text="ok")

    bolt.command("/reflectie")(on_command)

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    return app


async def _latencies(app: web.Application, req: SlackRequests, text: str) -> list[float]:
    out = []
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as http:
        for n in range(ACKS + 20):
            signed = req.command(text, user_id="UMGR", channel_id=f"C{n % TEAMS:05d}")
            started = time.perf_counter()
            response = await http.post(
                "/slack/events", data=signed.body.encode(), headers=signed.headers
            )
            await response.read()
            if n >= 20:  # warm-up: first requests pay for auth.test and imports
                out.append((time.perf_counter() - started) * 1000)
    return out


async def ack_latency(workdir: Path) -> list[tuple[str, str, str]]:
    """Compare /reflectie acknowledgement latency with a bare slack-bolt app."""
    async with FakeSlackWebAPI(find_specs_dir()) as api:
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=SECRET, base_url=api.base_url, pace=0
        )
        settings = Settings(env="test", admins="slack:UMGR")
        lc = make_bot(workdir / "ack.db", settings, ManualClock(NOW), {"slack": adapter})
        _seed(lc, TEAMS, ANSWERS)
        req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
        ours = await _latencies(build_server([adapter], lc.door), req, "status")
        await adapter.drain()
        bare = await _latencies(_bare_app(api.base_url), req, "status")
    rows = []
    for name, samples in (
        ("bare slack-bolt AsyncApp", bare),
        ("reflectiebot /reflectie status", ours),
    ):
        p50, p99 = _percentiles(samples)
        rows.append((name, f"{p50:.1f} ms", f"{p99:.1f} ms"))
    return rows


async def programme_round(workdir: Path, pace: float) -> tuple[str, ...]:
    """Start a round in 1,000 channels at once against a fake enforcing 1 message/s/channel."""
    async with FakeSlackWebAPI(find_specs_dir(), per_channel_interval=1.0) as api:
        for user in ("U1", "U2", "U3", "UMGR"):
            api.add_user(user, user)
        for i in range(TEAMS):
            api.add_channel(f"C{i:05d}", ["U1", "U2", "U3"])
        clock = ManualClock(NOW)
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=SECRET, base_url=api.base_url, pace=pace
        )
        settings = Settings(env="test", admins="slack:UMGR")
        lc = make_bot(workdir / f"prog-{pace}.db", settings, clock, {"slack": adapter})
        _seed(lc, TEAMS, 0)
        req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
        started = time.perf_counter()
        async with TestClient(
            TestServer(build_server([adapter], lc.door), host="127.0.0.1", port=0)
        ) as http:
            signed = req.command("start programma", user_id="UMGR", channel_id="C00000")
            await http.post("/slack/events", data=signed.body.encode(), headers=signed.headers)
            await adapter.drain()
        # Retryable failures wait in the outbox; reconcile until it is empty.
        while lc.store.outbox.counts().get(DeliveryStatus.PENDING, 0):
            clock.advance(timedelta(minutes=5))
            await lc.reconcile(clock.now())
        opened = time.perf_counter() - started
        clock.set(NOW + timedelta(days=30))
        while due := lc.store.rounds.due_to_close(clock.now()):
            for rnd in due:
                await lc.close_round(rnd.id, clock.now())
        total = time.perf_counter() - started
        # The round message is the one top-level post per channel (the digest is threaded).
        top: dict[str, int] = {}
        for msg in api.messages.values():
            if msg.thread_ts is None:
                top[msg.channel] = top.get(msg.channel, 0) + 1
        closed = sum(1 for m in api.messages.values() if m.thread_ts is None and m.updates)
        per_channel: dict[str, int] = {}
        for msg in api.messages.values():
            if msg.channel.startswith("C"):
                per_channel[msg.channel] = per_channel.get(msg.channel, 0) + 1
        floor = max(n - 1 for n in per_channel.values())
        lost = sum(1 for i in range(TEAMS) if top.get(f"C{i:05d}", 0) == 0)
        duplicated = sum(n - 1 for n in top.values() if n > 1)
        return (
            f"pace {pace:.0f} s/channel" if pace else "no pacing",
            str(TEAMS),
            f"{opened:.1f} s",
            f"{total:.1f} s",
            f"{floor:.0f} s",
            str(api.rate_limited),
            str(lost),
            str(duplicated),
            str(closed),
            str(len(api.violations)),
        )


async def burst(pace: float, channels: int = 200, each: int = 3) -> tuple[str, ...]:
    """Post ``each`` messages to every channel at once, straight through the adapter."""
    async with FakeSlackWebAPI(find_specs_dir(), per_channel_interval=1.0) as api:
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=SECRET, base_url=api.base_url, pace=pace
        )
        msg = render("slack", "message", "nl", text="bericht")
        failed = 0

        async def channel(i: int) -> int:
            ref = ConversationRef(platform="slack", external_id=f"C{i:05d}")
            misses = 0
            for _ in range(each):
                try:
                    await adapter.post(ref, msg)
                except DeliveryError:
                    misses += 1
            return misses

        started = time.perf_counter()
        failed = sum(await asyncio.gather(*(channel(i) for i in range(channels))))
        took = time.perf_counter() - started
        return (
            f"pace {pace:.0f} s/channel" if pace else "no pacing",
            f"{channels} x {each}",
            f"{took:.1f} s",
            f"{each - 1} s",
            str(api.rate_limited),
            str(failed),
            str(len(api.messages)),
        )


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in rows
    ]
    return "\n".join([line, sep, *body])


async def main() -> None:
    """Run both benchmarks and print their tables."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        acks = await ack_latency(workdir)
        print(
            f"/reflectie ack latency ({ACKS} signed requests each; db: {TEAMS} teams, "
            f"{ANSWERS:,} answers)"
        )
        print(_table(("app", "p50", "p99"), acks))
        print()
        rounds = [await programme_round(workdir, pace) for pace in (1.0, 0.0)]
        print("programme-wide round to 1,000 channels (fake: 1 message/s/channel, 429 beyond)")
        print(
            _table(
                (
                    "outbound",
                    "channels",
                    "opened in",
                    "closed in",
                    "floor",
                    "429s",
                    "lost",
                    "duplicated",
                    "updated at close",
                    "spec violations",
                ),
                rounds,
            )
        )
        print()
        bursts = [await burst(pace) for pace in (1.0, 0.0)]
        print("burst: 3 messages to each of 200 channels at once (adapter only, no outbox)")
        header = ("outbound", "messages", "took", "floor", "429s", "failed", "delivered")
        print(_table(header, bursts))


if __name__ == "__main__":
    asyncio.run(main())
