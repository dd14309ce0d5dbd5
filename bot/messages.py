"""Neutral models that cross the boundary between adapters and the core."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ConversationRef(BaseModel):
    """Where a message goes: a channel or a personal chat on one platform.

    Attributes:
        platform: ``slack``, ``teams`` or ``console``.
        external_id: The platform's id of the conversation (Slack channel id).
        reference: Adapter-owned data needed for proactive sends (Teams).
    """

    platform: str
    external_id: str
    kind: Literal["channel", "personal"] = "channel"
    name: str | None = None
    reference: dict[str, Any] = Field(default_factory=dict)


# Platform user ids: Slack U/W ids, Teams Entra object ids (GUIDs), console names. Anything
# else (empty, spaces, control characters, a long string) is refused before it is stored.
USER_ID = r"^[A-Za-z0-9][A-Za-z0-9:._@-]{0,127}$"


class Actor(BaseModel):
    """A person as the platform knows them; an id that is not an id does not validate."""

    platform: str = Field(pattern=r"^[a-z]{2,16}$")
    user_id: str = Field(pattern=USER_ID)
    display_name: str | None = Field(default=None, max_length=200)
    locale: str | None = Field(default=None, max_length=16)
    reference: dict[str, Any] = Field(default_factory=dict)
    """Adapter-owned data to reach the person directly (Teams: service URL, tenant, chat id)."""


class Rendered(BaseModel):
    """A message rendered for one surface; ``payload`` is the surface's native body."""

    surface: str
    text: str
    payload: dict[str, Any] | None = None


class CommandInvoked(BaseModel):
    """A person typed ``/reflectie ...`` (or mentioned the bot on Teams)."""

    kind: Literal["command"] = "command"
    actor: Actor
    conversation: ConversationRef
    text: str
    mentions: dict[str, Actor] = Field(default_factory=dict)


class FormRequested(BaseModel):
    """A person pressed the answer button of a round."""

    kind: Literal["form"] = "form"
    actor: Actor
    round_id: int = Field(ge=1)


def token_round_id(token: str) -> int | None:
    """Return the round id a form token starts with (ASCII digits, then a dot), or None.

    The token itself is made and checked by the core (``bot.rounds.access``); adapters only
    carry it and read which round it names.
    """
    head, dot, _ = token.partition(".")
    if not dot or not head or not (head.isascii() and head.isdigit()) or len(head) > 12:
        return None
    return int(head) or None


class AnswersSubmitted(BaseModel):
    """A person submitted answers; values are raw strings keyed by question id.

    Attributes:
        answers: What the person gave. A question absent here (or given an empty value)
            keeps the answer stored earlier: an untouched field changes nothing.
        cleared: Questions whose stored answer the person removed on purpose.
    """

    kind: Literal["answers"] = "answers"
    actor: Actor
    round_id: int = Field(ge=1)
    answers: dict[str, str]
    form_token: str | None = Field(default=None, max_length=80)
    """The signed round id the form carried (see ``bot.rounds.access``)."""
    cleared: list[str] = Field(default_factory=list)


class ConversationJoined(BaseModel):
    """The bot was added to a conversation."""

    kind: Literal["joined"] = "joined"
    actor: Actor | None = None
    conversation: ConversationRef


class MemberJoined(BaseModel):
    """Someone (not the bot) joined a conversation: Slack ``member_joined_channel``.

    Attributes:
        actor: The person who joined.
        conversation: The channel they joined.
    """

    kind: Literal["member_joined"] = "member_joined"
    actor: Actor
    conversation: ConversationRef


class MemberLeft(BaseModel):
    """Someone (not the bot) left a conversation: Slack ``member_left_channel``.

    Attributes:
        actor: The person who left.
        conversation: The channel they left.
    """

    kind: Literal["member_left"] = "member_left"
    actor: Actor
    conversation: ConversationRef


class HomeRequested(BaseModel):
    """A person opened the bot's home view (Slack App Home)."""

    kind: Literal["home"] = "home"
    actor: Actor


Inbound = (
    CommandInvoked
    | FormRequested
    | AnswersSubmitted
    | ConversationJoined
    | MemberJoined
    | MemberLeft
    | HomeRequested
)


class Reply(BaseModel):
    """The core's answer to an inbound event.

    Attributes:
        ok: False when nothing changed because the input was refused.
        message: Shown privately to the person who acted.
        public: Posted in the conversation for everyone.
        form: A form (Slack modal, Teams card) to show the person.
        errors: Per-question validation messages; the form stays open.
        form_token: The signed round id of the form shown, to come back with its answers.
        confirm: When the reply asks to confirm: the command text that confirms it
            (``stop ja``), which a button carries or a text chat runs on ``ja``.
    """

    ok: bool = True
    message: Rendered | None = None
    public: Rendered | None = None
    form: Rendered | None = None
    errors: dict[str, str] = Field(default_factory=dict)
    form_token: str | None = None
    confirm: str | None = None
