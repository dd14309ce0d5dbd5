"""The fake Teams tenant's parts: its people, the posts it holds, the calls and the faults."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

TENANT = "00000000-0000-4000-8000-00000000000a"
BOT_ID = "28:11111111-2222-4333-8444-555555555555"
CARD = "application/vnd.microsoft.card.adaptive"


# Free words and ids: any string is valid there, so they do not change a card's shape.
FREE = {
    "text",
    "title",
    "fallbackText",
    "form_token",
    "value",
    "placeholder",
    "label",
    "id",
    "round",
    "data",
    "prefilled",
    "command",
}


def card_shape(value: Any, key: str = "") -> Any:
    """Return a card with its free words replaced by their type: what its schema check sees."""
    if key in FREE:
        return type(value).__name__
    if isinstance(value, dict):
        return {k: card_shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [card_shape(v) for v in value]
    return value


@dataclass
class Posted:
    """A message the bot posted, as the fake holds it."""

    conversation: str
    id: str
    activity: dict[str, Any]
    reply_to: str | None = None
    updates: int = 0

    @property
    def card(self) -> dict[str, Any] | None:
        """The message's Adaptive Card, if it has one."""
        for attachment in self.activity.get("attachments") or []:
            if attachment.get("contentType") == CARD:
                return dict(attachment["content"])
        return None

    @property
    def text(self) -> str:
        """Everything a person reads in the message (text and the card's JSON)."""
        return str(self.activity.get("text") or "") + json.dumps(
            self.card or {}, ensure_ascii=False
        )


@dataclass
class Person:
    """A person in the fake tenant."""

    aad: str
    name: str

    @property
    def teams_id(self) -> str:
        return f"29:{self.aad}"

    def account(self) -> dict[str, Any]:
        return {"id": self.teams_id, "name": self.name, "aadObjectId": self.aad}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    path: str
    status: int
    authorization: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """The next ``times`` requests (to ``conversation``, or any) answer ``status``."""

    status: int
    times: int
    retry_after: float | None = None
    conversation: str | None = None
