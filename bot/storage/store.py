"""The Store: one object holding every aggregate's queries over one database connection."""

from __future__ import annotations

from collections.abc import Iterator
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
    """

    def __init__(self, db: Database):
        self.db = db
        self.rounds = RoundStore(db)
        self.answers = AnswerStore(db)
        self.directory = Directory(db)
        self.people = People(db)
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


def open_store(path: Path | str | None = None) -> Store:
    """Open (and migrate) the database at ``path`` (None: in memory) and return its Store."""
    return Store(open_db(path))
