"""Options every command shares and reads the same way: language, formats, dates, phases, files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from bot.app.failures import CliError
from bot.commands.syntax import PHASES, ParseError, parse_date
from bot.models import Phase
from bot.settings import requested_locale
from bot.storage.probe import DatabaseFile, probe
from prompts.catalog import LOCALES

LANG_HELP = "Language of the messages: nl or en (default REFLECTIEBOT_LOCALE)."


def lang_option() -> str | None:
    """Return the ``--lang`` option (as a default value for a typer parameter)."""
    return typer.Option(None, "--lang", help=LANG_HELP)


def cli_locale(value: str | None) -> str:
    """Return the language asked for with ``--lang`` (any case), else REFLECTIEBOT_LOCALE's.

    Raises:
        CliError: ``cli.bad_lang`` for a language the bot does not speak (``fr``).
    """
    if value is None:
        return requested_locale()
    wanted = value.strip().lower()
    if wanted not in LOCALES:
        raise CliError("cli.bad_lang", value=value)
    return wanted


def choose_format(value: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` (any case) when it is one of ``choices``.

    Raises:
        CliError: ``cli.bad_format``, worded the same for every command.
    """
    wanted = value.strip().lower()
    if wanted not in choices:
        raise CliError("cli.bad_format", value=value, choices=list(choices))
    return wanted


def cli_date(value: str, option: str) -> date:
    """Read a date option as chat's ``plan`` does: YYYY-MM-DD or DD-MM-YYYY.

    Raises:
        CliError: ``schedule.bad_date`` naming the value, the option and both forms.
    """
    try:
        return parse_date(value.strip())
    except ParseError:
        raise CliError("schedule.bad_date", value=value, option=option) from None


def cli_phase(value: str) -> Phase:
    """Read a phase in either language: start, opfris/freshup, afronding/wrapup.

    Raises:
        CliError: ``cli.bad_phase`` listing the words in the reader's language.
    """
    phase = PHASES.get(value.strip().lower())
    if phase is None:
        raise CliError("cli.bad_phase", value=value)
    return phase


def existing_db(path: Path) -> Path:
    """Return ``path`` when it is a reflectiebot database, for commands that only read it.

    Raises:
        CliError: ``cli.no_db``, ``cli.not_a_db`` or ``cli.foreign_db``; nothing is created.
    """
    kind = probe(path)
    if kind is DatabaseFile.OURS:
        return path
    key = {DatabaseFile.MISSING: "cli.no_db", DatabaseFile.FOREIGN: "cli.foreign_db"}
    raise CliError(key.get(kind, "cli.not_a_db"), path=path)


def usable_db(path: Path) -> Path:
    """Return ``path`` when it is ours or may become ours (missing or empty).

    Raises:
        CliError: ``cli.not_a_db`` or ``cli.foreign_db``: another file is never migrated.
    """
    kind = probe(path)
    if kind in (DatabaseFile.OURS, DatabaseFile.MISSING, DatabaseFile.EMPTY):
        return path
    key = "cli.foreign_db" if kind is DatabaseFile.FOREIGN else "cli.not_a_db"
    raise CliError(key, path=path)


def out_folder(path: Path) -> Path:
    """Create the output folder ``path`` if needed and return it.

    Raises:
        CliError: ``cli.not_a_folder`` when a file stands there; an unwritable place
            raises ``OSError``, which the command line reports as one line.
    """
    if path.exists() and not path.is_dir():
        raise CliError("cli.not_a_folder", path=path)
    path.mkdir(parents=True, exist_ok=True)
    return path
