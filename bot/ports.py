"""Ports between the core and the adapters."""

from __future__ import annotations

from typing import Protocol

from bot.messages import Actor, ConversationRef, Inbound, Rendered, Reply


class DeliveryError(Exception):
    """A platform refused or failed a send.

    Attributes:
        reason: A short machine-readable reason (``channel_not_found``, ``ratelimited``).
        retryable: Whether trying again later can succeed.
        retry_after: Seconds the platform asked us to wait, when it said so.
    """

    def __init__(self, reason: str, *, retryable: bool, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


class ChatPort(Protocol):
    """What the core asks of a chat platform."""

    platform: str
    surface: str

    async def post(self, to: ConversationRef, msg: Rendered, *, thread: str | None = None) -> str:
        """Post a message in a conversation and return its message id."""

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

    async def first_seen(self, platform: str, event_id: str) -> bool:
        """Record an inbound event id; False when it was seen before."""

    async def drain(self) -> None:
        """Wait for follow-up work ``handle`` started after replying (e.g. counter updates)."""


class Timer(Protocol):
    """Timers derived from the database (the scheduler's runner); the database stays the truth."""

    def sync(self, round_id: int) -> None:
        """Re-derive the timers of one round after it was planned, moved, opened or closed."""
