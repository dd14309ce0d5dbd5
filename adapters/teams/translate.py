"""Teams activities (Bot Framework JSON) to the core's neutral events, and back to activities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.messages import (
    USER_ID,
    Actor,
    AnswersSubmitted,
    CommandInvoked,
    ConversationRef,
    FormRequested,
    MemberJoined,
    MemberLeft,
    Rendered,
    token_round_id,
)

PLATFORM = "teams"
ANSWER = "reflectie.answer"
OPEN_FORM = "reflectie.open_form"
CONFIRM = "reflectie.confirm"
CARD_ACTION = "adaptiveCard/action"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
INPUT_PREFIX = "q:"
# A channel message's conversation id names the thread: "19:...@thread.tacv2;messageid=..."
THREAD_SUFFIX = re.compile(r";messageid=\d+$")
MENTION = re.compile(r"<at>(.*?)</at>", re.DOTALL)
_USER_ID = re.compile(USER_ID)
MAX_ANSWERS = 100
MAX_VALUE = 20_000


class MalformedError(ValueError):
    """An activity that cannot be what Teams sends; refused without touching the core."""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def channel_id(activity: dict[str, Any]) -> str:
    """Return the conversation to post in: a channel's id without the thread suffix."""
    conv = _dict(activity.get("conversation"))
    conv_id = _str(conv.get("id"))
    if not conv_id:
        raise MalformedError("no conversation id")
    return THREAD_SUFFIX.sub("", conv_id)


def tenant_of(activity: dict[str, Any]) -> str:
    """Return the Entra tenant the activity came from ("" when Teams did not say)."""
    conv = _dict(activity.get("conversation"))
    tenant = _dict(_dict(activity.get("channelData")).get("tenant"))
    return _str(conv.get("tenantId")) or _str(tenant.get("id"))


def _bot(activity: dict[str, Any]) -> dict[str, str]:
    bot = _dict(activity.get("recipient"))
    return {"id": _str(bot.get("id")), "name": _str(bot.get("name"))}


def conversation(activity: dict[str, Any]) -> ConversationRef:
    """Return the reference of the activity's conversation, with what proactive posts need."""
    conv = _dict(activity.get("conversation"))
    data = _dict(activity.get("channelData"))
    kind = _str(conv.get("conversationType")) or "personal"
    name = _str(_dict(data.get("channel")).get("name")) or _str(conv.get("name")) or None
    if not name and kind == "channel":
        name = _str(_dict(data.get("team")).get("name")) or None
    return ConversationRef(
        platform=PLATFORM,
        external_id=channel_id(activity),
        kind="personal" if kind == "personal" else "channel",
        name=name[:200] if name else None,
        reference={
            "serviceUrl": _str(activity.get("serviceUrl")),
            "tenantId": tenant_of(activity),
            "bot": _bot(activity),
            "conversationType": kind,
        },
    )


def actor(activity: dict[str, Any]) -> Actor:
    """Return the person who acted, identified by their Entra object id (``aadObjectId``)."""
    sender = _dict(activity.get("from"))
    aad = _str(sender.get("aadObjectId"))
    if not _USER_ID.match(aad):
        raise MalformedError("no aadObjectId")
    return person(
        aad,
        _str(sender.get("name")) or None,
        _str(activity.get("locale")) or None,
        _str(sender.get("id")),
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
                "serviceUrl": _str(activity.get("serviceUrl")),
                "tenantId": tenant_of(activity),
                "bot": _bot(activity),
            },
        )
    except ValidationError as exc:
        raise MalformedError("not a person") from exc


@dataclass
class Mention:
    """A person mentioned in a command, by the Teams id the entity gives."""

    teams_id: str
    name: str
    aad: str | None = None


@dataclass
class CommandText:
    """A message's text with the bot's mention stripped and other mentions collected."""

    text: str
    mentions: list[Mention] = field(default_factory=list)


def command_text(activity: dict[str, Any]) -> CommandText:
    """Strip the bot's ``<at>…</at>`` and note the people mentioned, in order."""
    text = _str(activity.get("text"))
    bot_id = _bot(activity)["id"]
    people: dict[str, Mention] = {}
    for entity in activity.get("entities") or []:
        entity = _dict(entity)
        if entity.get("type") != "mention":
            continue
        mentioned = _dict(entity.get("mentioned"))
        teams_id = _str(mentioned.get("id"))
        label = _str(entity.get("text"))
        if not teams_id or not label:
            continue
        if teams_id == bot_id:
            text = text.replace(label, " ")
            continue
        aad = _str(mentioned.get("aadObjectId")) or None
        people[label] = Mention(teams_id, _str(mentioned.get("name")), aad)
    # A mention Teams did not describe in entities is just its name.
    found = [people[m.group(0)] for m in MENTION.finditer(text) if m.group(0) in people]
    return CommandText(re.sub(r"\s+", " ", text).strip(), found)


