"""`reflectiebot backup` and `reflectiebot restore`: a consistent copy while the bot runs."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.app.failures import CliError, friendly
from bot.app.options import cli_locale, existing_db, lang_option
from bot.storage.backup import BackupError, backup, restore
from bot.storage.lock import AlreadyRunningError, InstanceLock
from prompts.catalog import t


@friendly
def backup_command(
    db: Path = typer.Option(..., "--db", help="Path of the SQLite file (the bot may be running)."),
    out: Path = typer.Option(..., "--out", help="The backup file to write (must not exist)."),
    lang: str | None = lang_option(),
) -> None:
    """Write a consistent backup of the database with SQLite's online backup API."""
    locale = cli_locale(lang)
    try:
        size = backup(existing_db(db), out)
    except BackupError as exc:
        raise CliError(exc.key, **exc.params) from None
    typer.echo(t("backup.done", locale, path=out, size=round(size / 1024)))


@friendly
def restore_command(
    db: Path = typer.Option(..., "--db", help="Path of the SQLite file to replace."),
    source: Path = typer.Option(..., "--from", help="The backup file to restore."),
    lang: str | None = lang_option(),
) -> None:
    """Replace the database with a backup; refused while a server runs on it."""
    locale = cli_locale(lang)
    lock = InstanceLock(db)
    try:
        lock.acquire()
    except AlreadyRunningError:
        raise CliError("backup.running", db=db, lock=lock.path) from None
    try:
        kept = restore(source, db)
    except BackupError as exc:
        raise CliError(exc.key, **exc.params) from None
    finally:
        lock.release()
    typer.echo(t("backup.restored", locale, path=db, source=source, kept=kept or ""))
