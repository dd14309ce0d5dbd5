"""Open the SQLite database with the right pragmas, apply migrations, and the query helpers."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.storage.migrations import migrations


def open_db(path: Path | str | None = None) -> Database:
    """Open (and create) the database, migrated to the latest schema.

    Args:
        path: File path; ``None`` or ``":memory:"`` gives an in-memory database.

    Returns:
        A ``Database`` with WAL, foreign keys and a busy timeout; use it on one thread only.
    """
    if path is None or str(path) == ":memory:":
        db = Database(memory=True, strict=True)
    else:
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)
        fresh = not file.exists()
        db = Database(file, strict=True)
        if fresh:
            # Answers are personal data: only the service account may read the file.
            os.chmod(file, 0o600)
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    migrations.apply(db)
    return db


def iso(when: datetime) -> str:
    """Return an aware datetime as ISO-8601 UTC text, the only form times are stored in."""
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    return when.astimezone(UTC).isoformat()


def rows(db: Database, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Return every row of a read-only query."""
    return list(db.query(sql, list(params)))


def one(db: Database, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
    """Return the first row of a read-only query, or None."""
    return next(iter(db.query(sql, list(params))), None)


def changed(db: Database, sql: str, params: Iterable[Any] = ()) -> int:
    """Run a write and return how many rows it changed (a claim succeeded when it is 1)."""
    return int(db.execute(sql, list(params)).rowcount)
