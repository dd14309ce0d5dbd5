"""Slack benchmarks: acks and submissions vs bare slack-bolt, a programme round vs its floor.

Run with ``python -m bench --only slack``. Everything talks to a fake Web API on 127.0.0.1
that enforces Slack's published tiers (adapters/slack/limits.py) with Slack's minute run
``60 / MINUTE`` times faster, so a round to 1,000 channels takes seconds; the floor is
computed from the same limits, and the bot paces with the same scaled minute.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from adapters.server import build_server
from adapters.slack.app import SlackAdapter
from adapters.slack.limits import METHOD_TIER, POST_INTERVAL, TIER_PER_MINUTE
from adapters.slack.outbound import make_client
from bench._report import Goal, Row, table
from bot.clock import ManualClock
from bot.messages import Actor, ConversationRef, HomeRequested
from bot.models import Anonymity, DeliveryStatus, Phase, RoleName
from bot.settings import Settings
from bot.storage.workers import Workers
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.slack_world import answers_for
from tests.fakes.specs import find_specs_dir
from tests.harness import Bot, make_bot

SECRET = "bench-secret"
NOW = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
TEAMS, ANSWERS, ACKS, SUBMISSIONS = 1000, 100_000, 1000, 500
MINUTE = 1.0
"""Seconds in one of Slack's rate-limit minutes in this bench (60 in real life)."""
ACK_GAP = 0.01
"""Seconds between the commands sent while a programme round opens (100 a second)."""
FAKE_BURST = 1
"""Calls the fake allows on top of a tier's minute (tests/fakes/slack_api.py)."""


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


def _serving(lc: Bot) -> Workers:
    """Move the core's database work onto worker threads, as ``reflectiebot serve`` runs it."""
    workers = Workers(lc.store)
    lc.core.db = workers
    return workers


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


def _seed_rosters(lc: Bot, teams: int, members: list[str]) -> None:
    """Give every team a roster read recently (as join events keep it); setup only."""
    with lc.store.atomic():
        for i in range(teams):
            actors = [Actor(platform="slack", user_id=u) for u in members]
            lc.store.people.sync_roster(f"team-{i}", actors)
            lc.store.directory.roster_synced(f"team-{i}", NOW)


async def _post(http: TestClient[Any, Any], signed: SignedRequest) -> tuple[float, str]:
    started = time.perf_counter()
    response = await http.post("/slack/events", data=signed.body.encode(), headers=signed.headers)
    body = await response.text()
    return (time.perf_counter() - started) * 1000, body


async def ack_latency(workdir: Path) -> list[Row]:
    """/reflectie status acks, ours and bare slack-bolt's, interleaved one by one."""
    async with FakeSlackWebAPI(find_specs_dir()) as api:
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=SECRET, base_url=api.base_url, pace=0
        )
        settings = Settings(env="test", admins="slack:UMGR")
        lc = make_bot(workdir / "ack.db", settings, ManualClock(NOW), {"slack": adapter})
        _seed(lc, TEAMS, ANSWERS)
        workers = _serving(lc)
        req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
        ours: list[float] = []
        bare: list[float] = []
        server = TestServer(build_server([adapter], lc.door), host="127.0.0.1", port=0)
        bare_server = TestServer(_bare_app(api.base_url), host="127.0.0.1", port=0)
        async with TestClient(server) as mine, TestClient(bare_server) as theirs:
            for n in range(ACKS + 50):
                channel = f"C{n % TEAMS:05d}"
                signed = req.command("status", user_id="UMGR", channel_id=channel)
                took, _ = await _post(mine, signed)
                await adapter.drain()
                took_bare, _ = await _post(
                    theirs, req.command("status", user_id="UMGR", channel_id=channel)
                )
                if n >= 50:  # warm-up: imports, auth.test, first connections
                    ours.append(took)
                    bare.append(took_bare)
        await adapter.pool.close()
        workers.close()
    (p50, p99), (b50, b99) = _percentiles(ours), _percentiles(bare)
    data = f"{TEAMS:,} teams, {ANSWERS:,} answers, {ACKS:,} interleaved"
    return [
        Row(f"ack p50 /reflectie status ({data})", p50, "ms", b50, "bare slack-bolt"),
        Row(f"ack p99 /reflectie status ({data})", p99, "ms", b99, "bare slack-bolt",
            Goal("<=", 1.3)),
    ]  # fmt: skip


