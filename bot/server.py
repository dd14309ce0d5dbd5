"""`reflectiebot serve`: wire settings, database, core, scheduler and Slack into one server."""

from __future__ import annotations

import logging

import typer
from aiohttp import web
from rich.console import Console

from adapters.server import build_server
from adapters.slack.app import SlackAdapter
from bot.settings import Settings, SettingsError, load_settings
from prompts.catalog import t

log = logging.getLogger(__name__)
out = Console()
err = Console(stderr=True)
NO_PLATFORM = 2


async def build_app(settings: Settings, host: str, port: int) -> web.Application:
    """Return the server application; everything is created on the serving event loop.

    The database connection must live on the loop's thread, so it is opened here rather
    than before the loop starts.
    """
    from bot.clock import SystemClock
    from bot.db import open_db
    from bot.interactions import Interactions
    from bot.lifecycle import Lifecycle
    from scheduler.jobs import Runner

    db = open_db(settings.db)
    clock = SystemClock()
    lifecycle = Lifecycle(db, settings, clock)
    token = settings.slack_token()
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    # The settings refuse SLACK_API_BASE_URL outside dev/test; check again, it is cheap.
    base_url = settings.slack_api_base_url if settings.env in ("dev", "test") else None
    slack = SlackAdapter(
        Interactions(lifecycle),
        bot_token=token,
        signing_secret=secret,
        app_token=app_token,
        base_url=base_url,
    )
    lifecycle.ports[slack.platform] = slack
    runner = Runner(lifecycle, clock)
    # Rounds started or planned from Slack get their open/remind/close timers at once.
    lifecycle.timer = runner
    platforms = slack.platform + (" + Socket Mode" if app_token else "")

    async def on_startup() -> None:
        runner.start()
        out.print(
            t("serve.listening", settings.locale, host=host, port=port, platforms=platforms),
            markup=False,
        )

    async def on_cleanup() -> None:
        runner.shutdown()
        db.close()

    return build_server([slack], on_startup=on_startup, on_cleanup=on_cleanup)


def serve(host: str | None = None, port: int | None = None) -> int:
    """Run the server until interrupted; return the process exit code.

    Returns:
        2 when the settings are invalid or no platform is configured, else 0.
    """
    try:
        settings = load_settings()
    except SettingsError as exc:
        err.print(t("settings.header", None), markup=False)
        for problem in exc.problems:
            err.print(f"- {problem}", markup=False)
        return NO_PLATFORM
    if not settings.slack_enabled:
        err.print(t("serve.no_platform", settings.locale), markup=False)
        if settings.teams_enabled:
            err.print(t("serve.no_teams_adapter", settings.locale), markup=False)
        return NO_PLATFORM
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    bind_host, bind_port = host or settings.host, port or settings.port
    web.run_app(
        build_app(settings, bind_host, bind_port),
        host=bind_host,
        port=bind_port,
        print=None,
        access_log=None,
    )
    return 0


def serve_command(
    host: str | None = typer.Option(None, "--host", help="Address to listen on."),
    port: int | None = typer.Option(None, "--port", help="Port (REFLECTIEBOT_PORT by default)."),
) -> None:
    """Serve Slack (commands, buttons, events) and the scheduler; GET /healthz for probes."""
    code = serve(host, port)
    if code:
        raise typer.Exit(code)


serve_app = typer.Typer(add_completion=False)
serve_app.command("serve")(serve_command)
