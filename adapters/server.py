"""The one aiohttp application: every adapter's routes plus ``GET /healthz``."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from adapters.base import Adapter
from bot.ports import InteractionPort

log = logging.getLogger(__name__)
Hook = Callable[[], Awaitable[None]]
ADAPTERS: web.AppKey[Sequence[Adapter]] = web.AppKey("adapters", Sequence)
STARTED: web.AppKey[float] = web.AppKey("started", float)


async def healthz(request: web.Request) -> web.Response:
    """Answer liveness probes with the platforms served and the uptime."""
    adapters = request.app[ADAPTERS]
    return web.json_response(
        {
            "status": "ok",
            "platforms": [a.platform for a in adapters],
            "uptime_s": round(time.monotonic() - request.app[STARTED], 1),
        }
    )


def build_server(
    adapters: Sequence[Adapter],
    inbound: InteractionPort,
    on_startup: Hook | None = None,
    on_cleanup: Hook | None = None,
) -> web.Application:
    """Return the application serving every adapter and ``GET /healthz``.

    Args:
        adapters: The configured platforms; each mounts its own routes.
        inbound: The core's door, which the adapters' routes hand every event to.
        on_startup: Runs once the event loop serves requests (starts the scheduler).
        on_cleanup: Runs at shutdown after the adapters have finished the work they started
            after acknowledging, so the database it closes is no longer needed.
    """
    app = web.Application()
    app[ADAPTERS] = list(adapters)
    app[STARTED] = time.monotonic()
    app.router.add_get("/healthz", healthz)
    for adapter in adapters:
        adapter.mount(app, inbound)

    async def startup(_: web.Application) -> None:
        for adapter in adapters:
            await adapter.start()
        if on_startup:
            await on_startup()

    async def cleanup(_: web.Application) -> None:
        log.info("shutting down: finishing the work already started, then closing")
        for adapter in adapters:
            await adapter.stop()
        if on_cleanup:
            await on_cleanup()
        log.info("stopped")

    app.on_startup.append(startup)
    app.on_cleanup.append(cleanup)
    return app
