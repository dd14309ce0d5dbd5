"""Slack benchmarks: acks and submissions vs bare slack-bolt; closing and App Home as data grows.

Run with ``python -m bench --only slack``. Everything talks to a fake Web API on 127.0.0.1
(tests/fakes/slack_api.py) that checks what is sent against Slack's published formats.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from adapters.server import build_server
from adapters.slack.app import SlackAdapter
from adapters.slack.outbound import make_client
from bench._report import Goal, Row, table
from bench._slackbed import (
    ACKS,
    ANSWERS,
    MINUTE,
    NOW,
    SECRET,
    SUBMISSIONS,
    TEAMS,
    percentiles,
    post,
    seed,
    seed_rosters,
    serving,
)
from bot.clock import ManualClock
from bot.messages import Actor, HomeRequested
from bot.models import RoleName
from bot.settings import Settings
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_world import answers_for
from tests.fakes.specs import find_specs_dir
from tests.harness import Bot, make_bot

WARMUP = 20
"""Submissions of each side sent before the timed ones."""


def _bare_app(base_url: str) -> web.Application:
    bolt = AsyncApp(
        signing_secret=SECRET,
        client=make_client("xoxb-test", base_url),
        process_before_response=True,
    )

    async def on_command(ack: Any) -> None:
        await ack(response_type="ephemeral", text="ok")

    async def on_submit(ack: Any) -> None:
        await ack()

    bolt.command("/reflectie")(on_command)
    bolt.view_submission("reflectie.answer_form")(on_submit)

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    return app


async def ack_latency(workdir: Path) -> list[Row]:
    """/reflectie status acks, ours and bare slack-bolt's, interleaved one by one."""
    async with FakeSlackWebAPI(find_specs_dir()) as api:
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=SECRET, base_url=api.base_url, pace=0
        )
        settings = Settings(env="test", admins="slack:UMGR")
        lc = make_bot(workdir / "ack.db", settings, ManualClock(NOW), {"slack": adapter})
        seed(lc, TEAMS, ANSWERS)
        workers = serving(lc)
        req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
        ours: list[float] = []
        bare: list[float] = []
        server = TestServer(build_server([adapter], lc.door), host="127.0.0.1", port=0)
        bare_server = TestServer(_bare_app(api.base_url), host="127.0.0.1", port=0)
        async with TestClient(server) as mine, TestClient(bare_server) as theirs:
            for n in range(ACKS + 50):
                channel = f"C{n % TEAMS:05d}"
                signed = req.command("status", user_id="UMGR", channel_id=channel)
                took, _ = await post(mine, signed)
                await adapter.drain()
                took_bare, _ = await post(
                    theirs, req.command("status", user_id="UMGR", channel_id=channel)
                )
                if n >= 50:  # warm-up: imports, auth.test, first connections
                    ours.append(took)
                    bare.append(took_bare)
        await adapter.pool.close()
        workers.close()
    (p50, p99), (b50, b99) = percentiles(ours), percentiles(bare)
    data = f"{TEAMS:,} teams, {ANSWERS:,} answers, {ACKS:,} interleaved"
    return [
        Row(f"ack p50 /reflectie status ({data})", p50, "ms", b50, "bare slack-bolt"),
        Row(f"ack p99 /reflectie status ({data})", p99, "ms", b99, "bare slack-bolt",
            Goal("<=", 1.3)),
    ]  # fmt: skip


async def submissions(workdir: Path) -> list[Row]:
    """Answer submissions per second, ours (stored, committed) vs bare bolt acking them.

    The first few of each are not timed: they pay for imports, first renders and first
    connections, which a running server has long behind it.
    """
    people = [f"U{i:04d}" for i in range(WARMUP + SUBMISSIONS)]
    async with FakeSlackWebAPI(find_specs_dir()) as api:
        for user in [*people, "UMGR"]:
            api.add_user(user, user)
        api.add_channel("C00000", people)
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=SECRET, base_url=api.base_url, minute=MINUTE
        )
        settings = Settings(env="test", admins="slack:UMGR")
        clock = ManualClock(NOW)
        lc = make_bot(workdir / "submit.db", settings, clock, {"slack": adapter})
        seed(lc, 1, 0)
        seed_rosters(lc, 1, people)
        workers = serving(lc)
        req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
        server = TestServer(build_server([adapter], lc.door), host="127.0.0.1", port=0)
        bare_server = TestServer(_bare_app(api.base_url), host="127.0.0.1", port=0)
        async with TestClient(server) as mine, TestClient(bare_server) as theirs:
            await post(mine, req.command("start", user_id="UMGR", channel_id="C00000"))
            await adapter.drain()
            rnd = lc.store.rounds.open_round_of("team-0")
            assert rnd is not None
            await post(mine, req.button(rnd.id, user_id=people[0], channel_id="C00000"))
            await adapter.drain()
            view = dict(api.of("views.open")[-1].args["view"])
            answers = answers_for(view)
            signed = [req.view_submission(view, answers, user_id=u) for u in people]
            bare_signed = [req.view_submission(view, answers, user_id=u) for u in people]
            ours = bare = 0.0
            for n, (mine_req, bare_req) in enumerate(zip(signed, bare_signed, strict=True)):
                took, body = await post(mine, mine_req)
                assert '"update"' in body, body[:200]
                took_bare = (await post(theirs, bare_req))[0]
                if n >= WARMUP:
                    ours += took
                    bare += took_bare
            await adapter.drain()
            # The answers within the counter's interval show in one trailing update after it.
            clock.advance(lc.rounds.counter.interval)
            await lc.rounds.deliver(clock.now())
            await adapter.drain()
            stored = await lc.core.run(lc.store.answers.answered_count, rnd.id)
        await adapter.pool.close()
        workers.close()
    assert stored == len(people), stored
    [shown] = [m for m in api.messages.values() if m.ts == rnd.message_id]
    assert f"{len(people)} van {len(people)}" in str(shown.blocks), "the counter shows them all"
    interval = f"{lc.rounds.counter.interval.total_seconds():g} s"
    return [
        Row(f"answer submissions per second ({SUBMISSIONS} people, one after another)",
            SUBMISSIONS / (ours / 1000), "/s", SUBMISSIONS / (bare / 1000), "bare slack-bolt",
            Goal(">=", 0.5)),
        Row(f"counter updates (chat.update) for those submissions, all within {interval}",
            len(api.of("chat.update")), "calls", float(len(people)), "one per submission",
            Goal("<=", 2, "value")),
    ]  # fmt: skip


