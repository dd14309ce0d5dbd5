"""Pure mappings between Slack payloads and the neutral models (no I/O, no SDK calls)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

# Re-exported from adapters.slack.payloads for callers that import them from here.
from adapters.slack.payloads import message_chunks as message_chunks
from adapters.slack.payloads import split_sections as split_sections
from adapters.slack.payloads import view_payload as view_payload
from bot.messages import (
    Actor,
    AnswersSubmitted,
    CommandInvoked,
    ConversationJoined,
    ConversationRef,
    FormRequested,
    HomeRequested,
    MemberJoined,
    MemberLeft,
    token_round_id,
)

PLATFORM = "slack"
OPEN_FORM = "reflectie.open_form"
ANSWER_FORM = "reflectie.answer_form"
CONFIRM = "reflectie.confirm"
BLOCK_PREFIX = "q:"
# Slack escapes mentions as <@U123|name> (or <@U123> when the name is withheld).
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")


T = TypeVar("T")


class MalformedError(ValueError):
    """A signed request whose body is not what Slack sends: answered 400, nothing stored."""


def read(mapper: Callable[..., T], *args: Any) -> T:
    """Apply a mapping to a payload; anything it cannot read becomes :class:`MalformedError`.

    Signed payloads can still be broken (a bug on Slack's side, a proxy, a hand-made test);
    every shape the mappers cannot read is one clear refusal instead of a stack trace.
    """
    try:
        return mapper(*args)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        # pydantic's ValidationError is a ValueError: an empty or odd user id lands here too.
        raise MalformedError(type(exc).__name__) from exc


# The parts of a payload slack-bolt reads itself to pick a listener, with the shape it expects.
_DICTS = ("user", "team", "channel", "container", "enterprise", "view", "event", "message")


def check_envelope(body: Any) -> None:
    """Refuse a payload whose envelope slack-bolt could not read (it would fail inside).

    Raises:
        MalformedError: The body is not an object, or a field bolt reads has the wrong shape.
    """
    if not isinstance(body, dict):
        raise MalformedError("not an object")
    for name in _DICTS:
        if body.get(name) is not None and not isinstance(body[name], dict):
            raise MalformedError(name)
    if "type" in body and not isinstance(body["type"], str | None):
        raise MalformedError("type")
    actions = body.get("actions")
    if actions is not None and not (
        isinstance(actions, list)
        and all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
    ):
        raise MalformedError("actions")
    if body.get("type") in ("block_actions", "interactive_message") and not actions:
        raise MalformedError("no actions")  # bolt reads actions[0] of every action payload
    view = body.get("view") or {}
    state = view.get("state")
    if state is not None:
        values = state.get("values") if isinstance(state, dict) else None
        if not isinstance(values, dict) or not all(
            isinstance(v, dict) and all(isinstance(e, dict) for e in v.values())
            for v in values.values()
        ):
            raise MalformedError("view.state")
    for name in ("callback_id", "command", "event_id", "trigger_id", "text"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise MalformedError(name)


def first_input(body: dict[str, Any]) -> str | None:
    """Return the question id of a submitted modal's first input (for a form-wide error)."""
    for block in (body.get("view") or {}).get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input":
            block_id = str(block.get("block_id", ""))
            if block_id.startswith(BLOCK_PREFIX):
                return block_id.removeprefix(BLOCK_PREFIX)
    return None


def actor(user_id: str, name: str | None = None, locale: str | None = None) -> Actor:
    """Return the neutral actor for a Slack user id."""
    return Actor(platform=PLATFORM, user_id=user_id, display_name=name or None, locale=locale)


def mentions_to_text(text: str) -> tuple[str, dict[str, Actor]]:
    """Rewrite ``<@U123|name>`` as ``@U123`` and collect the mentioned people by user id."""
    people: dict[str, Actor] = {}

    def swap(match: re.Match[str]) -> str:
        people[match.group(1)] = actor(match.group(1), match.group(2))
        return f"@{match.group(1)}"

    return MENTION.sub(swap, text), people


def conversation(channel_id: str, name: str | None = None) -> ConversationRef:
    """Return the reference of a Slack channel, group or direct message."""
    personal = channel_id.startswith("D") or name == "directmessage"
    return ConversationRef(
        platform=PLATFORM,
        external_id=channel_id,
        kind="personal" if personal else "channel",
        name=name,
    )


def command_to_inbound(body: dict[str, Any]) -> CommandInvoked:
    """Map a slash-command body (form fields) to ``CommandInvoked``."""
    text, people = mentions_to_text(str(body.get("text") or ""))
    return CommandInvoked(
        actor=actor(str(body["user_id"]), body.get("user_name")),
        conversation=conversation(str(body["channel_id"]), body.get("channel_name")),
        text=text.strip(),
        mentions=people,
    )


def _user(body: dict[str, Any]) -> Actor:
    user = body.get("user") or {}
    return actor(
        str(user.get("id", "")), user.get("name") or user.get("username"), user.get("locale")
    )


def action_to_inbound(body: dict[str, Any]) -> FormRequested | None:
    """Map a press of the answer button to ``FormRequested`` (None for a malformed value)."""
    for action in body.get("actions") or []:
        value = str(action.get("value", ""))
        if action.get("action_id") == OPEN_FORM and value.isascii() and value.isdigit():
            return FormRequested(actor=_user(body), round_id=int(value))
    return None


def confirm_to_inbound(body: dict[str, Any]) -> CommandInvoked | None:
    """Map a press of a confirm button to the command it carries (``stop ja``).

    The command runs as if typed in the channel the question was asked in, so the core
    checks again who may do it. None when the press has no command or channel.
    """
    channel = body.get("channel") or {}
    channel_id = channel.get("id") or (body.get("container") or {}).get("channel_id")
    for action in body.get("actions") or []:
        if action.get("action_id") == CONFIRM and action.get("value") and channel_id:
            return CommandInvoked(
                actor=_user(body),
                conversation=conversation(str(channel_id), channel.get("name")),
                text=str(action["value"]),
            )
    return None


def _element_value(element: dict[str, Any]) -> str | None:
    selected = element.get("selected_option")
    if selected:
        return str(selected.get("value"))
    value = element.get("value")
    return None if value is None else str(value)


def view_to_inbound(body: dict[str, Any]) -> AnswersSubmitted | None:
    """Map a modal submission to ``AnswersSubmitted``.

    The modal is prefilled with the person's answers, so an input that comes back empty was
    emptied on purpose: it goes into ``cleared``. Only inputs the view has are mapped.
    """
    view = body.get("view") or {}
    metadata = str(view.get("private_metadata") or "")
    round_id = token_round_id(metadata)
    if round_id is None:
        return None
    answers: dict[str, str] = {}
    cleared: list[str] = []
    for block_id, elements in ((view.get("state") or {}).get("values") or {}).items():
        if not block_id.startswith(BLOCK_PREFIX):
            continue
        qid = block_id.removeprefix(BLOCK_PREFIX)
        values = [_element_value(element) for element in elements.values()]
        given = [v for v in values if v is not None and v.strip()]
        if given:
            answers[qid] = given[0]
        else:
            cleared.append(qid)
    return AnswersSubmitted(
        actor=_user(body),
        round_id=round_id,
        answers=answers,
        cleared=cleared,
        form_token=metadata,
    )


def errors_to_slack(errors: dict[str, str]) -> dict[str, str]:
    """Key the core's per-question errors by the modal's block ids."""
    return {f"{BLOCK_PREFIX}{qid}": text for qid, text in errors.items()}


def joined_to_inbound(
    event: dict[str, Any], bot_user_id: str | None
) -> ConversationJoined | MemberJoined | None:
    """Map ``member_joined_channel``: ``ConversationJoined`` when the bot itself joined,
    ``MemberJoined`` when someone else did (the core decides what that means)."""
    user = event.get("user")
    # Without the bot's own id a join cannot be told apart from the bot's: ignore it.
    if not bot_user_id or not user or not event.get("channel"):
        return None
    if user != bot_user_id:
        return MemberJoined(
            actor=actor(str(user)), conversation=conversation(str(event["channel"]))
        )
    inviter = event.get("inviter")
    return ConversationJoined(
        actor=actor(str(inviter)) if inviter else None,
        conversation=conversation(str(event["channel"])),
    )


def left_to_inbound(event: dict[str, Any], bot_user_id: str | None) -> MemberLeft | None:
    """Map ``member_left_channel`` of a person (not the bot) to ``MemberLeft``."""
    user = event.get("user")
    if not bot_user_id or not user or user == bot_user_id or not event.get("channel"):
        return None
    return MemberLeft(actor=actor(str(user)), conversation=conversation(str(event["channel"])))


def home_to_inbound(event: dict[str, Any]) -> HomeRequested | None:
    """Map ``app_home_opened`` on the Home tab to ``HomeRequested``."""
    if event.get("tab", "home") != "home" or not event.get("user"):
        return None
    return HomeRequested(actor=actor(str(event["user"])))


def event_key(body: dict[str, Any]) -> str | None:
    """Return the id Slack gives a delivery: events have ``event_id``, interactions a trigger."""
    key = body.get("event_id") or body.get("trigger_id")
    return str(key) if key else None
