"""Retention: delete rounds, posts, people and audit entries past their time, then reclaim."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import Core

log = logging.getLogger(__name__)
EVENTS_KEPT = timedelta(days=1)
"""Inbound event ids only serve to recognise a redelivery, which comes within minutes."""
IDLE_GRACE = timedelta(days=1)
"""How long someone who did something, but belongs to no team, role or round, is kept."""


@dataclass
class RetentionReport:
    """What one retention run removed."""

    rounds: int = 0
    history: int = 0
    people: int = 0
    audit: int = 0
    events: int = 0
    reclaimed: bool = False

    @property
    def personal(self) -> int:
        """Rows of personal data deleted (event ids are not: they only mark redeliveries)."""
        return self.rounds + self.history + self.people + self.audit

    @property
    def removed(self) -> int:
        """How many rows were deleted in all."""
        return self.personal + self.events


def purge(core: Core, now: datetime) -> RetentionReport:
    """Delete, in one transaction, everything older than its retention period.

    Rounds (with their questions, answers, rosters and posts), agreements and the team's
    timeline of joins and task changes go per team's period,
    ``REFLECTIEBOT_RETENTION_DAYS`` unless the team set its own; audit entries after
    ``REFLECTIEBOT_RETENTION_DAYS``; people the bot no longer needs a day after they last did
    something (``IDLE_GRACE``), so nobody is taken away in the middle of their first command.
    """
    store, days = core.store, core.settings.retention_days
    with store.atomic():
        report = RetentionReport(
            rounds=store.retention.purge_rounds(now, days),
            history=store.retention.purge_history(now, days),
            audit=store.audit.purge_before(now - timedelta(days=days)),
            events=store.events.forget_before(now - EVENTS_KEPT),
        )
        report.people = store.retention.purge_people((now - IDLE_GRACE).date())
    if report.personal:
        log.info(
            "retention: %s rounds, %s people, %s audit entries deleted",
            report.rounds,
            report.people,
            report.audit,
        )
    return report


def retain(core: Core, now: datetime) -> RetentionReport:
    """The daily run: :func:`purge`, then give the freed pages back (outside any transaction)."""
    report = purge(core, now)
    if report.personal:
        report.reclaimed = core.store.retention.reclaim()
    return report
