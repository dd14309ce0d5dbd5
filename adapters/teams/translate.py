"""Rendered messages to Teams activities; the inbound mapping is re-exported from its modules."""

from __future__ import annotations

from typing import Any

from adapters.teams.activity import (
    PLATFORM,
    THREAD_SUFFIX,
    MalformedError,
    actor,
    bot_added,
    channel_id,
    conversation,
    members_joined,
    members_left,
    person,
    tenant_of,
    thread_of,
)
from adapters.teams.card_actions import (
    ANSWER,
    CARD_ACTION,
    CONFIRM,
    INPUT_PREFIX,
    MAX_ANSWERS,
    MAX_VALUE,
    OPEN_FORM,
    CardAction,
    answers_to_inbound,
    card_action,
    confirm_to_inbound,
    form_to_inbound,
)
from adapters.teams.commands import MENTION, CommandText, Mention, command_text, command_to_inbound
from bot.messages import Rendered

CARD_TYPE = "application/vnd.microsoft.card.adaptive"

__all__ = [
    "ANSWER",
    "CARD_ACTION",
    "CARD_TYPE",
    "CONFIRM",
    "INPUT_PREFIX",
    "MAX_ANSWERS",
    "MAX_VALUE",
    "MENTION",
    "OPEN_FORM",
    "PLATFORM",
    "THREAD_SUFFIX",
    "CardAction",
    "CommandText",
    "MalformedError",
    "Mention",
    "activity_body",
    "actor",
    "answers_to_inbound",
    "bot_added",
    "card",
    "card_action",
    "channel_id",
    "command_text",
    "command_to_inbound",
    "confirm_to_inbound",
    "conversation",
    "form_to_inbound",
    "invoke_card",
    "members_joined",
    "members_left",
    "person",
    "tenant_of",
    "thread_of",
]


def card(msg: Rendered) -> dict[str, Any]:
    """Return the Adaptive Card of a rendered Teams message."""
    payload = msg.payload or {}
    found = payload.get("card")
    if isinstance(found, dict):
        return found
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": msg.text, "wrap": True}],
    }


def activity_body(msg: Rendered) -> dict[str, Any]:
    """Return the message activity that shows ``msg``: Markdown text, or one Adaptive Card."""
    payload = msg.payload or {}
    if payload.get("plain") or "card" not in payload:
        return {"type": "message", "text": msg.text, "textFormat": "markdown"}
    body: dict[str, Any] = {
        "type": "message",
        "attachments": [{"contentType": CARD_TYPE, "content": card(msg)}],
    }
    if msg.text.strip():
        body["summary"] = msg.text[:200]  # what a notification shows
    return body


def invoke_card(msg: Rendered) -> dict[str, Any]:
    """Return the invoke response body that replaces the card for the person who pressed."""
    return {"statusCode": 200, "type": CARD_TYPE, "value": card(msg)}
