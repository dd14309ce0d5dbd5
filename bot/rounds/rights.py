"""The rights of the person: what is stored about them, and erasure, each in the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core import Core
from bot.models import AuditAction
from bot.rounds.answering import edit_key
from bot.storage.audit import FORGOTTEN
from bot.storage.store import Store


def personal_data(core: Core, platform: str, user_id: str) -> dict[str, Any] | None:
    """Return everything stored about a person (see ``SubjectStore.personal_data``)."""
    return core.store.subject.personal_data(platform, user_id)


def forget_person(
    store: Store, platform: str, user_id: str, now: datetime, by: str | None = None
) -> dict[str, int] | None:
    """Erase a person's names and links, and record that it happened (not whom).

    Answers to rounds that are still open stay counted but lose the key that let the person
    find them again. Digests already sent are not recomputed.

    Args:
        store: The database (the command line has no core).
        platform: The person's platform.
        user_id: Their id on it.
        now: The moment of erasure.
        by: Who asked (``cli`` for an administrator); None when the person asked themselves.

    Returns:
        How many answers, roles and team memberships went; None when the person is unknown.
    """
    with store.atomic():
        keys = [
            (round_id, edit_key(store.rounds.secret(round_id) or "", member_id))
            for round_id, member_id in store.subject.answering(platform, user_id)
        ]
        removed = store.subject.forget(platform, user_id, keys)
        if removed is not None:
            store.audit.record(now, by or FORGOTTEN, AuditAction.FORGET)
    return removed
