"""`reflectiebot serve`: settings, database, core, scheduler, Slack and Teams in one server."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import typer
from aiohttp import web
from rich.console import Console

from adapters.base import Adapter
from adapters.server import build_server
from adapters.slack.app import SlackAdapter
from adapters.teams.app import TeamsAdapter
from adapters.teams.auth import auth_configuration
from bot.app.failures import CliError, friendly, settings_text
from bot.app.health import Health
from bot.app.options import cli_locale, lang_option, usable_db
from bot.clock import SystemClock
from bot.core import Core
from bot.interactions import Interactions
from bot.logs import setup_logging
from bot.rounds.service import RoundService
from bot.settings import Settings, SettingsError, load_settings, requested_locale
from bot.storage.lock import AlreadyRunningError, InstanceLock
from bot.storage.store import open_store
from bot.storage.workers import Workers
from prompts.catalog import t
from prompts.library import load_library
from scheduler.jobs import Runner

log = logging.getLogger(__name__)
out = Console()
NO_PLATFORM = 2


def slack_adapter(settings: Settings) -> SlackAdapter:
    """Return the Slack adapter the settings ask for."""
    secret = settings.slack_signing_secret
    app_token = settings.slack_app_token
    # The settings refuse SLACK_API_BASE_URL outside dev/test; check again, it is cheap.
    base_url = settings.slack_api_base_url if settings.env in ("dev", "test") else None
    return SlackAdapter(
        bot_token=settings.slack_token(),
        signing_secret=secret.get_secret_value() if secret else "",
        app_token=app_token.get_secret_value() if app_token else None,
        base_url=base_url,
    )


def teams_adapter(settings: Settings) -> TeamsAdapter:
    """Return the Teams adapter the settings ask for (anonymous only in dev/test)."""
    secret = settings.teams_client_secret
    config = auth_configuration(
        env=settings.env,
        anonymous=settings.teams_anonymous,
        client_id=settings.teams_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        tenant_id=settings.teams_tenant_id,
    )
    return TeamsAdapter(config=config)


def adapters_for(settings: Settings) -> list[Adapter]:
    """Return every platform the settings configure: Slack, Teams, or both."""
    found: list[Adapter] = []
    if settings.slack_enabled:
        found.append(slack_adapter(settings))
    if settings.teams_enabled:
        found.append(teams_adapter(settings))
    return found


async def build_app(settings: Settings, host: str, port: int) -> web.Application:
    """Return the server application; everything is created on the serving event loop.

    The database is migrated here and then used only from two worker threads, so the event
    loop never waits on SQLite. At start, deliveries the previous process left in flight are
    resolved before anything new is sent. Shutdown runs in the reverse order of need: the
    adapters finish the work they started after acknowledging (and the core's follow-ups),
    then the scheduler stops and waits for running jobs, and only then does the database close.
    """
    clock = SystemClock()
    store = open_store(settings.db)
    store.forbid_this_thread()
    workers = Workers(store)
    adapters = adapters_for(settings)
    runner = Runner(clock)
    core = Core(
        store=store,
        library=load_library(),
        settings=settings,
        clock=clock,
        ports={adapter.platform: adapter for adapter in adapters},
        timer=runner,
        db=workers,
    )
    rounds = RoundService(core, owner=f"pid-{os.getpid()}")
    health = Health(core, runner, adapters)
    runner.on_tick = health.observe_tick

    async def on_startup() -> None:
        await rounds.recover(clock.now())
        # Rounds started or planned from chat get their open/remind/close timers at once.
        await runner.start(rounds)

    async def on_stopping() -> None:
        # Answers that came in after a counter's last update are shown before the process ends.
        await rounds.counter.flush(datetime.max.replace(tzinfo=UTC))

    async def on_cleanup() -> None:
        await runner.stop()
        await core.background.drain()
        workers.close()

    return build_server(
        adapters,
        Interactions(core, rounds),
        on_startup=on_startup,
        on_cleanup=on_cleanup,
        on_stopping=on_stopping,
        checks=health.checks,
        produce_metrics=health.metrics,
        observe=health.observe_ack,
    )


def serve(host: str | None = None, port: int | None = None, lang: str | None = None) -> int:
    """Run the server until interrupted; return the process exit code.

    Args:
        host: Address to listen on (default ``REFLECTIEBOT_HOST``).
        port: Port (default ``REFLECTIEBOT_PORT``).
        lang: Language of what this command prints (default ``REFLECTIEBOT_LOCALE``).

    Returns:
        2 when the settings are invalid, the database file is not ours, or no platform is
        configured, else 0.
    """
    locale = lang or requested_locale()
    try:
        settings = load_settings(language=locale)
        usable_db(settings.db)
    except SettingsError as exc:
        typer.echo(settings_text(exc, locale), err=True)
        return NO_PLATFORM
    except CliError as exc:
        typer.echo(exc.text(locale), err=True)
        return NO_PLATFORM
    locale = lang or settings.locale
    if not (settings.slack_enabled or settings.teams_enabled):
        typer.echo(t("serve.no_platform", locale), err=True)
        return NO_PLATFORM
    setup_logging(settings.log_level, settings.log_format)
    lock = InstanceLock(Path(settings.db))
    try:
        lock.acquire()
    except AlreadyRunningError:
        typer.echo(t("serve.already_running", locale, db=settings.db, lock=lock.path), err=True)
        return NO_PLATFORM
    bind_host, bind_port = host or settings.host, port or settings.port
    names = []
    if settings.slack_enabled:
        names.append("slack" + (" + Socket Mode" if settings.slack_app_token else ""))
    if settings.teams_enabled:
        names.append("teams" + (" (anonymous)" if settings.teams_anonymous else ""))
    platforms = ", ".join(names)
    listening = t("serve.listening", locale, host=bind_host, port=bind_port, platforms=platforms)
    web.run_app(
        build_app(settings, bind_host, bind_port),
        host=bind_host,
        port=bind_port,
        # aiohttp calls this once the socket listens: only then may a probe or a test connect.
        print=lambda _: out.print(listening, markup=False),
        access_log=None,
    )
    lock.release()
    return 0


@friendly
def serve_command(
    host: str | None = typer.Option(None, "--host", help="Address to listen on."),
    port: int | None = typer.Option(None, "--port", help="Port (REFLECTIEBOT_PORT by default)."),
    lang: str | None = lang_option(),
) -> None:
    """Serve Slack and/or Teams (commands, cards, events) and the scheduler; GET /healthz."""
    code = serve(host, port, cli_locale(lang) if lang else None)
    if code:
        raise typer.Exit(code)