async def submissions(workdir: Path) -> list[Row]:
    """Answer submissions per second, ours (stored, committed) vs bare bolt acking them."""
    people = [f"U{i:04d}" for i in range(SUBMISSIONS)]
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
        _seed(lc, 1, 0)
        _seed_rosters(lc, 1, people)
        workers = _serving(lc)
        req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
        server = TestServer(build_server([adapter], lc.door), host="127.0.0.1", port=0)
        bare_server = TestServer(_bare_app(api.base_url), host="127.0.0.1", port=0)
        async with TestClient(server) as mine, TestClient(bare_server) as theirs:
            await _post(mine, req.command("start", user_id="UMGR", channel_id="C00000"))
            await adapter.drain()
            rnd = lc.store.rounds.open_round_of("team-0")
            assert rnd is not None
            await _post(mine, req.button(rnd.id, user_id=people[0], channel_id="C00000"))
            await adapter.drain()
            view = dict(api.of("views.open")[-1].args["view"])
            answers = answers_for(view)
            signed = [req.view_submission(view, answers, user_id=u) for u in people]
            bare_signed = [req.view_submission(view, answers, user_id=u) for u in people]
            ours = bare = 0.0
            for mine_req, bare_req in zip(signed, bare_signed, strict=True):
                took, body = await _post(mine, mine_req)
                assert '"update"' in body, body[:200]
                ours += took
                bare += (await _post(theirs, bare_req))[0]
            await adapter.drain()
            # The answers within the counter's interval show in one trailing update after it.
            clock.advance(lc.rounds.counter.interval)
            await lc.rounds.deliver(clock.now())
            await adapter.drain()
            stored = await lc.core.run(lc.store.answers.answered_count, rnd.id)
        await adapter.pool.close()
        workers.close()
    assert stored == SUBMISSIONS, stored
    [post] = [m for m in api.messages.values() if m.ts == rnd.message_id]
    assert f"{SUBMISSIONS} van {SUBMISSIONS}" in str(post.blocks), "the counter shows them all"
    interval = f"{lc.rounds.counter.interval.total_seconds():g} s"
    return [
        Row(f"answer submissions per second ({SUBMISSIONS} people, one after another)",
            SUBMISSIONS / (ours / 1000), "/s", SUBMISSIONS / (bare / 1000), "bare slack-bolt",
            Goal(">=", 0.5)),
        Row(f"counter updates (chat.update) for those submissions, all within {interval}",
            len(api.of("chat.update")), "calls", float(SUBMISSIONS), "one per submission",
            Goal("<=", 2, "value")),
    ]  # fmt: skip


