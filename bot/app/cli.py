"""The `reflectiebot` command line: every sub-command, each a composition root of its own."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import typer
from rich.console import Console

from bot.app.backup_cmd import backup_command, restore_command
from bot.app.digest_cmd import digest_command
from bot.app.failures import ReflectiebotGroup, friendly, settings_text
from bot.app.options import choose_format, cli_locale, existing_db, lang_option, out_folder
from bot.app.privacy_cmd import audit_command, data_command, forget_command
from bot.app.prompts_cmd import prompts_app
from bot.app.schedule_cmd import schedule_app
from bot.app.serve import serve_command
from bot.app.teams_package import teams_package_command
from bot.settings import SettingsError, load_settings
from prompts.catalog import t

app = typer.Typer(
    cls=ReflectiebotGroup,
    help="reflectiebot: short reflection rounds for project teams in Slack and Microsoft Teams.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(schedule_app, name="schedule")
app.add_typer(prompts_app, name="prompts")
app.command("serve")(serve_command)
app.command("digest")(digest_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("teams-package")(teams_package_command)
app.command("audit")(audit_command)
app.command("forget")(forget_command)
app.command("data")(data_command)
out = Console()
EXPORT_FORMATS = ("json", "csv")


@app.callback()
def main(
    debug: bool = typer.Option(
        False, "--debug", help="Show the traceback of an unexpected error (anywhere on the line)."
    ),
) -> None:
    """reflectiebot: short reflection rounds for project teams in Slack and Microsoft Teams."""
    # ReflectiebotGroup reads --debug wherever it stands; it is declared here for --help.


def _say(text: str) -> None:
    typer.echo(text)


@app.command()
@friendly
def demo(
    seed: int = typer.Option(1, help="Seed of the simulated answers; same seed, same outcome."),
    out_dir: Path = typer.Option(
        Path("reflectiebot-demo"),
        "--out",
        help="Folder for reflectiebot.db, digest.md, compare.md, <team>.html and responses.csv.",
    ),
    quiet: bool = typer.Option(False, "--quiet", help="Do not show the chat, only the summary."),
    lang: str | None = lang_option(),
) -> None:
    """Run a whole project lifecycle (start, fresh-up, wrap-up) without any credentials."""
    from bot.app.demo import run_demo

    locale = cli_locale(lang)
    folder = out_folder(out_dir)

    def show(where: str, text: str) -> None:
        if not quiet:
            out.print(f"[bold cyan]{where}[/]")
            out.print(text, markup=False, highlight=False)
            out.print()

    started = time.perf_counter()
    result = asyncio.run(run_demo(folder, seed, show, locale=locale))
    _say(
        t(
            "cli.demo_done",
            locale,
            rounds=result.rounds,
            answers=result.answers,
            messages=result.messages,
            seconds=f"{time.perf_counter() - started:.1f}",
            db=result.db_path,
            digest=result.digest_path,
        )
    )


@app.command()
@friendly
def export(
    db: Path = typer.Option(..., "--db", help="Path of the SQLite file."),
    fmt: str = typer.Option("json", "--format", help="json or csv."),
    raw: bool = typer.Option(
        False,
        "--raw",
        help="Also the answers the digest withholds in anonymous teams (written to the audit log).",
    ),
    lang: str | None = lang_option(),
) -> None:
    """Write the answers to stdout as JSON or CSV; anonymous teams' small groups withheld."""
    from bot.clock import SystemClock
    from bot.digests.export import write_export
    from bot.models import AuditAction
    from bot.storage.store import open_store

    cli_locale(lang)
    chosen = choose_format(fmt, EXPORT_FORMATS)
    threshold = None if raw else load_settings().suppression_threshold
    store = open_store(existing_db(db))
    try:
        action = AuditAction.EXPORT_RAW if raw else AuditAction.EXPORT
        store.audit.record(SystemClock().now(), "cli", action, detail=chosen)
        write_export(store.answers.export_rows(), chosen, sys.stdout, threshold)
    finally:
        store.close()


@app.command()
@friendly
def check(lang: str | None = lang_option()) -> None:
    """Check the settings in the environment and report every problem at once."""
    locale = cli_locale(lang)
    try:
        load_settings(language=locale)
    except SettingsError as exc:
        typer.echo(settings_text(exc, locale), err=True)
        raise typer.Exit(2) from None
    _say(t("settings.ok", locale))


@app.command()
@friendly
def chat(
    db: Path = typer.Option(Path("reflectiebot-chat.db"), "--db", help="Path of the SQLite file."),
    user: str = typer.Option("manager", "--as", help="Who you are at the start."),
    lang: str | None = lang_option(),
) -> None:
    """Chat with the bot in the terminal as a team member or programme manager."""
    from bot.app.chat import run_chat
    from bot.app.options import usable_db

    locale = cli_locale(lang) if lang else None
    try:
        asyncio.run(run_chat(usable_db(db), user, Console(), locale))
    except KeyboardInterrupt:
        # Ctrl-C is how people leave a terminal program; the database is closed by now.
        # The thread still waiting for a line cannot be woken, and at shutdown Python would
        # wait for (or abort on) it, so the process ends here.
        typer.echo()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
