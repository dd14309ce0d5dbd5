"""The Adapter protocol: a ChatPort that also serves its platform's HTTP routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

from bot.background import follow_ups_after
from bot.ports import ChatPort, DeliveryError, InteractionPort

__all__ = ["Adapter", "CoreDoor", "DeliveryError", "reply_first"]


async def reply_first(
    request: web.Request, answer: Callable[[], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Answer a platform's request and write the answer; only then start its follow-ups.

    The work the core spawns while answering (a command's posts, a counter update) waits
    until the response is on the wire: the platform hears back first, and the follow-ups
    never compete with the answer for the interpreter.

    Args:
        request: The platform's request.
        answer: Makes the response (the adapter's handler).
    """
    with follow_ups_after():
        response = await answer()
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionResetError:
            pass  # the platform hung up; what the answer committed still has its follow-ups
    return response


class Adapter(ChatPort, Protocol):
    """A chat platform as the server runs it; sends raise ``DeliveryError``."""

    def mount(self, app: web.Application, inbound: InteractionPort) -> None:
        """Add the platform's inbound routes (e.g. ``POST /slack/events``) to ``app``.

        Args:
            app: The one server application.
            inbound: The core's door; every inbound event goes through it.
        """

    async def start(self) -> None:
        """Open long-lived connections (Socket Mode); called when the server starts."""

    async def stop(self) -> None:
        """Finish background work and close connections; called when the server stops."""

    def health(self) -> dict[str, Any]:
        """Return ``{"ok": bool, ...}``: whether the platform can be reached, for /healthz."""


class CoreDoor:
    """The core's door an adapter is given when mounted, for its request handlers to use."""

    _core: InteractionPort | None = None

    @property
    def core(self) -> InteractionPort:
        """The core's door, given when the adapter is mounted."""
        if self._core is None:
            raise RuntimeError("mount the adapter before it handles requests")
        return self._core