def command_to_inbound(activity: dict[str, Any], resolved: dict[str, Actor]) -> CommandInvoked:
    """Map a message to ``CommandInvoked``; ``resolved`` maps mentioned Teams ids to people.

    Mentions become ``@<aadObjectId>`` as the command language expects; a mention that could
    not be resolved stays as the name, which the core then calls an unknown person.
    """
    parsed = command_text(activity)
    text = _str(activity.get("text"))
    mentions: dict[str, Actor] = {}
    for label, mention in _labels(activity, parsed):
        who = resolved.get(mention.teams_id)
        if who is None:
            text = text.replace(label, mention.name or "?")
            continue
        mentions[who.user_id] = who
        text = text.replace(label, f"@{who.user_id}")
    text = MENTION.sub(" ", text)  # what is left: the bot's own mention
    return CommandInvoked(
        actor=actor(activity),
        conversation=conversation(activity),
        text=re.sub(r"\s+", " ", text).strip(),
        mentions=mentions,
    )


def _labels(activity: dict[str, Any], parsed: CommandText) -> list[tuple[str, Mention]]:
    wanted = {m.teams_id for m in parsed.mentions}
    out = []
    for entity in activity.get("entities") or []:
        entity = _dict(entity)
        mentioned = _dict(entity.get("mentioned"))
        teams_id = _str(mentioned.get("id"))
        if entity.get("type") == "mention" and teams_id in wanted:
            aad = _str(mentioned.get("aadObjectId")) or None
            out.append(
                (_str(entity.get("text")), Mention(teams_id, _str(mentioned.get("name")), aad))
            )
    return out


@dataclass
class CardAction:
    """A press on a card: its verb and the data (inputs merged in)."""

    verb: str
    data: dict[str, Any]
    invoke: bool


def card_action(activity: dict[str, Any]) -> CardAction | None:
    """Return the Action.Execute invoke or Action.Submit fallback in an activity, if any."""
    value = activity.get("value")
    if activity.get("type") == "invoke":
        if activity.get("name") != CARD_ACTION:
            return None
        action = _dict(_dict(value).get("action"))
        data = _dict(action.get("data"))
        return CardAction(_str(action.get("verb")), data, invoke=True)
    if activity.get("type") == "message" and isinstance(value, dict):
        return CardAction(_str(value.get("verb")), value, invoke=False)
    return None


def _round_id(data: dict[str, Any]) -> int:
    value = data.get("round")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedError("no round")
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 12 or int(text) < 1:
        raise MalformedError("no round")
    return int(text)


def form_to_inbound(activity: dict[str, Any], data: dict[str, Any]) -> FormRequested:
    """Map "my answers" (or the card's refresh) to ``FormRequested``."""
    return FormRequested(actor=actor(activity), round_id=_round_id(data))


def answers_to_inbound(activity: dict[str, Any], data: dict[str, Any]) -> AnswersSubmitted:
    """Map a card's answers to ``AnswersSubmitted``.

    The card lists the inputs it showed prefilled (``prefilled``); such an input that comes
    back empty was emptied on purpose and goes into ``cleared``. An empty input that was
    empty on the card changes nothing.
    """
    token = _str(data.get("form_token"))
    round_id = token_round_id(token) if token else None
    if round_id is None or len(token) > 80:
        raise MalformedError("no form token")
    answers: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not key.startswith(INPUT_PREFIX):
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise MalformedError("not an answer")
        text = str(value).strip()
        if text:
            answers[key.removeprefix(INPUT_PREFIX)] = text[:MAX_VALUE]
    prefilled = data.get("prefilled")
    shown = [p for p in prefilled if isinstance(p, str)] if isinstance(prefilled, list) else []
    cleared = [q for q in shown[:MAX_ANSWERS] if q not in answers]
    if len(answers) > MAX_ANSWERS:
        raise MalformedError("too many answers")
    return AnswersSubmitted(
        actor=actor(activity),
        round_id=round_id,
        answers=answers,
        form_token=token,
        cleared=cleared,
    )


def confirm_to_inbound(activity: dict[str, Any], data: dict[str, Any]) -> CommandInvoked:
    """Map a confirm button to the command it carries (``stop ja``), run where it was pressed."""
    command = _str(data.get("command"))
    if not command or len(command) > 200:
        raise MalformedError("no command")
    return CommandInvoked(actor=actor(activity), conversation=conversation(activity), text=command)


def bot_added(activity: dict[str, Any]) -> bool:
    """Whether the activity tells that the bot was installed or added to this conversation."""
    kind = activity.get("type")
    if kind == "installationUpdate":
        return _str(activity.get("action")) in ("add", "add-upgrade")
    if kind != "conversationUpdate":
        return False
    bot_id = _bot(activity)["id"]
    added = activity.get("membersAdded") or []
    return any(_str(_dict(m).get("id")) == bot_id for m in added) and bool(bot_id)


def _people(activity: dict[str, Any], field: str) -> list[Actor]:
    if activity.get("type") != "conversationUpdate":
        return []
    bot_id = _bot(activity)["id"]
    found = []
    for member in activity.get(field) or []:
        member = _dict(member)
        aad, teams_id = _str(member.get("aadObjectId")), _str(member.get("id"))
        if teams_id != bot_id and _USER_ID.match(aad):
            found.append(person(aad, _str(member.get("name")) or None, None, teams_id, activity))
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


def thread_of(activity: dict[str, Any]) -> str | None:
    """Return the root post of the channel thread the activity is in (None outside channels)."""
    conv = _dict(activity.get("conversation"))
    if _str(conv.get("conversationType")) != "channel":
        return None
    found = re.search(r";messageid=(\d+)$", _str(conv.get("id")))
    return found.group(1) if found else (_str(activity.get("id")) or None)
