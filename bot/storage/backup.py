"""Backups with SQLite's online backup API, and restoring one in place of the database."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from bot.storage.probe import DatabaseFile, probe

PAGES_PER_STEP = 1024


class BackupError(Exception):
    """A backup or restore was refused; ``key`` names the catalog message."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


def backup(database: Path, target: Path) -> int:
    """Copy a live database to ``target``, consistent even while the bot writes to it.

    SQLite's backup API copies page by page and restarts a step that a concurrent write
    changed, so the copy is one moment's state; the bot does not have to stop.

    Returns:
        The size of the backup in bytes.

    Raises:
        BackupError: ``backup.exists`` when ``target`` is already there.
    """
    if target.exists():
        raise BackupError("backup.exists", path=target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=PAGES_PER_STEP)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()
    os.chmod(partial, 0o600)  # answers are personal data, in a backup too
    partial.replace(target)
    return target.stat().st_size


def check_backup(path: Path) -> None:
    """Refuse a file that is not a whole reflectiebot database.

    Raises:
        BackupError: ``backup.not_ours`` or ``backup.damaged``.
    """
    if probe(path) is not DatabaseFile.OURS:
        raise BackupError("backup.not_ours", path=path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if verdict != "ok":
        raise BackupError("backup.damaged", path=path)


def restore(backup_file: Path, database: Path) -> Path | None:
    """Put a checked backup in place of the database; the old file is kept beside it.

    The caller must hold the instance lock (no server running). The next start migrates the
    restored database to the current schema, as after any upgrade.

    Returns:
        Where the replaced database was kept, or None when there was none.

    Raises:
        BackupError: The backup is not a whole reflectiebot database.
    """
    check_backup(backup_file)
    kept = None
    incoming = database.with_name(database.name + ".restoring")
    shutil.copyfile(backup_file, incoming)
    os.chmod(incoming, 0o600)
    if database.exists():
        kept = database.with_name(database.name + ".before-restore")
        database.replace(kept)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)  # they belonged to the old file
    incoming.replace(database)
    return kept
