"""Store and migrations: schema from an empty file, no-op re-run, claims that happen once."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.models import Anonymity, Phase, Purpose, RoundStatus
from bot.rounds.starting import RoundError
from bot.storage.db import open_db
from bot.storage.migrations import migrations
from bot.storage.outbox import Outbox
from tests.conftest import make_team
from tests.harness import Bot, make_bot


def test_migrations_apply_from_empty_file_and_again_as_no_op(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    db = open_db(path)
    tables = set(db.table_names())
    assert {
        "programme",
        "team",
        "member",
        "team_member",
        "role",
        "milestone",
        "round",
        "round_question",
        "delivery",
        "response",
        "response_status",
        "conversation",
        "inbound_event",
    } <= tables
    applied = list(db.query("SELECT name FROM _sqlite_migrations"))
    db.close()
    again = open_db(path)
    assert list(again.query("SELECT name FROM _sqlite_migrations")) == applied
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


async def test_one_open_round_per_team(lc: Bot, console, clock: ManualClock) -> None:
    make_team(lc, console)
    first = await lc.start_round("wijk", "start", None, clock.now())
    assert first.status is RoundStatus.OPEN
    with pytest.raises(RoundError) as refused:
        await lc.start_round("wijk", "freshup", None, clock.now())
    assert refused.value.key == "round_error.already_open"
    assert [r.status for r in lc.store.rounds.rounds_of("wijk")].count(RoundStatus.OPEN) == 1


async def test_delivery_claimed_once_even_by_two_connections(
    tmp_path: Path, settings, clock: ManualClock
) -> None:
    path = tmp_path / "two.db"
    lc = make_bot(path, settings, clock)
    one, two = lc.store.db, open_db(path)
    make_team(lc, ConsoleAdapter())
    rnd = lc.store.rounds.insert_round(
        team_id="wijk",
        phase=Phase.START,
        seq=0,
        set_id="start",
        opens_at=clock.now(),
        remind_at=None,
        closes_at=clock.now() + timedelta(days=3),
        anonymity=Anonymity.ANONYMOUS,
    )
    a, b = Outbox(one), Outbox(two)
    assert a.add(rnd.id, Purpose.OPEN, clock.now(), conversation_id=1)
    assert not b.add(rnd.id, Purpose.OPEN, clock.now(), conversation_id=1)
    (delivery,) = a.due(clock.now())
    assert [a.claim(delivery.id, clock.now()), b.claim(delivery.id, clock.now())] == [True, False]
    # A crash after the claim leaves 'sending': it is found again and put back in line,
    # never dropped, and only once even if two processes try.
    later = clock.now() + timedelta(minutes=11)
    assert [d.id for d in b.in_flight(later)] == [delivery.id]
    assert b.requeue(delivery.id, later) and not a.requeue(delivery.id, later)
    assert [d.id for d in a.due(later)] == [delivery.id]


def test_m016_keeps_every_delivery_of_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    old.execute("PRAGMA foreign_keys = ON")
    migrations.apply(old, stop_before="m016_exercises")
    old.execute("INSERT INTO programme (id, name) VALUES ('p', 'P')")
    old.execute(
        "INSERT INTO team (id, name, programme_id, platform, created_at) "
        "VALUES ('t', 'T', 'p', 'console', '2027-01-01T00:00:00+00:00')"
    )
    old.execute(
        "INSERT INTO round (id, team_id, phase, set_id, opens_at, closes_at, status, anonymity) "
        "VALUES (7, 't', 'start', 'start', '2027-01-11T08:30:00+00:00', "
        "'2027-01-15T16:00:00+00:00', 'open', 'anonymous')"
    )
    old.execute(
        "INSERT INTO delivery (round_id, purpose, status, attempts, next_attempt_at, message_id) "
        "VALUES (7, 'open', 'sent', 1, '2027-01-11T08:30:00+00:00', 'ts-1')"
    )
    old.close()
    db = open_db(path)
    [row] = list(db.query("SELECT round_id, purpose, status, message_id FROM delivery"))
    assert row == {"round_id": 7, "purpose": "open", "status": "sent", "message_id": "ts-1"}
    assert list(db.query("SELECT step FROM round")) == [{"step": None}]
    assert {"agreement", "team_event"} <= set(db.table_names())
    db.execute(
        "INSERT INTO delivery (round_id, purpose, member_id, next_attempt_at) "
        "VALUES (7, 'joined', 3, '2027-01-12T08:30:00+00:00')"
    )
    db.close()
