"""Open the SQLite database with the right pragmas, apply migrations, and the query helpers."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.utils import dedupe_keys

from bot.storage.migrations import migrations

DEFAULT_BUSY_MS = 5000
"""How long background work waits for another process's write lock before it gives up."""


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
        # Each connection is used by one thread only (see Store); allowing other threads lets
        # shutdown close the connections of worker threads that have already ended.
        db = Database(sqlite3.connect(str(file), check_same_thread=False), strict=True)
        if fresh:
            # Answers are personal data: only the service account may read the file.
            os.chmod(file, 0o600)
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    # Deleted personal data (a forgotten person, an expired round) is overwritten within its
    # page; FAST does so without extra I/O on the busy outbox, and the daily VACUUM of the
    # retention job drops the free pages from the file.
    db.execute("PRAGMA secure_delete = FAST")
    db.execute(f"PRAGMA busy_timeout = {DEFAULT_BUSY_MS}")
    migrations.apply(db)
    return db


# Every nested block uses this one savepoint name: SQLite releases or rolls back the innermost
# savepoint of a name, and blocks nest strictly, so one name is enough. A fixed statement text
# stays in the connection's statement cache; sqlite-utils' atomic() names each savepoint
# randomly, which compiles three new statements (and reads /dev/urandom) every time.
_SAVEPOINT = "reflectiebot"


@contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """Run the block in one write transaction; nested blocks become savepoints.

    The outermost block begins IMMEDIATE: it takes the write lock before reading, so a read
    inside it can never be invalidated by another process's commit (which SQLite reports
    at once, without waiting); a locked database is waited for up to the busy timeout.
    A nested block that fails is undone alone, so its caller may catch the error and go on.
    """
    conn = db.conn
    if conn.in_transaction:
        conn.execute(f"SAVEPOINT {_SAVEPOINT}")
        try:
            yield
        except BaseException:
            # An error such as a RAISE(ROLLBACK) trigger may have ended the whole
            # transaction, savepoints included: then there is nothing left to undo here.
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO {_SAVEPOINT}")
                conn.execute(f"RELEASE {_SAVEPOINT}")
            raise
        conn.execute(f"RELEASE {_SAVEPOINT}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def iso(when: datetime) -> str:
    """Return an aware datetime as ISO-8601 UTC text, the only form times are stored in."""
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    return when.astimezone(UTC).isoformat()


def _select(db: Database, sql: str, params: Iterable[Any]) -> sqlite3.Cursor | None:
    # A plain SELECT goes straight to the driver: sqlite-utils' query() wraps every statement
    # in a savepoint and parses its first keyword, three statements and much Python per read,
    # which on the hot paths (a submission, a programme round) cost more than the reads.
    if sql.lstrip()[:6].upper() != "SELECT":
        return None
    return db.conn.execute(sql, list(params))


def _dicts(cursor: sqlite3.Cursor, found: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    keys = [d[0] for d in cursor.description]
    if len(set(keys)) != len(keys):
        keys = list(dedupe_keys(keys))  # as sqlite-utils names repeated columns
    return [dict(zip(keys, row, strict=True)) for row in found]


def rows(db: Database, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Return every row of a read-only query."""
    cursor = _select(db, sql, params)
    if cursor is None:
        return list(db.query(sql, list(params)))
    return _dicts(cursor, cursor.fetchall())


def one(db: Database, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
    """Return the first row of a read-only query, or None."""
    cursor = _select(db, sql, params)
    if cursor is None:
        return next(iter(db.query(sql, list(params))), None)
    first = cursor.fetchone()
    found = _dicts(cursor, [first])[0] if first is not None else None
    cursor.close()  # the rest of the result is not wanted
    return found


def changed(db: Database, sql: str, params: Iterable[Any] = ()) -> int:
    """Run a write and return how many rows it changed (a claim succeeded when it is 1)."""
    return int(db.execute(sql, list(params)).rowcount)


def many(db: Database, sql: str, params: Iterable[Iterable[Any]]) -> None:
    """Run one write for every parameter row, in one statement loop inside a transaction.

    Straight to the driver's ``executemany``; inside the caller's transaction (a savepoint)
    or in one of its own, so the driver never leaves an implicit transaction open.
    """
    with write_transaction(db):
        db.conn.executemany(sql, [list(p) for p in params])
