"""Ports between the core and the adapters."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.messages import Actor, ConversationRef, Inbound, Rendered, Reply


class DeliveryError(Exception):
    """A platform refused or failed a send.

    The adapter knows its platform's error codes; the core only reads these attributes.

    Attributes:
        reason: A short machine-readable reason (``channel_not_found``, ``ratelimited``).
        retryable: Whether trying again later can succeed.
        retry_after: Seconds the platform asked us to wait, when it said so.
        gone: The bot can no longer post in that conversation (archived, removed); the core
            records it and stops trying.
    """

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        gone: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable and not gone
        self.retry_after = retry_after
        self.gone = gone


class DbBusyError(Exception):
    """The database stayed locked (by another process) past the deadline; nothing changed.

    Raised by ``InteractionPort.first_seen`` too, so an adapter can ask the platform to
    redeliver later where it does that (Slack's Events API).
    """


class ChatPort(Protocol):
    """What the core asks of a chat platform."""

    platform: str
    surface: str

    async def post(
        self,
        to: ConversationRef,
        msg: Rendered,
        *,
        thread: str | None = None,
        key: str | None = None,
    ) -> str:
        """Post a message in a conversation and return its message id.

        ``key`` identifies the delivery; a platform that can attach it to the message (Slack
        message metadata) does, so that :meth:`find` can tell later whether it arrived.
        """

    async def find(self, to: ConversationRef, key: str, since: datetime) -> str | None:
        """Return the id of this bot's message carrying ``key``, posted since ``since``.

        Asked after a crash about a post whose outcome is unknown. None means "not found, or
        the platform cannot tell": the core then posts again (a rare duplicate rather than a
        silent gap).
        """

    async def update(self, to: ConversationRef, message_id: str, msg: Rendered) -> None:
        """Replace an earlier message."""

    async def notify(self, member: Actor, msg: Rendered) -> str:
        """Send a direct message to one person and return its message id."""

    async def list_members(self, to: ConversationRef) -> list[Actor]:
        """Return the human members of a conversation."""


class InteractionPort(Protocol):
    """What adapters ask of the core."""

    async def handle(self, event: Inbound) -> Reply:
        """Handle one inbound event and return what to show."""

    async def first_seen(self, platform: str, event_id: str, *, retried: bool = True) -> bool:
        """Record an inbound event id; False when it was seen before.

        ``retried=False`` says the platform never delivers this kind of request twice by
        itself: the id then guards only against replays, in memory, without a database write.

        Raises:
            DbBusyError: The database is locked; the event was not recorded.
        """

    async def drain(self) -> None:
        """Wait for follow-up work ``handle`` started after replying (e.g. counter updates)."""


class Timer(Protocol):
    """Timers derived from the database (the scheduler's runner); the database stays the truth."""

    def sync(self, round_id: int) -> None:
        """Re-derive the timers of one round after it was planned, moved, opened or closed."""

    def wake_at(self, when: datetime) -> None:
        """Run the fan-out at ``when`` (the earliest retry that is waiting), or sooner."""


class NoTimer:
    """The timer of a core without a scheduler (demo, chat, tests): reconcile does the work."""

    def sync(self, round_id: int) -> None:
        """Do nothing; nobody holds timers."""

    def wake_at(self, when: datetime) -> None:
        """Do nothing; whoever drives the core delivers again."""


class RoundAction(StrEnum):
    """What a round timer does when it fires."""

    OPEN = "open"
    REMIND = "remind"
    CLOSE = "close"


class Tick(Protocol):
    """What one reconcile tick did (ids only: safe to log)."""

    opened: list[int]
    missed: list[int]
    reminded: list[int]
    closed: list[int]
    sent: int


class RoundDriver(Protocol):
    """The scheduler's view of the core: what is due when, and doing it."""

    async def upcoming(
        self, now: datetime, until: datetime | None = None
    ) -> list[tuple[int, RoundAction, datetime]]:
        """Return ``(round_id, action, when)`` of actions after ``now`` up to ``until``."""

    async def due_times(self, round_id: int) -> dict[RoundAction, datetime]:
        """Return when each of a round's remaining actions is due (empty when none is)."""

    async def deliver(self, now: datetime) -> int:
        """Send every delivery that is due; return how many were sent."""

    async def act(self, round_id: int, action: RoundAction, now: datetime) -> bool:
        """Do one round action if the database still says it is due; return whether it ran."""

    async def reconcile(self, now: datetime) -> Tick:
        """Catch up with everything due at ``now``."""

    async def retain(self, now: datetime) -> int:
        """Delete what is past its retention period and reclaim the space; return the rows."""
