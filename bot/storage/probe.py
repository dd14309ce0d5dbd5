"""Tell what a file is before it is opened as the database: missing, ours, another's, or none."""

from __future__ import annotations

import sqlite3
from enum import StrEnum
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATION_SET = "reflectiebot"


class DatabaseFile(StrEnum):
    """What is at a database path; each but OURS and MISSING is a user error for reading."""

    MISSING = "missing"
    EMPTY = "empty"
    OURS = "ours"
    FOREIGN = "foreign"
    NOT_A_DATABASE = "not_a_database"


def probe(path: Path) -> DatabaseFile:
    """Return what ``path`` holds, without creating or changing anything.

    A SQLite file is ours when its migration table names reflectiebot's migrations; any
    other SQLite file belongs to another program and must not be migrated by accident.
    """
    if not path.exists():
        return DatabaseFile.MISSING
    if not path.is_file():
        return DatabaseFile.NOT_A_DATABASE
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError:
        return DatabaseFile.NOT_A_DATABASE
    if not header:
        return DatabaseFile.EMPTY
    if header != SQLITE_HEADER:
        return DatabaseFile.NOT_A_DATABASE
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
            ).fetchone()
            ours = (
                found
                and conn.execute(
                    "SELECT 1 FROM _sqlite_migrations WHERE migration_set = ? LIMIT 1",
                    [MIGRATION_SET],
                ).fetchone()
            )
        finally:
            conn.close()
    except sqlite3.Error:
        return DatabaseFile.NOT_A_DATABASE
    return DatabaseFile.OURS if ours else DatabaseFile.FOREIGN
