"""One keep-alive HTTP session per event loop, shared by every outbound platform client."""

from __future__ import annotations

import asyncio
import weakref

import aiohttp

# Connections kept open per host: enough for a programme's fan-out, far below what Slack or
# the Bot Connector accept from one app.
POOL_LIMIT = 64
KEEPALIVE_SECONDS = 30.0


class SessionPool:
    """Hands out one ``aiohttp.ClientSession`` per running event loop, made on first use.

    Without it every Web API call opened a new connection (against Slack: a TLS handshake
    each); with it a programme round reuses a few keep-alive connections. The session is
    made lazily on the loop that uses it, because an aiohttp session belongs to one loop.

    Args:
        limit: Connections kept open at most (per session).
        keepalive: Seconds an idle connection stays open.
    """

    def __init__(self, *, limit: int = POOL_LIMIT, keepalive: float = KEEPALIVE_SECONDS):
        self.limit = limit
        self.keepalive = keepalive
        self._sessions: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, aiohttp.ClientSession
        ] = weakref.WeakKeyDictionary()

    def session(self) -> aiohttp.ClientSession:
        """Return the running loop's open session, making it when there is none."""
        loop = asyncio.get_running_loop()
        current = self._sessions.get(loop)
        if current is None or current.closed:
            connector = aiohttp.TCPConnector(
                limit=self.limit, limit_per_host=self.limit, keepalive_timeout=self.keepalive
            )
            current = aiohttp.ClientSession(connector=connector)
            self._sessions[loop] = current
        return current

    async def close(self) -> None:
        """Close the running loop's session (a later call makes a new one)."""
        loop = asyncio.get_running_loop()
        current = self._sessions.pop(loop, None)
        if current is not None and not current.closed:
            await current.close()


SHARED = SessionPool()
"""The process's pool: every adapter's Web API client uses it unless given another."""
