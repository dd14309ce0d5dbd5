"""SQL for the installation's own secrets: the key that signs forms, the id posts carry."""

from __future__ import annotations

import secrets

from sqlite_utils import Database

from bot.storage.db import one


class InstanceStore:
    """Values made once per installation and kept in the database (never in the code).

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def value(self, name: str) -> str:
        """Return the installation's value ``name``, making a random one the first time."""
        self.db.execute(
            "INSERT OR IGNORE INTO instance_secret (name, value) VALUES (?, ?)",
            [name, secrets.token_hex(32)],
        )
        row = one(self.db, "SELECT value FROM instance_secret WHERE name = ?", [name])
        assert row is not None  # inserted just above if it was missing
        return str(row["value"])
