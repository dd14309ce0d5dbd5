"""Console adapter: the chat as lines in a terminal, for the demo and `reflectiebot chat`."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime

from bot.messages import Actor, ConversationRef, Rendered


class ConsoleAdapter:
    """A ChatPort that writes every message to a callback and keeps a transcript.

    Args:
        write: Receives ``(where, text)`` for each message, e.g. to print it.
        rosters: Members per conversation id, as the platform would report them.
    """

    platform = "console"
    surface = "text"

    def __init__(
        self,
        write: Callable[[str, str], None] | None = None,
        rosters: dict[str, list[Actor]] | None = None,
    ):
        self._write = write or (lambda where, text: None)
        self.rosters: dict[str, list[Actor]] = rosters or {}
        self.transcript: list[tuple[str, str]] = []
        self.messages: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self._ids = itertools.count(1)

    def _emit(self, where: str, text: str) -> str:
        message_id = f"m{next(self._ids)}"
        self.messages[message_id] = text
        self.transcript.append((where, text))
        self._write(where, text)
        return message_id

    async def post(
        self,
        to: ConversationRef,
        msg: Rendered,
        *,
        thread: str | None = None,
        key: str | None = None,
    ) -> str:
        """Print a message in a channel (a thread reply is marked as such)."""
        where = f"#{to.name or to.external_id}" + (" ↳" if thread else "")
        message_id = self._emit(where, msg.text)
        if key:
            self.keys[key] = message_id
        return message_id

    async def find(self, to: ConversationRef, key: str, since: datetime) -> str | None:
        """Return the message posted with ``key``: the console remembers every one."""
        return self.keys.get(key)

    async def update(self, to: ConversationRef, message_id: str, msg: Rendered) -> None:
        """Print the new version of an earlier message."""
        self.messages[message_id] = msg.text
        where = f"#{to.name or to.external_id} ✎"
        self.transcript.append((where, msg.text))
        # An edit mostly changes the counter on the last line; show only that line.
        self._write(where, msg.text.strip().splitlines()[-1] if msg.text.strip() else "")

    async def notify(self, member: Actor, msg: Rendered) -> str:
        """Print a direct message."""
        return self._emit(f"@{member.display_name or member.user_id}", msg.text)

    async def list_members(self, to: ConversationRef) -> list[Actor]:
        """Return the configured members of a conversation."""
        return list(self.rosters.get(to.external_id, []))
