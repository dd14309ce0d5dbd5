"""Open the SQLite database with the right pragmas and apply migrations."""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database

from bot.migrations import migrations


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
