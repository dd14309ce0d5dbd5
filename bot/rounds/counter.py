"""Keep the answer counter on a round's channel post current, at most one update per interval."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core import Core
from bot.messages import ConversationRef, Rendered
from bot.models import RoundStatus
from bot.ports import ChatPort, DbBusyError
from bot.rounds.composer import round_message, route

log = logging.getLogger(__name__)
# Slack's chat.update is Tier 3: about 50 a minute for the whole workspace. A thousand teams
# answering at once must not queue the counters of one channel behind the others' posts, so a
# round's counter changes at most this often; the answers in between make one trailing update.
COUNTER_INTERVAL = timedelta(seconds=20)


class Counter:
    """Updates a round's post after answers came in, at most once per ``COUNTER_INTERVAL``.

    The first answer after a quiet spell shows at once. Answers that arrive within the
    interval after an update are shown together by one trailing update when it has passed;
    ``flush`` sends those (the fan-out's run calls it, and the core's timer wakes it then).
    All bookkeeping runs on the event loop, so it needs no lock; it is not durable either,
    because the counter is re-derived from the database each time: a lost trailing update is
    made good by the next answer or the close.

    Args:
        core: The wired context.
        interval: The least time between two updates of one round's counter.
    """

    def __init__(self, core: Core, interval: timedelta = COUNTER_INTERVAL):
        self.core = core
        self.interval = interval
        self._sent: dict[int, datetime] = {}  # round id -> when its last update started
        self._due: dict[int, datetime] = {}  # round id -> when its trailing update is due
        self._busy: set[int] = set()  # rounds whose update is under way

    async def refresh(self, round_id: int) -> None:
        """Show a round's new answer count now, or in one trailing update within the interval.

        Args:
            round_id: The round whose answers changed.
        """
        now = self.core.clock.now()
        last = self._sent.get(round_id)
        if round_id in self._busy or round_id in self._due:
            self._later(round_id, (last or now) + self.interval)
            return
        if last is not None and now < last + self.interval:
            self._later(round_id, last + self.interval)
            return
        await self._send(round_id, now)

    async def flush(self, now: datetime) -> int:
        """Send every trailing update that is due; return how many were sent.

        Args:
            now: The time of the run.
        """
        due = [rid for rid, when in self._due.items() if when <= now and rid not in self._busy]
        for round_id in due:
            self._due.pop(round_id, None)
            await self._send(round_id, now)
        # Forget rounds that have been quiet for a whole interval: their next answer shows at once.
        for round_id, when in list(self._sent.items()):
            if when + self.interval <= now and round_id not in self._due:
                del self._sent[round_id]
        return len(due)

    def pending(self) -> dict[int, datetime]:
        """Return the rounds waiting for a trailing update, with when each is due."""
        return dict(self._due)

    def _later(self, round_id: int, when: datetime) -> None:
        self._due[round_id] = max(self._due.get(round_id, when), when)
        self.core.timer.wake_at(self._due[round_id])

    async def _send(self, round_id: int, now: datetime) -> None:
        self._busy.add(round_id)
        self._sent[round_id] = now
        try:
            await self._update(round_id)
        finally:
            self._busy.discard(round_id)

    async def _update(self, round_id: int) -> None:
        # The counter is re-derived from the database each time, so a lost or repeated
        # update cannot make it wrong; it is therefore not an outbox delivery.
        try:
            found = await self.core.run(self._message, round_id)
        except DbBusyError:
            return  # the next answer or the close brings the counter up to date
        if found is None:
            return
        port, ref, message_id, msg = found
        try:
            await port.update(ref, message_id, msg)
        except Exception as exc:
            log.warning("counter of round %s not updated: %s", round_id, type(exc).__name__)

    def _message(self, round_id: int) -> tuple[ChatPort, ConversationRef, str, Rendered] | None:
        r = route(self.core, round_id)
        ref = r.ref() if r else None
        if r is None or ref is None or not r.rnd.message_id:
            return None
        if r.rnd.status is not RoundStatus.OPEN:
            return None  # a late trailing update: the close has queued the final post itself
        return r.port, ref, r.rnd.message_id, round_message(self.core, r)
