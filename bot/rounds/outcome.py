"""Keep what an exercise produced: its last step's close records the team's agreement."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core import Core
from bot.digests.outcomes import agreement_items, is_last_step
from bot.models import Round, Team

log = logging.getLogger(__name__)


def keep_agreement(core: Core, rnd: Round, team: Team, now: datetime) -> bool:
    """Record the agreement of ``rnd``'s exercise run when ``rnd`` is its last step.

    Runs inside the close's transaction. Returns False for any other round, and when this
    round's agreement was kept already (a close never runs twice, but a retry may).
    """
    if rnd.set_id is None or not is_last_step(core, rnd):
        return False
    exercise = rnd.set_id.partition(":")[2]
    items = agreement_items(core, rnd, team)
    kept = core.store.timeline.save_agreement(team.id, exercise, rnd.id, items, now)
    if kept:
        log.info("agreement of %s kept for team %s (round %s)", exercise, team.id, rnd.id)
    return kept
