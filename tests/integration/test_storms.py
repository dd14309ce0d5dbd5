"""429 and 5xx storms: every post arrives once, in order per channel; stopped rounds stay silent.

The real slack-bolt adapter and core against the fake Web API, which answers a seeded share of
posts with 429 (``Retry-After``) or 503. The outbox retries each delivery on its own time; the
test plays the retry timer with a manual clock, jumping to each delivery's ``next_attempt_at``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.slack.app import SlackAdapter
from bot.backoff import Backoff
from bot.clock import ManualClock, SystemClock
from bot.core import Core
from bot.messages import Actor, CommandInvoked, ConversationRef
from bot.models import DeliveryStatus, RoleName
from bot.rounds.fanout import PARALLEL
from bot.rounds.service import RoundService
from bot.settings import Settings
from bot.storage.outbox import MAX_ATTEMPTS
from bot.storage.store import open_store
from prompts.library import load_library
from scheduler.jobs import Runner
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.specs import specs_dir_fixture  # noqa: F401
from tests.harness import Bot, make_bot

CHANNELS = 40
MANAGER = Actor(platform="slack", user_id="UMGR", display_name="mgr")


@dataclass
class Storm:
    api: FakeSlackWebAPI
    lc: Bot
    clock: ManualClock

    async def command(self, text: str, channel: str = "C00000") -> str:
        conversation = ConversationRef(platform="slack", external_id=channel, name=channel)
        reply = await self.lc.door.handle(
            CommandInvoked(actor=MANAGER, conversation=conversation, text=text)
        )
        await self.lc.door.drain()
        return reply.message.text if reply.message else ""

    async def settle(self) -> int:
        """Play the retry timer until nothing waits; return how many timer firings it took."""
        firings = 0
        while (due := self.lc.store.outbox.next_due()) is not None:
            firings += 1
            assert firings < 200, "retries must be bounded"
            self.clock.set(max(due, self.clock.now()))
            await self.lc.rounds.deliver(self.clock.now())
        return firings


@pytest.fixture
async def storm(specs_dir: Path) -> AsyncIterator[Storm]:
    async with FakeSlackWebAPI(specs_dir) as api:
        for user in ("U1", "U2", "UMGR"):
            api.add_user(user, user)
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret="s", base_url=api.base_url, pace=0
        )
        clock = ManualClock(datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
        lc = make_bot(None, Settings(env="test", admins="slack:UMGR"), clock, {"slack": adapter})
        lc.store.directory.ensure_programme("prog", "Programma")
        for i in range(CHANNELS):
            channel = f"C{i:05d}"
            api.add_channel(channel, ["U1", "U2", "UMGR"])
            ref = ConversationRef(platform="slack", external_id=channel, name=channel)
            conv = lc.store.directory.upsert_conversation(ref)
            lc.store.directory.create_team(f"t{i}", f"T{i}", "prog", conv, "slack", clock.now())
        yield Storm(api, lc, clock)
        lc.store.close()


def _ordered_posts(api: FakeSlackWebAPI, channel: str) -> list[str]:
    return [
        m.text
        for (c, _), m in sorted(api.messages.items(), key=lambda kv: kv[1].ts)
        if c == channel
    ]


async def test_a_storm_of_429s_and_503s_delivers_every_post_once(storm: Storm) -> None:
    storm.api.flaky = {"chat.postMessage": (0.6, "7"), "conversations.members": (0.3, "3")}
    assert "40 van de 40" in await storm.command("start programma")
    firings = await storm.settle()
    assert storm.api.flaky_answers > CHANNELS, "the storm was real"
    top = storm.api.top_posts()
    assert len(top) == CHANNELS and set(top.values()) == {1}
    counts = storm.lc.store.outbox.counts()
    assert counts.get(DeliveryStatus.FAILED, 0) == 0 and counts[DeliveryStatus.SENT] == CHANNELS
    # Retries honour Retry-After and back off in seconds: all done within minutes, not ticks.
    assert storm.clock.now() - datetime(2027, 1, 11, 8, 0, tzinfo=UTC) < timedelta(minutes=10)
    assert firings >= 2


async def test_a_stopped_rounds_delayed_post_never_overtakes_the_next_round(storm: Storm) -> None:
    storm.api.flaky = {"chat.postMessage": (1.0, "30")}  # every first try is refused
    for i in range(20):
        assert "gestart" in await storm.command("start", channel=f"C{i:05d}")
        assert "gestopt" in await storm.command("stop ja", channel=f"C{i:05d}")
        assert "gestart" in await storm.command("start opfris", channel=f"C{i:05d}")
    storm.api.flaky = {"chat.postMessage": (0.3, "5")}
    await storm.settle()
    for i in range(20):
        posts = _ordered_posts(storm.api, f"C{i:05d}")
        assert len(posts) == 1, f"C{i:05d}: only the running round's post, once"
        assert "Opfrismoment" in posts[0] or "opfris" in posts[0].lower()


async def test_a_fan_out_stopped_mid_send_gives_back_what_it_had_claimed_ahead(
    storm: Storm,
) -> None:
    # While one chunk is on the wire the next is claimed and rendered; stopped then (a
    # shutdown's cancel), only the posts on the wire have an unknown outcome: the chunk
    # claimed ahead goes back in line at once instead of waiting out the stale-claim time.
    posts = storm.api.hold("chat.postMessage")
    now = storm.clock.now()
    storm.lc.rounds.start_programme("prog", None, None, now)
    sending = asyncio.ensure_future(storm.lc.rounds.deliver(now))
    await posts.arrived.wait()
    outbox = storm.lc.store.outbox
    assert outbox.counts()[DeliveryStatus.SENDING] == 2 * PARALLEL, "the next chunk claimed"
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    counts = outbox.counts()
    assert counts[DeliveryStatus.SENDING] == PARALLEL, "only the posts on the wire are unknown"
    assert len(outbox.due(now)) == CHANNELS - PARALLEL, "the rest may go out right away"
    posts.release()
    await storm.api.wait_for_call("chat.postMessage", PARALLEL)  # the held ones arrive
    await storm.settle()  # the posts given back go out; the unknown ones are recovery's
    top = storm.api.top_posts()
    assert len(top) == CHANNELS and set(top.values()) == {1}, "every channel once"


async def test_a_post_that_keeps_failing_is_given_up_and_the_managers_are_told(
    storm: Storm,
) -> None:
    people = storm.lc.store.people
    people.grant(people.upsert_member(MANAGER).id, "programme", "prog", RoleName.MANAGER)
    storm.api.fail_next = [("chat.postMessage", 503)] * MAX_ATTEMPTS
    await storm.command("start", channel="C00001")
    await storm.settle()
    assert "C00001" not in storm.api.top_posts()
    attempts = [
        c
        for c in storm.api.calls
        if c.args.get("channel") == "C00001" and c.method == "chat.postMessage"
    ]
    assert len(attempts) == MAX_ATTEMPTS, "bounded: no endless retrying"
    [notice] = [m for m in storm.api.messages.values() if m.channel == "DUMGR"]
    assert "niet in het kanaal" in notice.text and "T1" in notice.text
    assert storm.lc.store.outbox.counts().get(DeliveryStatus.PENDING, 0) == 0


async def test_rate_limits_that_say_when_to_come_back_never_make_a_post_give_up(
    storm: Storm,
) -> None:
    # Slack said when to retry: waiting is the right answer, however often it says so; only
    # failures without that promise (5xx) use up the bounded tries.
    storm.api.fail_next = [("chat.postMessage", 429)] * (MAX_ATTEMPTS + 2)
    await storm.command("start", channel="C00001")
    await storm.settle()
    assert "C00001" in storm.api.top_posts(), "delivered after the platform's waits"
    attempts = [
        c
        for c in storm.api.calls
        if c.args.get("channel") == "C00001" and c.method == "chat.postMessage"
    ]
    assert len(attempts) > MAX_ATTEMPTS
    assert storm.lc.store.outbox.counts().get(DeliveryStatus.FAILED, 0) == 0


async def test_a_retry_runs_on_its_own_timer_not_on_the_minute_tick(specs_dir: Path) -> None:
    async with FakeSlackWebAPI(specs_dir) as api:
        api.add_user("UMGR", "mgr")
        api.add_channel("C1", ["UMGR"])
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret="s", base_url=api.base_url, pace=0
        )
        clock = SystemClock()
        runner = Runner(clock, reconcile_every=timedelta(hours=1))  # the tick will not help
        store = open_store(None)
        core = Core(
            store,
            load_library(),
            Settings(env="test", admins="slack:UMGR"),
            clock,
            ports={"slack": adapter},
            timer=runner,
        )
        rounds = RoundService(core, backoff=Backoff(base=0.05, cap=0.1))
        await runner.start(rounds)
        try:
            ref = ConversationRef(platform="slack", external_id="C1", name="c1")
            conv = store.directory.upsert_conversation(ref)
            store.directory.ensure_programme("prog", "Programma")
            store.directory.create_team("t", "T", "prog", conv, "slack", clock.now())
            api.fail_next = [("chat.postMessage", 503)]
            rounds.start_round("t", "start", None, clock.now())
            assert await rounds.deliver(clock.now()) == 0  # the first try meets the 503
            await api.wait_for_call("chat.postMessage", timeout=5)  # the timer's retry
            assert len(api.posts_to("C1")) == 1
        finally:
            await runner.stop()
            store.close()
