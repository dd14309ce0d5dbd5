"""`reflectiebot audit`, `forget` and `data`: the audit log and the rights of the person."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path

import typer

from bot.app.failures import CliError, friendly
from bot.app.options import choose_format, cli_date, cli_locale, existing_db, lang_option
from bot.clock import SystemClock
from bot.rounds.rights import forget_person
from bot.storage.store import open_store
from prompts.catalog import t

AUDIT_FORMATS = ("table", "json")
CLI_ACTOR = "cli"
"""How an administrator on the server is named in the audit log."""


def _user(value: str) -> tuple[str, str]:
    platform, _, user_id = value.partition(":")
    if not platform or not user_id:
        raise CliError("cli.bad_user", value=value)
    return platform, user_id


@friendly
def audit_command(
    db: Path = typer.Option(..., "--db", help="Path of the SQLite file."),
    since: str | None = typer.Option(None, "--since", help="Only entries from this day on."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    lang: str | None = lang_option(),
) -> None:
    """Show who planned, started, stopped, changed, exported or forgot, and when."""
    locale = cli_locale(lang)
    chosen = choose_format(fmt, AUDIT_FORMATS)
    start = datetime.combine(cli_date(since, "--since"), time.min, tzinfo=UTC) if since else None
    store = open_store(existing_db(db))
    try:
        entries = store.audit.entries(start)
    finally:
        store.close()
    if chosen == "json":
        typer.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    if not entries:
        typer.echo(t("cli.audit_empty", locale))
        return
    typer.echo(t("cli.audit_header", locale))
    for e in entries:
        typer.echo(
            f"{e['at'][:19]}  {e['actor']:<24} {e['action']:<16} "
            f"{e['team_id'] or '-':<16} {e['detail']}".rstrip()
        )


@friendly
def forget_command(
    db: Path = typer.Option(..., "--db", help="Path of the SQLite file."),
    user: str = typer.Option(..., "--user", help="The person as platform:user_id."),
    lang: str | None = lang_option(),
) -> None:
    """Erase a person's linkable data: named and pseudonymous answers, roles, memberships."""
    locale = cli_locale(lang)
    platform, user_id = _user(user)
    store = open_store(existing_db(db))
    try:
        removed = forget_person(store, platform, user_id, SystemClock().now(), by=CLI_ACTOR)
    finally:
        store.close()
    if removed is None:
        raise CliError("cli.unknown_user", value=user)
    typer.echo(t("cli.forgotten", locale, user=user, **removed))


@friendly
def data_command(
    db: Path = typer.Option(..., "--db", help="Path of the SQLite file."),
    user: str = typer.Option(..., "--user", help="The person as platform:user_id."),
    lang: str | None = lang_option(),
) -> None:
    """Print everything stored about a person as JSON (a subject access request)."""
    from bot.models import AuditAction

    cli_locale(lang)
    platform, user_id = _user(user)
    store = open_store(existing_db(db))
    try:
        found = store.subject.personal_data(platform, user_id)
        if found is not None:
            store.audit.record(SystemClock().now(), CLI_ACTOR, AuditAction.DATA)
    finally:
        store.close()
    if found is None:
        raise CliError("cli.unknown_user", value=user)
    typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
