"""The one list of schema migrations, applied in the order the steps are registered."""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("reflectiebot")
