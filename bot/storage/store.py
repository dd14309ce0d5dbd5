"""The Store: every aggregate's queries, over one SQLite connection per thread that uses it."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from bot.storage.answers import AnswerStore
from bot.storage.audit import AuditStore
from bot.storage.batches import BatchStore
from bot.storage.db import DEFAULT_BUSY_MS, open_db, write_transaction
from bot.storage.directory import Directory
from bot.storage.events import EventStore
from bot.storage.instance import InstanceStore
from bot.storage.outbox import Outbox
from bot.storage.people import People
from bot.storage.retention import RetentionStore
from bot.storage.rounds import RoundStore
from bot.storage.stats import StatsStore
from bot.storage.subject import SubjectStore
from bot.storage.timeline import TimelineStore


@dataclass
class _Bound:
    """The stores of one thread's connection."""

    db: Database
    rounds: RoundStore
    answers: AnswerStore
    directory: Directory
    people: People
    outbox: Outbox
    events: EventStore
    retention: RetentionStore
    instance: InstanceStore
    batches: BatchStore
    stats: StatsStore
    timeline: TimelineStore
    audit: AuditStore
    subject: SubjectStore

    @classmethod
    def on(cls, db: Database, seeded: random.Random | None = None) -> _Bound:
        ids = _seeded_ids(seeded) if seeded else None
        pseudonyms = (lambda: f"p-{seeded.getrandbits(32):08x}") if seeded else None
        return cls(
            db,
            RoundStore(db),
            AnswerStore(db, ids),
            Directory(db),
            People(db, pseudonyms),
            Outbox(db),
            EventStore(db),
            RetentionStore(db),
            InstanceStore(db),
            BatchStore(db),
            StatsStore(db),
            TimelineStore(db),
            AuditStore(db),
            SubjectStore(db),
        )


class Store:
    """The database, reached through one store per aggregate (composition, not inheritance).

    A SQLite connection may only be used by the thread that opened it, so each thread gets
    its own on first use: the event loop never has to wait on SQLite when the database work
    runs on worker threads (``bot.storage.workers``), while the command line, the demo and
    the tests use the store from one thread as before.

    Args:
        path: The database file; None for an in-memory database (one thread only).
        seeded: Source of pseudonyms and response keys for a repeatable demo; None (always,
            outside the demo) means unguessable random ones.
    """

    def __init__(self, path: Path | str | None = None, seeded: random.Random | None = None):
        self.path = None if path is None or str(path) == ":memory:" else Path(path)
        self._seeded = seeded
        self._local = threading.local()
        self._memory_thread: int | None = None
        self._forbidden: set[int] = set()
        self._open: list[Database] = []
        self._guard = threading.Lock()
        self._bound()  # create and migrate the file now, in the caller's thread

    def _bound(self) -> _Bound:
        bound: _Bound | None = getattr(self._local, "bound", None)
        if bound is not None:
            return bound
        me = threading.get_ident()
        if me in self._forbidden:
            raise RuntimeError("database work on the event loop: run it through core.run")
        if self.path is None:
            if self._memory_thread not in (None, me):
                raise RuntimeError("an in-memory database lives on the thread that made it")
            self._memory_thread = me
        db = open_db(self.path)
        with self._guard:
            self._open.append(db)
        self._local.bound = bound = _Bound.on(db, self._seeded)
        self._local.busy_ms = DEFAULT_BUSY_MS  # what open_db set
        return bound

    # the aggregates ------------------------------------------------------------------------
    @property
    def db(self) -> Database:
        """This thread's connection (for the few places that need raw SQL, like tests)."""
        return self._bound().db

    @property
    def rounds(self) -> RoundStore:
        """Rounds: planning, status claims, what is due."""
        return self._bound().rounds

    @property
    def answers(self) -> AnswerStore:
        """Question snapshots, rosters and answers."""
        return self._bound().answers

    @property
    def directory(self) -> Directory:
        """Programmes, teams, conversations and timelines."""
        return self._bound().directory

    @property
    def people(self) -> People:
        """Members, team membership, pseudonyms and roles."""
        return self._bound().people

    @property
    def outbox(self) -> Outbox:
        """Deliveries to the platforms."""
        return self._bound().outbox

    @property
    def events(self) -> EventStore:
        """Inbound event ids, for redelivery dedupe."""
        return self._bound().events

    @property
    def retention(self) -> RetentionStore:
        """What is deleted when its time has come."""
        return self._bound().retention

    @property
    def instance(self) -> InstanceStore:
        """The installation's own secrets."""
        return self._bound().instance

    @property
    def batches(self) -> BatchStore:
        """Programme-wide rounds."""
        return self._bound().batches

    @property
    def stats(self) -> StatsStore:
        """Counts for monitoring."""
        return self._bound().stats

    @property
    def timeline(self) -> TimelineStore:
        """A team's joins, task changes and agreements."""
        return self._bound().timeline

    @property
    def audit(self) -> AuditStore:
        """The audit log: who did what, and when."""
        return self._bound().audit

    @property
    def subject(self) -> SubjectStore:
        """What is stored about one person, and forgetting them."""
        return self._bound().subject

    # transactions --------------------------------------------------------------------------
    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Run the block in one write transaction (see :func:`bot.storage.db.write_transaction`)."""
        with write_transaction(self.db):
            yield

    def set_busy_timeout(self, milliseconds: int = DEFAULT_BUSY_MS) -> None:
        """Set how long this thread's connection waits for another writer's lock."""
        wanted = max(int(milliseconds), 1)
        bound = self._bound()
        # Set before every piece of database work: the pragma costs more than most reads,
        # so it is only run when the value changes.
        if getattr(self._local, "busy_ms", None) != wanted:
            bound.db.conn.execute(f"PRAGMA busy_timeout = {wanted}")
            self._local.busy_ms = wanted

    # threads -------------------------------------------------------------------------------
    def forbid_this_thread(self) -> None:
        """Close this thread's connection and refuse any later use from this thread.

        ``reflectiebot serve`` calls it on the event loop's thread once the file is migrated,
        so database work that slipped onto the loop fails loudly instead of blocking it.
        """
        self.close_this_thread()
        self._forbidden.add(threading.get_ident())

    def close_this_thread(self) -> None:
        """Close the calling thread's connection, if it has one."""
        bound: _Bound | None = getattr(self._local, "bound", None)
        if bound is not None:
            bound.db.close()
            with self._guard:
                self._open.remove(bound.db)
            self._local.bound = None

    def close(self) -> None:
        """Close the calling thread's connection (worker threads close their own)."""
        self.close_this_thread()

    def close_everywhere(self) -> None:
        """Close every connection, once the threads that used them have stopped."""
        with self._guard:
            left, self._open = self._open, []
        for db in left:
            db.close()


def _seeded_ids(seeded: random.Random) -> Callable[[], str]:
    return lambda: str(uuid.UUID(int=seeded.getrandbits(128), version=4))


def open_store(path: Path | str | None = None, seeded: random.Random | None = None) -> Store:
    """Open (and migrate) the database at ``path`` (None: in memory) and return its Store.

    Args:
        path: The SQLite file; None for an in-memory database.
        seeded: Only for the demo: makes pseudonyms and response keys repeatable.
    """
    return Store(path, seeded)
