"""Activities as Teams sends them to /api/messages: installs, messages, card actions."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from tests.fakes.teams_connector import BOT_ID, TENANT, Person

BOT_NAME = "reflectiebot"
TEAM_ID = "19:team-general@thread.tacv2"


@dataclass
class TeamsActivities:
    """Builds Bot Framework activities whose ``serviceUrl`` points at the fake connector."""

    service_url: str
    locale: str = "nl-NL"

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)

    def _base(
        self, kind: str, conversation: str, who: Person | None, conv_type: str
    ) -> dict[str, Any]:
        n = next(self._ids)
        activity: dict[str, Any] = {
            "type": kind,
            "id": str(1600000000000 + n),
            "timestamp": "2027-01-11T08:00:00.000Z",
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "recipient": {"id": BOT_ID, "name": BOT_NAME},
            "conversation": {
                "id": conversation,
                "conversationType": conv_type,
                "tenantId": TENANT,
                "isGroup": conv_type != "personal",
            },
            "channelData": {"tenant": {"id": TENANT}},
            "locale": self.locale,
        }
        if conv_type == "channel":
            activity["channelData"].update(
                {
                    "team": {"id": TEAM_ID, "name": "Wijkteam"},
                    "channel": {"id": conversation.split(";")[0], "name": "Algemeen"},
                }
            )
        if who is not None:
            activity["from"] = {"id": who.teams_id, "name": who.name, "aadObjectId": who.aad}
        return activity

    def installed(
        self, conversation: str, by: Person, conv_type: str = "channel"
    ) -> dict[str, Any]:
        """The bot was added to a team's channel (or a chat): conversationUpdate, membersAdded."""
        activity = self._base("conversationUpdate", conversation, by, conv_type)
        activity["membersAdded"] = [{"id": BOT_ID}]
        activity["channelData"]["eventType"] = "teamMemberAdded"
        return activity

    def member_added(self, conversation: str, who: Person, by: Person) -> dict[str, Any]:
        """Someone was added to the team (``teamMemberAdded``)."""
        activity = self._base("conversationUpdate", conversation, by, "channel")
        activity["membersAdded"] = [{"id": who.teams_id, "aadObjectId": who.aad}]
        activity["channelData"]["eventType"] = "teamMemberAdded"
        return activity

    def installation(
        self, conversation: str, by: Person, conv_type: str = "personal"
    ) -> dict[str, Any]:
        activity = self._base("installationUpdate", conversation, by, conv_type)
        activity["action"] = "add"
        return activity

    def message(
        self,
        text: str,
        by: Person,
        conversation: str,
        *,
        conv_type: str = "channel",
        mentions: list[Person] = (),  # type: ignore[assignment]
    ) -> dict[str, Any]:
        """A message; in a channel it @mentions the bot first, as Teams requires."""
        activity = self._base("message", conversation, by, conv_type)
        entities: list[dict[str, Any]] = []
        body = text
        for person in mentions:
            label = f"<at>{person.name}</at>"
            body = body.replace(f"@{person.name}", label)
            entities.append(
                {
                    "type": "mention",
                    "text": label,
                    "mentioned": {"id": person.teams_id, "name": person.name},
                }
            )
        if conv_type != "personal":
            label = f"<at>{BOT_NAME}</at>"
            body = f"{label} {body}"
            entities.insert(
                0, {"type": "mention", "text": label, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}
            )
            activity["conversation"]["id"] = f"{conversation};messageid={activity['id']}"
        activity["text"] = body
        activity["textFormat"] = "plain"
        activity["entities"] = entities
        return activity

    def execute(
        self,
        verb: str,
        data: dict[str, Any],
        by: Person,
        conversation: str,
        reply_to: str,
        *,
        conv_type: str = "channel",
        trigger: str = "manual",
    ) -> dict[str, Any]:
        """An Action.Execute press (Universal Actions): an ``adaptiveCard/action`` invoke."""
        activity = self._base("invoke", conversation, by, conv_type)
        activity["name"] = "adaptiveCard/action"
        activity["replyToId"] = reply_to
        if conv_type == "channel":
            activity["conversation"]["id"] = f"{conversation};messageid={reply_to}"
        activity["value"] = {
            "action": {"type": "Action.Execute", "verb": verb, "data": data},
            "trigger": trigger,
        }
        return activity

    def submit(
        self, data: dict[str, Any], by: Person, conversation: str, reply_to: str
    ) -> dict[str, Any]:
        """An older client's Action.Submit fallback: a message with the data as ``value``."""
        activity = self._base("message", conversation, by, "channel")
        activity["replyToId"] = reply_to
        activity["value"] = data
        return activity


def action_of(card: dict[str, Any], verb: str) -> dict[str, Any]:
    """Return the card's Action.Execute with ``verb``."""
    for action in card.get("actions") or []:
        if action.get("verb") == verb:
            return dict(action)
    raise AssertionError(f"no {verb} in the card")


def inputs_of(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in card.get("body") or [] if str(b.get("type", "")).startswith("Input.")]


def fill(
    card: dict[str, Any], verb: str = "reflectie.answer", text: str = "Prima samenwerking"
) -> dict[str, Any]:
    """Return the data Teams sends for ``verb``: the action's data with every input answered."""
    data = dict(action_of(card, verb)["data"])
    for block in inputs_of(card):
        if block["type"] == "Input.Text":
            data[block["id"]] = text
        else:
            data[block["id"]] = block["choices"][-1]["value"]
    return data
