"""`reflectiebot schedule ics`: a team's planned rounds as an iCalendar file for the coaches."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.app.failures import CliError, friendly
from bot.app.options import LANG_HELP, cli_locale, existing_db
from bot.clock import SystemClock
from bot.core import Core
from bot.digests.ics import team_calendar
from bot.digests.report import find_team
from bot.settings import load_settings
from bot.storage.store import open_store
from prompts.catalog import t
from prompts.library import load_library


@friendly
def ics_command(
    db: Annotated[Path, typer.Option("--db", help="Path of the SQLite file.")],
    team: Annotated[str, typer.Option("--team", help="The team: its id or its name.")],
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write to this file, not stdout.")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Export a team's rounds as an iCalendar (.ics) file, to plan retrospectives next to them."""
    asked = cli_locale(lang) if lang else None
    settings = load_settings(db=existing_db(db), language=asked)
    store = open_store(db)
    try:
        core = Core(store, load_library(), settings, SystemClock())
        found = find_team(core, team)
        if found is None:
            known = [f"{x.id} ({x.name})" for x in store.directory.teams()]
            raise CliError("exercise.ics.unknown_team", team=team, db=db, known=known)
        locale = asked or found.locale
        data = team_calendar(core, found, locale, core.clock.now())
        n = len(store.rounds.rounds_of(found.id))
    finally:
        store.close()
    if out_file is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    out_file.write_bytes(data)
    typer.echo(t("exercise.ics.written", locale, path=out_file, n=n), err=True)