def closing(workdir: Path) -> list[Row]:
    """Closing a round with 100,000 answers of other rounds stored vs an empty database.

    The closes (the transaction: seal, queue the update and digests) alternate between the
    two databases, so a slow moment of the machine hits both.
    """
    bots, opened = [], []
    for name, answers in (("empty", 0), ("full", ANSWERS)):
        lc = make_bot(workdir / f"close-{name}.db", Settings(env="test"), ManualClock(NOW), {})
        seed(lc, 200, answers)
        seed_rosters(lc, 200, ["U1", "U2", "U3"])
        bots.append(lc)
        opened.append([lc.rounds.start_round(f"team-{i}", "start", None, NOW) for i in range(200)])
    later = NOW + timedelta(days=10)
    took: list[list[float]] = [[], []]
    for n in range(200):
        for k, lc in enumerate(bots):
            began = time.perf_counter()
            lc.rounds.lifecycle.close_round(opened[k][n].id, later)
            took[k].append((time.perf_counter() - began) * 1000)
    for lc in bots:
        lc.store.close()
    empty, full = (statistics.median(t) for t in took)
    return [
        Row(f"close one round, {ANSWERS:,} answers stored (median of 200 interleaved)", full,
            "ms", empty, "empty database", Goal("<=", 1.2)),
    ]  # fmt: skip


def _home_bot(workdir: Path, teams: int) -> tuple[Bot, HomeRequested]:
    """A programme round open in every team; a coach who is in one of them."""
    lc = make_bot(workdir / f"home-{teams}.db", Settings(env="test"), ManualClock(NOW), {})
    seed(lc, teams, 0)
    with lc.store.atomic():
        for i in range(teams):
            people = [f"U{i}-{j}" for j in range(3)] + (["UCOACH"] if i == 7 else [])
            actors = [Actor(platform="slack", user_id=u) for u in people]
            lc.store.people.sync_roster(f"team-{i}", actors)
            lc.store.directory.roster_synced(f"team-{i}", NOW)
    lc.rounds.start_programme("prog", "start", None, NOW)
    coach = lc.store.people.upsert_member(Actor(platform="slack", user_id="UCOACH"))
    lc.store.people.grant(coach.id, "team", "team-7", RoleName.COACH)
    event = HomeRequested(actor=Actor(platform="slack", user_id="UCOACH"))
    for _ in range(50):  # warm the caches and the page cache of both before timing
        assert lc.door.home(event).form is not None
    return lc, event


def app_home(workdir: Path) -> list[Row]:
    """App Home of a coach in one team, a programme round open in 10,000 teams vs in 100.

    Everything else grows (teams, their people, open rounds); what the coach sees does not.
    Samples alternate between the two databases, so a slow moment of the machine hits both.
    """
    bots = [_home_bot(workdir, teams) for teams in (100, 10_000)]
    took: list[list[float]] = [[], []]
    for _ in range(ACKS):
        for k, (lc, event) in enumerate(bots):
            began = time.perf_counter()
            lc.door.home(event)
            took[k].append((time.perf_counter() - began) * 1000)
    for lc, _ in bots:
        lc.store.close()
    small, large = (statistics.median(t) for t in took)
    return [
        Row(f"App Home, 10,000 teams with a round open (median of {ACKS:,} interleaved)",
            large, "ms", small, "100 teams", Goal("<=", 1.2)),
    ]  # fmt: skip


async def run() -> list[Row]:
    """Run the Slack benchmarks and return their rows."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rows = await ack_latency(workdir)
        rows += await submissions(workdir)
        rows += closing(workdir)
        rows += app_home(workdir)
    return rows


def main(argv: list[str] | None = None) -> list[Row]:
    """Entry point of ``python -m bench --only slack``: run and return the rows."""
    return asyncio.run(run())


if __name__ == "__main__":
    print(table(main()))
