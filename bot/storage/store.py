"""The Store: one object holding every aggregate's queries over one database connection."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from bot.storage.answers import AnswerStore
from bot.storage.db import open_db
from bot.storage.directory import Directory
from bot.storage.events import EventStore
from bot.storage.outbox import Outbox
from bot.storage.people import People
from bot.storage.retention import RetentionStore
from bot.storage.rounds import RoundStore


class Store:
    """The database, reached through one store per aggregate (composition, not inheritance).

    Args:
        db: An open, migrated database (see :func:`open_store` for the usual way in).
        seeded: Source of pseudonyms and response keys for a repeatable demo; None (always,
            outside the demo) means unguessable random ones.
    """

    def __init__(self, db: Database, seeded: random.Random | None = None):
        self.db = db
        self.rounds = RoundStore(db)
        self.answers = AnswerStore(db, _seeded_ids(seeded) if seeded else None)
        self.directory = Directory(db)
        self.people = People(db, (lambda: f"p-{seeded.getrandbits(32):08x}") if seeded else None)
        self.outbox = Outbox(db)
        self.events = EventStore(db)
        self.retention = RetentionStore(db)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Run the block in one transaction (nested blocks become savepoints)."""
        with self.db.atomic():
            yield

    def close(self) -> None:
        """Close the connection."""
        self.db.close()


def _seeded_ids(seeded: random.Random) -> Callable[[], str]:
    return lambda: str(uuid.UUID(int=seeded.getrandbits(128), version=4))


def open_store(path: Path | str | None = None, seeded: random.Random | None = None) -> Store:
    """Open (and migrate) the database at ``path`` (None: in memory) and return its Store.

    Args:
        path: The SQLite file; None for an in-memory database.
        seeded: Only for the demo: makes pseudonyms and response keys repeatable.
    """
    return Store(open_db(path), seeded)
