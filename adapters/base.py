"""The Adapter protocol: a ChatPort that also serves its platform's HTTP routes."""

from __future__ import annotations

from typing import Any, Protocol

from aiohttp import web

from bot.ports import ChatPort, DeliveryError, InteractionPort

__all__ = ["Adapter", "CoreDoor", "DeliveryError"]


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
