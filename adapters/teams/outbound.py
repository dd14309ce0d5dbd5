"""Bot Connector calls the core asks for: post, update, personal messages and rosters."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from microsoft_agents.activity import Activity, ConversationParameters

from adapters.teams.activity import PLATFORM, person
from adapters.teams.connector import Connector
from adapters.teams.limits import Limits
from adapters.teams.translate import activity_body
from bot.messages import Actor, ConversationRef, Rendered
from bot.ports import DeliveryError

log = logging.getLogger(__name__)
T = TypeVar("T")
Call = Callable[[Any], Awaitable[T]]


class TeamsOutbound:
    """Implements the sending half of ``ChatPort`` on the SDK's connector client.

    Args:
        connector: The shared connector clients (one keep-alive pool, the bot's token).
        limits: Pacing per conversation and tenant, and bounded retries.
    """

    platform = PLATFORM
    surface = "teams"

    def __init__(self, connector: Connector, limits: Limits | None = None):
        self.connector = connector
        self.limits = limits or Limits()
        self._personal: dict[str, str] = {}  # aadObjectId -> personal chat id
        self.failing = 0  # calls in a row that did not reach the connector
        self.gone: set[str] = set()

    async def _call(self, reference: dict[str, Any], conversation: str, what: Call[T]) -> T:
        service_url = str(reference.get("serviceUrl") or "")
        tenant = str(reference.get("tenantId") or "")
        if not service_url:
            raise DeliveryError("no_service_url", retryable=False)

        async def once() -> T:
            client = await self.connector.client(service_url)
            return await what(client.conversations)

        try:
            result = await self.limits.call(conversation, tenant, once)
        except DeliveryError as exc:
            if exc.reason.startswith(("connection:", "http_5")):
                self.failing += 1
            if exc.gone:
                self.gone.add(conversation)
            log.warning("teams call failed: %s", exc.reason)
            raise
        self.failing = 0
        return result

    @staticmethod
    def _activity(msg: Rendered, reference: dict[str, Any]) -> Activity:
        body = activity_body(msg)
        bot = reference.get("bot") or {}
        if bot.get("id"):
            body["from"] = {"id": bot["id"], "name": bot.get("name") or "reflectiebot"}
        return Activity.model_validate(body)

    async def post(
        self,
        to: ConversationRef,
        msg: Rendered,
        *,
        thread: str | None = None,
        key: str | None = None,
    ) -> str:
        """Post ``msg`` in a conversation (as a reply in ``thread`` when given); return its id.

        Teams cannot attach ``key`` to a message, and a bot cannot search a channel, so a
        post whose outcome a crash left unknown is posted again (see ``find``).
        """
        activity = self._activity(msg, to.reference)
        conv_id = to.external_id
        if thread:
            # A reply in a channel thread: the conversation id names the thread's root post.
            conv_id = f"{to.external_id};messageid={thread}"

        async def send(ops: Any) -> str:
            response = await ops.send_to_conversation(conv_id, activity)
            return str(response.id or "")

        return await self._call(to.reference, to.external_id, send)

    async def find(self, to: ConversationRef, key: str, since: datetime) -> str | None:
        """Return None: a bot cannot read a channel's history in Teams to look for its post."""
        return None

    async def update(self, to: ConversationRef, message_id: str, msg: Rendered) -> None:
        """Replace the message ``message_id`` (a card's counter, the closed round)."""
        activity = self._activity(msg, to.reference)
        activity.id = message_id

        async def send(ops: Any) -> None:
            await ops.update_activity(to.external_id, message_id, activity)

        await self._call(to.reference, to.external_id, send)

    async def personal_chat(self, member: Actor) -> str:
        """Return the id of the personal chat with ``member``, creating it once."""
        known = self._personal.get(member.user_id)
        if known:
            return known
        ref = member.reference
        bot, teams_id, tenant = ref.get("bot") or {}, ref.get("id"), ref.get("tenantId")
        if not teams_id or not bot.get("id"):
            # Never seen with a Teams id (an admin named only in REFLECTIEBOT_ADMINS).
            raise DeliveryError("no_personal_reference", retryable=False)
        params = ConversationParameters.model_validate(
            {
                "isGroup": False,
                "bot": {"id": bot["id"], "name": bot.get("name") or "reflectiebot"},
                "members": [{"id": teams_id}],
                "tenantId": tenant,
                "channelData": {"tenant": {"id": tenant}},
            }
        )

        async def create(ops: Any) -> str:
            response = await ops.create_conversation(params)
            return str(response.id or "")

        chat = await self._call(ref, f"new:{member.user_id}", create)
        if not chat:
            raise DeliveryError("personal_chat_not_created", retryable=True)
        self._personal[member.user_id] = chat
        return chat

    async def notify(self, member: Actor, msg: Rendered) -> str:
        """Send ``msg`` in the member's personal chat with the bot and return its id."""
        chat = await self.personal_chat(member)
        to = ConversationRef(
            platform=PLATFORM, external_id=chat, kind="personal", reference=member.reference
        )
        return await self.post(to, msg)

    async def list_members(self, to: ConversationRef) -> list[Actor]:
        """Return the conversation's people (the bot itself left out), by Entra object id."""

        async def members(ops: Any) -> list[Any]:
            return list(await ops.get_conversation_members(to.external_id))

        found = await self._call(to.reference, to.external_id, members)
        context = {
            "serviceUrl": to.reference.get("serviceUrl"),
            "conversation": {"tenantId": to.reference.get("tenantId")},
            "recipient": to.reference.get("bot") or {},
        }
        people = []
        for account in found:
            data = account.model_dump(by_alias=True, exclude_none=True)
            aad = str(data.get("aadObjectId") or "")
            if not aad or data.get("role") == "bot":
                continue
            try:
                people.append(person(aad, data.get("name"), None, str(data.get("id", "")), context))
            except ValueError:
                continue
        return people
