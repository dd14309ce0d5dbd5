"""The `reflectiebot` command line: every sub-command, each a composition root of its own."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import typer
from rich.console import Console

from bot.app.digest_cmd import digest_command
from bot.app.prompts_cmd import prompts_app
from bot.app.schedule_cmd import schedule_app
from bot.app.serve import serve_command
from bot.settings import SettingsError, load_settings, requested_locale
from prompts.catalog import t

app = typer.Typer(
    help="reflectiebot: short reflection rounds for project teams in Slack and Microsoft Teams.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(schedule_app, name="schedule")
app.add_typer(prompts_app, name="prompts")
app.command("serve")(serve_command)
app.command("digest")(digest_command)
out = Console()
err = Console(stderr=True)


def _locale() -> str:
    return requested_locale()


@app.command()
def demo(
    seed: int = typer.Option(1, help="Seed of the simulated answers; same seed, same outcome."),
    out_dir: Path = typer.Option(
        Path("reflectiebot-demo"),
        "--out",
        help="Folder for reflectiebot.db, digest.md, compare.md, <team>.html and responses.csv.",
    ),
    quiet: bool = typer.Option(False, "--quiet", help="Do not show the chat, only the summary."),
) -> None:
    """Run a whole project lifecycle (start, fresh-up, wrap-up) without any credentials."""
    from bot.app.demo import run_demo

    locale = _locale()

    def show(where: str, text: str) -> None:
        if not quiet:
            out.print(f"[bold cyan]{where}[/]")
            out.print(text, markup=False, highlight=False)
            out.print()

    started = time.perf_counter()
    result = asyncio.run(run_demo(out_dir, seed, show))
    out.print(
        t(
            "cli.demo_done",
            locale,
            rounds=result.rounds,
            answers=result.answers,
            messages=result.messages,
            seconds=f"{time.perf_counter() - started:.1f}",
            db=result.db_path,
            digest=result.digest_path,
        ),
        markup=False,
    )


@app.command()
def export(
    db: Path = typer.Option(..., "--db", help="Path of the SQLite file."),
    fmt: str = typer.Option("json", "--format", help="json or csv."),
) -> None:
    """Write every answer to stdout as JSON records or CSV."""
    from bot.digests.export import write_export
    from bot.storage.store import open_store

    locale = _locale()
    if fmt not in ("json", "csv"):
        err.print(t("cli.bad_format", locale, value=fmt), markup=False)
        raise typer.Exit(2)
    if not db.is_file():
        err.print(t("cli.no_db", locale, path=db), markup=False)
        raise typer.Exit(2)
    store = open_store(db)
    try:
        write_export(store.answers.export_rows(), fmt, sys.stdout)
    finally:
        store.close()


@app.command()
def check() -> None:
    """Check the settings in the environment and report every problem at once."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        err.print(t("settings.header", requested_locale()), markup=False)
        for problem in exc.problems:
            err.print(f"- {problem}", markup=False)
        raise typer.Exit(2) from None
    out.print(t("settings.ok", settings.locale), markup=False)


@app.command()
def forget(
    db: Path = typer.Option(..., "--db", help="Path of the SQLite file."),
    user: str = typer.Option(..., "--user", help="The person as platform:user_id."),
) -> None:
    """Erase a person's linkable data: named and pseudonymous answers, roles, memberships."""
    from bot.storage.store import open_store

    locale = _locale()
    platform, _, user_id = user.partition(":")
    if not user_id:
        err.print(t("cli.bad_user", locale, value=user), markup=False)
        raise typer.Exit(2)
    if not db.is_file():
        err.print(t("cli.no_db", locale, path=db), markup=False)
        raise typer.Exit(2)
    store = open_store(db)
    try:
        removed = store.people.forget_member(platform, user_id)
    finally:
        store.close()
    if removed is None:
        err.print(t("cli.unknown_user", locale, value=user), markup=False)
        raise typer.Exit(2)
    out.print(t("cli.forgotten", locale, user=user, **removed), markup=False)


@app.command()
def chat(
    db: Path = typer.Option(Path("reflectiebot-chat.db"), "--db", help="Path of the SQLite file."),
    user: str = typer.Option("manager", "--as", help="Who you are at the start."),
) -> None:
    """Chat with the bot in the terminal as a team member or programme manager."""
    from bot.app.chat import run_chat

    asyncio.run(run_chat(db, user, out))
