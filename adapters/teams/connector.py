"""The Bot Connector clients: one keep-alive connection pool and the bot's token."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
from microsoft_agents.hosting.core import ChannelServiceClientFactoryBase, TurnContext
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from microsoft_agents.hosting.core.connector.client import ConnectorClient, UserTokenClient

log = logging.getLogger(__name__)
TokenSource = Callable[[], Awaitable[str]]
TOKEN_SERVICE = "https://api.botframework.com"


class SharedConnectorClient(ConnectorClient):
    """The SDK's connector client on a shared session; closing it leaves the session open."""

    async def close(self) -> None:
        """Keep the shared session: other sends use its connections."""


class Connector:
    """Bot Connector clients for every ``serviceUrl`` on one keep-alive connection pool.

    The SDK opens a new session (and TLS connection) per turn; a programme-wide round to a
    thousand channels would pay that a thousand times. Here one pool serves all of them.

    Args:
        token: Returns the bot's access token (None in anonymous dev/test mode: no header).
        timeout: Seconds one connector call may take.
    """

    def __init__(self, token: TokenSource | None = None, *, timeout: float = 20.0):
        self.token = token
        self.timeout = timeout
        self._pool: aiohttp.TCPConnector | None = None
        self._sessions: dict[str, aiohttp.ClientSession] = {}

    async def client(self, service_url: str, *, with_token: bool = True) -> ConnectorClient:
        """Return a connector client for ``service_url`` (with the bot's token, unless not)."""
        if not service_url.startswith(("https://", "http://")):
            raise ValueError("not a service URL")
        base = service_url if service_url.endswith("/") else service_url + "/"
        session = self._sessions.get(base)
        if session is None or session.closed:
            if self._pool is None or self._pool.closed:
                self._pool = aiohttp.TCPConnector(limit=64, keepalive_timeout=60)
            session = aiohttp.ClientSession(
                base_url=base,
                connector=self._pool,
                connector_owner=False,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            )
            self._sessions[base] = session
        token = await self.token() if self.token and with_token else ""
        return SharedConnectorClient(base, token, session=session)

    async def close(self) -> None:
        """Close every session and the pool."""
        for session in self._sessions.values():
            await session.close()
        self._sessions.clear()
        if self._pool is not None:
            await self._pool.close()


class TurnClients(ChannelServiceClientFactoryBase):
    """The SDK's per-turn clients, on the shared pool (the turn itself sends nothing)."""

    def __init__(self, connector: Connector):
        self.connector = connector

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        """Return a connector client for the turn's service URL, without a token.

        Nothing is sent through it (replies go out after the turn, paced), so no turn ever
        waits for Entra ID.
        """
        return await self.connector.client(service_url, with_token=False)

    async def create_user_token_client(
        self,
        context: TurnContext,
        claims_identity: ClaimsIdentity,
        use_anonymous: bool = False,
    ) -> UserTokenClient:
        """Return a user token client without a token: reflectiebot uses no user sign-in."""
        return UserTokenClient(
            endpoint=TOKEN_SERVICE, token="", app_id=claims_identity.get_app_id() or "anonymous"
        )
