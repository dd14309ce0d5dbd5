"""Schema migrations; never edit one that has been applied, add a new one.

The steps register in import order, which is the order a new database applies them: keep the
imports below in the order the steps were released.
"""

from __future__ import annotations

from bot.storage.migrations import foundation, growth, privacy  # noqa: F401  (registers)
from bot.storage.migrations.registry import migrations

__all__ = ["migrations"]
