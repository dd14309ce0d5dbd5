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
        # A value never changes once made, so each connection reads it once: the form key is
        # needed by every submission, which must not pay a write transaction for it.
        self._known: dict[str, str] = {}
        self._made: set[str] = set()  # made by a transaction of this connection not yet seen done

    def value(self, name: str) -> str:
        """Return the installation's value ``name``, making a random one the first time."""
        if name in self._known:
            return self._known[name]
        row = one(self.db, "SELECT value FROM instance_secret WHERE name = ?", [name])
        if row is None:
            made = self.db.execute(
                "INSERT OR IGNORE INTO instance_secret (name, value) VALUES (?, ?)",
                [name, secrets.token_hex(32)],
            ).rowcount
            if made:
                self._made.add(name)
            # Another process may have made it first: the stored value wins.
            row = one(self.db, "SELECT value FROM instance_secret WHERE name = ?", [name])
        assert row is not None  # inserted just above if it was missing
        if not self.db.conn.in_transaction:
            self._made.discard(name)  # committed now, or rolled back and made again above
        if name not in self._made:
            # Committed (made by another transaction, or by ours and committed since): no
            # rollback can take it back. Ours still open could, so that one is read again.
            self._known[name] = str(row["value"])
        return str(row["value"])
