"""`reflectiebot schedule ...`: preview the rounds a timeline would get."""

from __future__ import annotations

import json
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfoNotFoundError

import typer
from rich.console import Console
from rich.table import Table

from bot.app.failures import ReflectiebotGroup, friendly
from bot.app.ics_cmd import ics_command
from bot.app.options import LANG_HELP, choose_format, cli_date, cli_locale
from bot.settings import load_settings
from prompts.catalog import t
from prompts.schedule_text import format_day, format_moment, phase_label, plan_error_text
from scheduler.calendar import Calendar
from scheduler.planner import PlanError, PlannedRound, plan_rounds

schedule_app = typer.Typer(
    cls=ReflectiebotGroup,
    help="Plan reflection rounds on the Dutch working-day calendar.",
    no_args_is_help=True,
)
FORMATS = ("table", "json")


@schedule_app.callback()
def schedule() -> None:
    """Plan reflection rounds on the Dutch working-day calendar."""


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code=2)


def rounds_json(rounds: list[PlannedRound], calendar: Calendar) -> list[dict[str, object]]:
    """Return the preview as JSON-ready objects, times in the team's zone with offset."""
    return [
        {
            "phase": r.phase.value,
            "seq": r.seq,
            "planned": r.planned.isoformat(),
            "opens_at": calendar.to_local(r.window.opens_at).isoformat(),
            "remind_at": calendar.to_local(r.window.remind_at).isoformat(),
            "closes_at": calendar.to_local(r.window.closes_at).isoformat(),
        }
        for r in rounds
    ]


def _table(rounds: list[PlannedRound], calendar: Calendar, days: int, locale: str) -> Table:
    table = Table(title=t("schedule.table.title", locale, zone=calendar.timezone, days=days))
    for column in ("phase", "planned", "opens", "remind", "closes"):
        table.add_column(t(f"schedule.table.{column}", locale))
    for r in rounds:
        table.add_row(
            phase_label(r.phase, r.seq, locale),
            format_day(r.planned, locale),
            *(
                format_moment(m, calendar.zone, locale)
                for m in (r.window.opens_at, r.window.remind_at, r.window.closes_at)
            ),
        )
    return table


@schedule_app.command("preview")
@friendly
def preview(
    start: Annotated[str, typer.Option("--start", help="Start date, YYYY-MM-DD or DD-MM-YYYY.")],
    end: Annotated[str, typer.Option("--end", help="Wrap-up date, YYYY-MM-DD or DD-MM-YYYY.")],
    freshup: Annotated[
        list[str] | None,
        typer.Option(
            "--freshup", help="Fresh-up date (either form); repeat for more (default: midpoint)."
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option("--tz", help="IANA time zone of the team (default REFLECTIEBOT_TIMEZONE)."),
    ] = None,
    open_days: Annotated[
        int | None, typer.Option("--open-days", help="Working days a round stays open (default 5).")
    ] = None,
    output: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Print the rounds a timeline would get, without touching the database."""
    asked = cli_locale(lang) if lang else None
    settings = load_settings(language=asked)
    locale = asked or settings.locale
    fmt = choose_format(output, FORMATS)
    days = settings.round_working_days if open_days is None else open_days
    if not 1 <= days <= 20:
        _fail(t("schedule.bad_open_days", locale, value=days))
    zone = tz or settings.timezone
    try:
        calendar = Calendar(
            zone,
            open_time=settings.open_time,
            close_time=settings.close_time,
            open_days=days,
            extra_closed=settings.closed_days(),
        )
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # zoneinfo raises ValueError for odd names and OSError for e.g. a directory name.
        _fail(t("schedule.unknown_zone", locale, zone=zone))
    start_day = cli_date(start, "--start")
    end_day = cli_date(end, "--end")
    fresh = [cli_date(value, "--freshup") for value in freshup or []]
    try:
        rounds = plan_rounds(start_day, end_day, fresh, calendar, days)
    except PlanError as exc:
        _fail(plan_error_text(exc, locale, calendar.zone))
    if fmt == "json":
        typer.echo(json.dumps(rounds_json(rounds, calendar), indent=2, ensure_ascii=False))
    else:
        Console().print(_table(rounds, calendar, days, locale))


schedule_app.command("ics")(ics_command)
