"""Keep the answer counter on a round's channel post current, one coalesced update at a time."""

from __future__ import annotations

import logging

from bot.core import Core
from bot.messages import ConversationRef, Rendered
from bot.ports import ChatPort, DbBusyError
from bot.rounds.composer import round_message, route

log = logging.getLogger(__name__)


class Counter:
    """Updates a round's post after answers came in, coalescing the updates per round.

    Args:
        core: The wired context.
    """

    def __init__(self, core: Core):
        self.core = core
        # round id -> whether answers came in while its counter update was under way.
        self._counting: dict[int, bool] = {}

    async def refresh(self, round_id: int) -> None:
        """Bring the counter of a round's post up to date (on the event loop).

        Args:
            round_id: The round whose answers changed.
        """
        # Coalesced: while one update of a round's counter waits (chat.update is Tier 3, 50 a
        # minute for the whole workspace), the answers that arrive make one more update after
        # it, not one each. Runs on the event loop only, so the bookkeeping needs no lock.
        if round_id in self._counting:
            self._counting[round_id] = True
            return
        self._counting[round_id] = False
        try:
            while True:
                await self._update(round_id)
                if not self._counting.get(round_id):
                    return
                self._counting[round_id] = False
        finally:
            self._counting.pop(round_id, None)

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
        return r.port, ref, r.rnd.message_id, round_message(self.core, r)