async def programme_round(workdir: Path) -> list[Row]:
    """Open and close a round in 1,000 channels against Slack's tiers; acks while it opens."""
    minute = MINUTE
    async with FakeSlackWebAPI(
        find_specs_dir(), per_channel_interval=POST_INTERVAL * minute / 60, tiers=True,
        minute=minute,
    ) as api:  # fmt: skip
        for user in ("U1", "U2", "U3", "UMGR"):
            api.add_user(user, user)
        for i in range(TEAMS):
            api.add_channel(f"C{i:05d}", ["U1", "U2", "U3"])
        clock = ManualClock(NOW)
        adapter = SlackAdapter(
            bot_token="xoxb-test",
            signing_secret=SECRET,
            base_url=api.base_url,
            pace=POST_INTERVAL * minute / 60,
            minute=minute,
        )
        settings = Settings(env="test", admins="slack:UMGR")
        lc = make_bot(workdir / "prog.db", settings, clock, {"slack": adapter})
        _seed(lc, TEAMS, 0)
        _seed_rosters(lc, TEAMS, ["U1", "U2", "U3"])
        workers = _serving(lc)
        req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
        acks: list[float] = []
        server = TestServer(build_server([adapter], lc.door), host="127.0.0.1", port=0)
        async with TestClient(server) as http:
            started = time.perf_counter()
            signed = req.command("start programma", user_id="UMGR", channel_id="C00000")
            await _post(http, signed)
            opening = asyncio.ensure_future(adapter.drain())
            n = 0
            while not opening.done():
                # Open loop: a command every ACK_GAP seconds, as people send them, not one
                # the moment the last was answered (that would be the bench's own load).
                status = req.command("status", user_id="UMGR", channel_id=f"C{n % TEAMS:05d}")
                acks.append((await _post(http, status))[0])
                n += 1
                await asyncio.wait({opening}, timeout=max(0.0, started + n * ACK_GAP -
                                                          time.perf_counter()))  # fmt: skip
            await opening
            while lc.store.outbox.counts().get(DeliveryStatus.PENDING, 0):
                clock.advance(timedelta(minutes=5))
                await lc.reconcile(clock.now())
            opened = time.perf_counter() - started
            clock.set(NOW + timedelta(days=30))
            await lc.reconcile(clock.now())
            while lc.store.outbox.counts().get(DeliveryStatus.PENDING, 0):
                clock.advance(timedelta(minutes=5))
                await lc.reconcile(clock.now())
            total = time.perf_counter() - started
        await adapter.pool.close()
        workers.close()
    top = api.top_posts()
    lost = sum(1 for i in range(TEAMS) if top.get(f"C{i:05d}", 0) == 0)
    duplicated = sum(n - 1 for n in top.values() if n > 1)
    updated = sum(1 for m in api.messages.values() if m.thread_ts is None and m.updates)
    # The floor: what Slack's limits allow for the calls the round needs at least, one post
    # per channel to open (1/s per channel; no published workspace number) and one
    # chat.update per channel to close (Tier 3), each tier a bucket of a minute's calls.
    per_minute = TIER_PER_MINUTE[METHOD_TIER["chat.update"]]
    floor = max(0, TEAMS - per_minute - FAKE_BURST) / (per_minute / minute)
    _, p99 = _percentiles(acks) if acks else (0.0, 0.0)
    calls = {m: len(api.of(m)) for m in ("chat.postMessage", "chat.update",
                                          "conversations.members", "users.info")}  # fmt: skip
    print(f"programme round: opened in {opened:.1f} s, closed at {total:.1f} s; calls {calls}; "
          f"429s {api.rate_limited_by}; connections {len(api.connections)}; "
          f"spec violations {len(api.violations)}; updated {updated}", flush=True)  # fmt: skip
    scale = f"Slack's minute = {minute:g} s"
    return [
        Row(f"programme round, {TEAMS:,} channels opened and closed ({scale})", total, "s",
            floor, "floor from Slack's limits", Goal("<=", 1.1)),
        Row(f"  channels without the round post (of {TEAMS:,})", lost, "",
            goal=Goal("<=", 0, "value")),
        Row(f"  round posts duplicated (of {TEAMS:,})", duplicated, "",
            goal=Goal("<=", 0, "value")),
        Row("  429 answers from the fake during the round", api.rate_limited, "",
            goal=Goal("<=", 0, "value")),
        Row(f"ack p99 while the {TEAMS:,}-channel round opens ({len(acks)} acks, "
            f"{1 / ACK_GAP:g}/s)", p99, "ms",
            goal=Goal("<=", 250, "value")),
    ]  # fmt: skip


def _close_ms(lc: Bot, rounds: int) -> float:
    """Median milliseconds of closing one round (the transaction: seal, queue update/digests)."""
    now = NOW
    opened = [lc.rounds.start_round(f"team-{i}", "start", None, now) for i in range(rounds)]
    later = now + timedelta(days=10)
    took = []
    for rnd in opened:
        began = time.perf_counter()
        lc.rounds.lifecycle.close_round(rnd.id, later)
        took.append((time.perf_counter() - began) * 1000)
    return statistics.median(took)


def closing(workdir: Path) -> list[Row]:
    """Closing a round with 100,000 answers of other rounds stored vs an empty database."""
    out = []
    for name, answers in (("empty", 0), ("full", ANSWERS)):
        lc = make_bot(workdir / f"close-{name}.db", Settings(env="test"), ManualClock(NOW), {})
        _seed(lc, 200, answers)
        _seed_rosters(lc, 200, ["U1", "U2", "U3"])
        out.append(_close_ms(lc, 100))
        lc.store.close()
    empty, full = out
    return [
        Row(f"close one round, {ANSWERS:,} answers stored (median of 100)", full, "ms", empty,
            "empty database", Goal("<=", 1.2)),
    ]  # fmt: skip


def _home_bot(workdir: Path, teams: int) -> tuple[Bot, HomeRequested]:
    """A programme round open in every team; a coach who is in one of them."""
    lc = make_bot(workdir / f"home-{teams}.db", Settings(env="test"), ManualClock(NOW), {})
    _seed(lc, teams, 0)
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
        rows += await programme_round(workdir)
        rows += closing(workdir)
        rows += app_home(workdir)
    return rows


def main(argv: list[str] | None = None) -> list[Row]:
    """Entry point of ``python -m bench --only slack``: run and return the rows."""
    return asyncio.run(run())


if __name__ == "__main__":
    print(table(main()))
