"""The people and conversation a Teams activity names: who acted, where, who joined or left."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from bot.messages import USER_ID, Actor, ConversationRef, MemberJoined, MemberLeft

PLATFORM = "teams"
# A channel message's conversation id names the thread: "19:...@thread.tacv2;messageid=..."
THREAD_SUFFIX = re.compile(r";messageid=\d+$")
ENTRA_ID = re.compile(USER_ID)


class MalformedError(ValueError):
    """An activity that cannot be what Teams sends; refused without touching the core."""


def as_dict(value: object) -> dict[str, Any]:
    """Return ``value`` if it is a JSON object, else an empty one.

    Args:
        value: Any part of an activity.

    Returns:
        The object, or ``{}`` for anything else.
    """
    return value if isinstance(value, dict) else {}


def as_str(value: object) -> str:
    """Return ``value`` if it is a string, else ``""``.

    Args:
        value: Any part of an activity.

    Returns:
        The string, or ``""`` for anything else.
    """
    return value if isinstance(value, str) else ""


def bot_of(activity: dict[str, Any]) -> dict[str, str]:
    """Return the bot the activity was sent to, as Teams names it.

    Args:
        activity: The incoming activity.

    Returns:
        The recipient's ``id`` and ``name`` ("" when missing).
    """
    bot = as_dict(activity.get("recipient"))
    return {"id": as_str(bot.get("id")), "name": as_str(bot.get("name"))}


def channel_id(activity: dict[str, Any]) -> str:
    """Return the conversation to post in: a channel's id without the thread suffix."""
    conv = as_dict(activity.get("conversation"))
    conv_id = as_str(conv.get("id"))
    if not conv_id:
        raise MalformedError("no conversation id")
    return THREAD_SUFFIX.sub("", conv_id)


def tenant_of(activity: dict[str, Any]) -> str:
    """Return the Entra tenant the activity came from ("" when Teams did not say)."""
    conv = as_dict(activity.get("conversation"))
    tenant = as_dict(as_dict(activity.get("channelData")).get("tenant"))
    return as_str(conv.get("tenantId")) or as_str(tenant.get("id"))


def conversation(activity: dict[str, Any]) -> ConversationRef:
    """Return the reference of the activity's conversation, with what proactive posts need."""
    conv = as_dict(activity.get("conversation"))
    data = as_dict(activity.get("channelData"))
    kind = as_str(conv.get("conversationType")) or "personal"
    name = as_str(as_dict(data.get("channel")).get("name")) or as_str(conv.get("name")) or None
    if not name and kind == "channel":
        name = as_str(as_dict(data.get("team")).get("name")) or None
    return ConversationRef(
        platform=PLATFORM,
        external_id=channel_id(activity),
        kind="personal" if kind == "personal" else "channel",
        name=name[:200] if name else None,
        reference={
            "serviceUrl": as_str(activity.get("serviceUrl")),
            "tenantId": tenant_of(activity),
            "bot": bot_of(activity),
            "conversationType": kind,
        },
    )


def actor(activity: dict[str, Any]) -> Actor:
    """Return the person who acted, identified by their Entra object id (``aadObjectId``)."""
    sender = as_dict(activity.get("from"))
    aad = as_str(sender.get("aadObjectId"))
    if not ENTRA_ID.match(aad):
        raise MalformedError("no aadObjectId")
    return person(
        aad,
        as_str(sender.get("name")) or None,
        as_str(activity.get("locale")) or None,
        as_str(sender.get("id")),
        activity,
    )


def person(
    aad: str, name: str | None, locale: str | None, teams_id: str, activity: dict[str, Any]
) -> Actor:
    """Return an actor with the reference a personal chat with them needs."""
    try:
        return Actor(
            platform=PLATFORM,
            user_id=aad,
            display_name=name[:200] if name else None,
            locale=locale[:16] if locale else None,
            reference={
                "id": teams_id,
                "serviceUrl": as_str(activity.get("serviceUrl")),
                "tenantId": tenant_of(activity),
                "bot": bot_of(activity),
            },
        )
    except ValidationError as exc:
        raise MalformedError("not a person") from exc


def thread_of(activity: dict[str, Any]) -> str | None:
    """Return the root post of the channel thread the activity is in (None outside channels)."""
    conv = as_dict(activity.get("conversation"))
    if as_str(conv.get("conversationType")) != "channel":
        return None
    found = re.search(r";messageid=(\d+)$", as_str(conv.get("id")))
    return found.group(1) if found else (as_str(activity.get("id")) or None)


def bot_added(activity: dict[str, Any]) -> bool:
    """Whether the activity tells that the bot was installed or added to this conversation."""
    kind = activity.get("type")
    if kind == "installationUpdate":
        return as_str(activity.get("action")) in ("add", "add-upgrade")
    if kind != "conversationUpdate":
        return False
    bot_id = bot_of(activity)["id"]
    added = activity.get("membersAdded") or []
    return any(as_str(as_dict(m).get("id")) == bot_id for m in added) and bool(bot_id)


def _people(activity: dict[str, Any], field: str) -> list[Actor]:
    if activity.get("type") != "conversationUpdate":
        return []
    bot_id = bot_of(activity)["id"]
    found = []
    for member in activity.get(field) or []:
        member = as_dict(member)
        aad, teams_id = as_str(member.get("aadObjectId")), as_str(member.get("id"))
        if teams_id != bot_id and ENTRA_ID.match(aad):
            found.append(person(aad, as_str(member.get("name")) or None, None, teams_id, activity))
    return found


def members_joined(activity: dict[str, Any]) -> list[MemberJoined]:
    """Return the people (not the bot) a ``conversationUpdate`` says joined the conversation."""
    ref = conversation(activity) if activity.get("membersAdded") else None
    return [
        MemberJoined(actor=a, conversation=ref) for a in _people(activity, "membersAdded") if ref
    ]


def members_left(activity: dict[str, Any]) -> list[MemberLeft]:
    """Return the people (not the bot) a ``conversationUpdate`` says left the conversation."""
    ref = conversation(activity) if activity.get("membersRemoved") else None
    return [
        MemberLeft(actor=a, conversation=ref) for a in _people(activity, "membersRemoved") if ref
    ]
