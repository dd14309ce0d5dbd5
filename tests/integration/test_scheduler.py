"""Rounds on a fake clock: on time, after downtime, with two runners, and real timers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock, SystemClock
from bot.messages import Actor, ConversationRef
from bot.models import Anonymity, Phase, RoleName, Round, RoundStatus
from bot.settings import Settings
from scheduler.jobs import Runner, job_id
from tests.harness import Bot, make_bot

START, FRESHUP, END = date(2027, 1, 11), date(2027, 3, 15), date(2027, 5, 28)
MEMBERS = ("ann", "bob", "cas")


@dataclass
class Node:
    """One process: its own connection, lifecycle and chat transcript."""

    lc: Bot
    console: ConsoleAdapter

    def channel_posts(self) -> list[str]:
        # Posts in the channel and its threads; in-place updates are not new posts.
        return [
            text
            for where, text in self.console.transcript
            if where.startswith("#team-a") and not where.endswith("✎")
        ]

    def dms(self, who: str) -> list[str]:
        return [text for where, text in self.console.transcript if where == f"@{who}"]


def make_node(
    path: Path, clock: ManualClock | SystemClock, write: Callable[[str, str], None] | None = None
) -> Node:
    console = ConsoleAdapter(write)
    console.rosters["team-a"] = [
        Actor(platform="console", user_id=u, display_name=u) for u in MEMBERS
    ]
    settings = Settings(db=path, env="test")
    return Node(make_bot(path, settings, clock, {"console": console}), console)


def set_up_team(lc: Bot, now: datetime) -> None:
    lc.store.directory.ensure_programme("prog", "Programma")
    ref = ConversationRef(platform="console", external_id="team-a", name="team-a")
    conv = lc.store.directory.upsert_conversation(ref)
    lc.store.directory.create_team("team-a", "Team A", "prog", conv, "console", now)
    manager = lc.store.people.upsert_member(
        Actor(platform="console", user_id="mgr", display_name="mgr")
    )
    lc.store.people.grant(manager.id, "programme", "prog", RoleName.MANAGER)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "reflectiebot.db"


@pytest.fixture
def node(db_path: Path, clock: ManualClock) -> Iterator[Node]:
    n = make_node(db_path, clock)
    set_up_team(n.lc, clock.now())
    n.lc.plan("team-a", START, [FRESHUP], END, clock.now())
    yield n
    n.lc.store.db.close()


def rounds(node: Node) -> list[Round]:
    return node.lc.store.rounds.rounds_of("team-a")


def first(node: Node) -> Round:
    return rounds(node)[0]


async def test_plan_creates_rounds_on_the_calendar(node: Node) -> None:
    got = [(r.phase, r.status) for r in rounds(node)]
    assert got == [
        (Phase.START, RoundStatus.PLANNED),
        (Phase.FRESHUP, RoundStatus.PLANNED),
        (Phase.WRAPUP, RoundStatus.PLANNED),
    ]
    assert first(node).opens_at == datetime(2027, 1, 11, 8, 30, tzinfo=UTC)
    assert first(node).closes_at == datetime(2027, 1, 15, 16, 0, tzinfo=UTC)


async def test_on_time_open_remind_close_each_once(node: Node, clock: ManualClock) -> None:
    rnd = first(node)
    clock.set(rnd.opens_at)
    report = await node.lc.reconcile(clock.now())
    assert report.opened == [rnd.id]
    assert len(node.channel_posts()) == 1
    assert report.sent == 1, "the tick reports the post it sent"
    assert (await node.lc.reconcile(clock.now())).opened == []
    assert len(node.channel_posts()) == 1

    assert rnd.remind_at is not None
    clock.set(rnd.remind_at)
    report = await node.lc.reconcile(clock.now())
    assert report.reminded == [rnd.id]
    assert all(len(node.dms(who)) == 1 for who in MEMBERS)
    assert report.sent == len(MEMBERS)
    await node.lc.reconcile(clock.now())
    assert all(len(node.dms(who)) == 1 for who in MEMBERS)

    clock.set(rnd.closes_at)
    report = await node.lc.reconcile(clock.now())
    assert report.closed == [rnd.id]
    assert first(node).status is RoundStatus.CLOSED
    # The post updated in place and the digest to the manager (the team has no coach); the
    # channel gets no digest unless the team chose so.
    assert report.sent == 2
    assert (await node.lc.reconcile(clock.now())).closed == []


async def test_downtime_within_grace_opens_late(node: Node, clock: ManualClock) -> None:
    rnd = first(node)
    clock.set(rnd.opens_at + timedelta(hours=5, minutes=59))
    report = await node.lc.reconcile(clock.now())
    assert report.opened == [rnd.id] and report.missed == []
    assert first(node).status is RoundStatus.OPEN
    assert len(node.channel_posts()) == 1


async def test_downtime_beyond_grace_marks_missed_and_tells_the_manager(
    node: Node, clock: ManualClock
) -> None:
    rnd = first(node)
    clock.set(rnd.opens_at + timedelta(hours=6, minutes=1))
    report = await node.lc.reconcile(clock.now())
    assert report.missed == [rnd.id] and report.opened == []
    assert first(node).status is RoundStatus.MISSED
    assert node.channel_posts() == []
    assert len(node.dms("mgr")) == 1
    await node.lc.reconcile(clock.now() + timedelta(minutes=1))
    assert node.channel_posts() == [] and len(node.dms("mgr")) == 1


async def test_stale_reminder_is_skipped_but_close_still_runs(
    node: Node, clock: ManualClock
) -> None:
    rnd = first(node)
    clock.set(rnd.opens_at)
    await node.lc.reconcile(clock.now())
    assert rnd.remind_at is not None
    # Down from before the reminder (09:30) until 16:00 on the last day: 6.5 h late.
    clock.set(rnd.remind_at + timedelta(hours=6, minutes=30))
    report = await node.lc.reconcile(clock.now())
    assert report.closed == []
    assert all(node.dms(who) == [] for who in MEMBERS)
    # Down over the close, for days: closing always runs, even late.
    clock.set(rnd.closes_at + timedelta(days=3))
    report = await node.lc.reconcile(clock.now())
    assert report.closed == [rnd.id]


async def test_two_runners_on_one_file_do_each_action_exactly_once(
    node: Node, db_path: Path, clock: ManualClock
) -> None:
    other = make_node(db_path, clock)
    try:
        rnd = first(node)
        assert rnd.remind_at is not None
        for moment in (rnd.opens_at, rnd.remind_at, rnd.closes_at):
            clock.set(moment)
            await asyncio.gather(
                node.lc.reconcile(clock.now()),
                other.lc.reconcile(clock.now()),
                Runner(clock, node.lc.rounds).fire(rnd.id, "open"),
                Runner(clock, other.lc.rounds).fire(rnd.id, "close"),
            )
        posts = node.channel_posts() + other.channel_posts()
        # The round post only: the close updates it in place, the digest goes to the manager.
        assert len(posts) == 1
        updates = [w for w, _ in node.console.transcript + other.console.transcript if "✎" in w]
        assert len(updates) == 1
        for who in MEMBERS:
            assert len(node.dms(who)) + len(other.dms(who)) == 1
        assert first(other).status is RoundStatus.CLOSED
    finally:
        other.lc.store.db.close()


async def test_runner_rebuild_derives_timers_within_the_horizon(
    node: Node, clock: ManualClock
) -> None:
    runner = Runner(clock, node.lc.rounds)
    await runner.start()
    try:
        rnd = first(node)
        assert runner.round_job_ids() == []  # the start is a week away: reconcile covers it
        clock.set(rnd.opens_at - timedelta(hours=1))
        assert await runner.rebuild() == 1
        assert runner.round_job_ids() == [job_id(rnd.id, "open")]
        job = runner.scheduler.get_job(job_id(rnd.id, "open"))
        assert job is not None and job.next_run_time == rnd.opens_at
        assert await runner.rebuild() == 1  # idempotent: replace_existing
        assert len(runner.round_job_ids()) == 1
    finally:
        runner.shutdown()


async def test_sync_follows_a_replan_and_a_stale_timer_does_nothing(
    node: Node, clock: ManualClock
) -> None:
    runner = Runner(clock, node.lc.rounds, horizon=timedelta(days=400), refresh=timedelta(hours=1))
    await runner.start()
    try:
        rnd = first(node)
        assert job_id(rnd.id, "open") in runner.round_job_ids()
        diff = node.lc.plan("team-a", date(2027, 1, 18), [FRESHUP], END, clock.now())
        assert [m.id for m in diff.moved][:1] == [rnd.id]
        for rid in diff.touched_ids:
            runner.sync(rid)
        await runner.settled()
        moved = first(node)
        job = runner.scheduler.get_job(job_id(rnd.id, "open"))
        assert job is not None and job.next_run_time == moved.opens_at
        # A timer left at the old time (say, in another process) must not open the round.
        clock.set(rnd.opens_at)
        assert await runner.fire(rnd.id, "open") is False
        assert first(node).status is RoundStatus.PLANNED
        assert node.channel_posts() == []
    finally:
        runner.shutdown()


async def test_restart_reconciles_at_once(db_path: Path, node: Node, clock: ManualClock) -> None:
    rnd = first(node)
    node.lc.store.db.close()
    clock.set(rnd.opens_at + timedelta(hours=1))  # the process was down at opening time
    restarted = make_node(db_path, clock)
    runner = Runner(clock, restarted.lc.rounds)
    await runner.start()
    try:
        assert await runner.wait_for_tick(timeout=5)
        assert runner.last_report is not None and runner.last_report.opened == [rnd.id]
        assert len(restarted.channel_posts()) == 1
        assert job_id(rnd.id, "open") not in runner.round_job_ids()
    finally:
        runner.shutdown()
        restarted.lc.store.db.close()


async def test_real_scheduler_fires_a_date_trigger(db_path: Path, node: Node) -> None:
    posted = asyncio.Event()
    live = make_node(db_path, SystemClock(), lambda where, text: posted.set())
    team = live.lc.store.directory.team("team-a")
    assert team is not None
    soon = datetime.now(UTC) + timedelta(milliseconds=100)
    rnd = live.lc.store.rounds.insert_round(
        team_id="team-a",
        phase=Phase.ADHOC,
        seq=0,
        set_id="start",
        opens_at=soon,
        remind_at=None,
        closes_at=soon + timedelta(hours=1),
        anonymity=Anonymity.ANONYMOUS,
    )
    runner = Runner(SystemClock(), live.lc.rounds)
    await runner.start()
    try:
        assert job_id(rnd.id, "open") in runner.round_job_ids()
        await asyncio.wait_for(posted.wait(), timeout=5)
        opened = live.lc.store.rounds.round(rnd.id)
        assert opened is not None and opened.status is RoundStatus.OPEN
    finally:
        runner.shutdown()
        live.lc.store.db.close()
