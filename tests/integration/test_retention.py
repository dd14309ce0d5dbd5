"""Retention: per team, people and audit entries too, the space reclaimed, the digest says so."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.messages import Actor, HomeRequested
from bot.models import AuditAction
from bot.rounds.answering import record_answers
from bot.rounds.retention import IDLE_GRACE
from bot.settings import Settings
from tests.conftest import make_team
from tests.harness import Bot, make_bot
from tests.integration.test_commands_flow import MANAGER, say, text_of


def _answers(lc: Bot, round_id: int, text: str) -> dict[str, str]:
    given = {}
    for q in lc.store.answers.round_questions(round_id):
        options = q.option_ids()
        given[q.question_id] = text if q.kind == "text" else options[0] if options else "3"
    return given


async def _closed_round(lc: Bot, clock: ManualClock, team: str, members: list[Actor]) -> int:
    rnd = await lc.start_round(team, "start", None, clock.now())
    for m in members[:3]:
        record_answers(
            lc.core, rnd.id, m, _answers(lc, rnd.id, "x" * 1500), clock.now(), trusted=True
        )
    clock.set(max(clock.now(), rnd.closes_at))
    await lc.reconcile(clock.now())
    return rnd.id


async def test_a_team_with_its_own_retention_loses_its_rounds_sooner_than_the_default(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    short = make_team(lc, console, "kort")
    default = make_team(lc, console, "lang")
    await say(lc, MANAGER, "instellingen bewaartermijn 30", channel="kort")
    first = await _closed_round(lc, clock, "kort", short)
    second = await _closed_round(lc, clock, "lang", default)
    clock.advance(timedelta(days=31))
    assert await lc.rounds.retain(clock.now()) > 0
    assert lc.store.rounds.round(first) is None
    assert lc.store.rounds.round(second) is not None, "365 days for the other team"
    clock.advance(timedelta(days=lc.core.settings.retention_days - 30))
    await lc.rounds.retain(clock.now())
    assert lc.store.rounds.round(second) is None
    assert lc.store.db["response"].count == 0 and lc.store.db["delivery"].count == 0


async def test_bad_retention_is_explained_in_the_readers_language_and_changes_nothing(
    lc: Bot, console: ConsoleAdapter
) -> None:
    make_team(lc, console)
    for value in ("0", "4000", "veel", ""):
        reply = await say(lc, MANAGER, f"instellingen bewaartermijn {value}".strip())
        assert not reply.ok and "1 tot 3650" in text_of(reply)
    team = lc.store.directory.team("wijk")
    assert team is not None and team.retention_days is None
    shown = text_of(await say(lc, MANAGER, "instellingen"))
    assert "365 dagen na het sluiten" in shown and "standaard van deze installatie" in shown


async def test_audit_entries_and_people_nobody_needs_any_more_are_deleted_too(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members = make_team(lc, console)
    await _closed_round(lc, clock, "wijk", members)
    lc.store.audit.record(clock.now(), "console:mgr", AuditAction.START, "wijk")
    lc.store.people.sync_roster("wijk", members[1:])  # p1 left the channel
    clock.advance(timedelta(days=lc.core.settings.retention_days + 1))
    await lc.rounds.retain(clock.now())
    assert lc.store.audit.entries() == []
    assert lc.store.people.member_by_user("console", "p1") is None, "only a name was left"
    assert lc.store.people.member_by_user("console", "p2") is not None, "still in the team"
    assert lc.store.people.member_by_user("console", "mgr") is not None, "holds a role"


async def test_someone_who_just_did_something_is_not_taken_away_before_a_day_has_passed(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    # An admin from the environment, in no team and without a role in the database: the
    # hourly run must not delete them between two steps of their first command (it once did,
    # and the command then failed on the rounds it was recording for them).
    visitor = Actor(platform="console", user_id="bezoeker")
    await lc.door.handle(HomeRequested(actor=visitor))
    await lc.rounds.retain(clock.now())
    assert lc.store.people.member_by_user("console", "bezoeker") is not None, "just seen"
    clock.advance(IDLE_GRACE + timedelta(days=1))
    await lc.rounds.retain(clock.now())
    assert lc.store.people.member_by_user("console", "bezoeker") is None, "idle for a day"


async def test_the_daily_run_gives_the_space_back_and_deleted_data_is_overwritten(
    tmp_path: Path, clock: ManualClock, console: ConsoleAdapter
) -> None:
    bot = make_bot(tmp_path / "r.db", Settings(env="test"), clock, {"console": console})
    members = make_team(bot, console)
    for _ in range(3):
        await _closed_round(bot, clock, "wijk", members)
        clock.advance(timedelta(days=1))
    db = bot.store.db
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 2  # FAST: within the page
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    clock.advance(timedelta(days=bot.core.settings.retention_days + 1))
    assert await bot.rounds.retain(clock.now()) > 0
    assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert db.execute("PRAGMA page_count").fetchone()[0] < pages
    bot.store.close()


async def test_the_digest_says_from_which_date_data_is_kept(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members = make_team(lc, console)
    await say(lc, MANAGER, "instellingen bewaartermijn 180")
    await _closed_round(lc, clock, "wijk", members)
    digest = dict(console.transcript)["@coach"]
    assert "Bewaartermijn 180 dagen: rondes die vóór" in digest


async def test_the_scheduler_runs_retention_as_a_daily_job_through_the_core(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    from scheduler.jobs import RETAIN_EVERY, RETENTION_JOB, Runner

    members = make_team(lc, console)
    old = await _closed_round(lc, clock, "wijk", members)
    clock.advance(timedelta(days=lc.core.settings.retention_days + 1))
    runner = Runner(clock, lc.rounds)
    await runner.start()
    try:
        job = runner.scheduler.get_job(RETENTION_JOB)
        assert job is not None and job.trigger.interval == RETAIN_EVERY == timedelta(days=1)
    finally:
        runner.shutdown()
    assert await runner.retain() is not None
    assert lc.store.rounds.round(old) is None


async def test_agreements_and_the_teams_timeline_follow_the_same_retention(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    from bot.models import TeamEventKind

    members = make_team(lc, console)
    rnd_id = await _closed_round(lc, clock, "wijk", members)
    note = "De wethouder wil een ander plan"
    lc.store.timeline.add_event("wijk", TeamEventKind.TASK_CHANGED, clock.now(), note=note)
    lc.store.timeline.save_agreement("wijk", "gedragscode", rnd_id, [], clock.now())
    clock.advance(timedelta(days=lc.core.settings.retention_days - 1))
    await lc.rounds.retain(clock.now())
    assert lc.store.db["team_event"].count == 1 and lc.store.db["agreement"].count == 1
    clock.advance(timedelta(days=2))
    await lc.rounds.retain(clock.now())
    assert lc.store.db["team_event"].count == 0 and lc.store.db["agreement"].count == 0
