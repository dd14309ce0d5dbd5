"""A Teams message's text to the core's ``CommandInvoked``, with @-mentions resolved to people."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from adapters.teams.activity import actor, as_dict, as_str, bot_of, conversation
from bot.messages import Actor, CommandInvoked

MENTION = re.compile(r"<at>(.*?)</at>", re.DOTALL)


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
    text = as_str(activity.get("text"))
    bot_id = bot_of(activity)["id"]
    people: dict[str, Mention] = {}
    for entity in activity.get("entities") or []:
        entity = as_dict(entity)
        if entity.get("type") != "mention":
            continue
        mentioned = as_dict(entity.get("mentioned"))
        teams_id = as_str(mentioned.get("id"))
        label = as_str(entity.get("text"))
        if not teams_id or not label:
            continue
        if teams_id == bot_id:
            text = text.replace(label, " ")
            continue
        aad = as_str(mentioned.get("aadObjectId")) or None
        people[label] = Mention(teams_id, as_str(mentioned.get("name")), aad)
    # A mention Teams did not describe in entities is just its name.
    found = [people[m.group(0)] for m in MENTION.finditer(text) if m.group(0) in people]
    return CommandText(re.sub(r"\s+", " ", text).strip(), found)


def command_to_inbound(activity: dict[str, Any], resolved: dict[str, Actor]) -> CommandInvoked:
    """Map a message to ``CommandInvoked``; ``resolved`` maps mentioned Teams ids to people.

    Mentions become ``@<aadObjectId>`` as the command language expects; a mention that could
    not be resolved stays as the name, which the core then calls an unknown person.
    """
    parsed = command_text(activity)
    text = as_str(activity.get("text"))
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
        entity = as_dict(entity)
        mentioned = as_dict(entity.get("mentioned"))
        teams_id = as_str(mentioned.get("id"))
        if entity.get("type") == "mention" and teams_id in wanted:
            aad = as_str(mentioned.get("aadObjectId")) or None
            out.append(
                (as_str(entity.get("text")), Mention(teams_id, as_str(mentioned.get("name")), aad))
            )
    return out
