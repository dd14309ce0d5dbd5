"""`reflectiebot digest`: a coach's digest from the database, as Markdown, HTML, JSON or CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from bot.clock import SystemClock
from bot.core import Core
from bot.digests.programme import programme_view
from bot.digests.report import find_team, team_report
from bot.digests.tables import programme_csv, programme_json, report_csv, report_json
from bot.models import RoundStatus, Team
from bot.settings import Settings, SettingsError, load_settings, requested_locale
from bot.storage.store import Store, open_store
from prompts.catalog import LOCALES, t
from prompts.digest_views import CompareView, ReportView
from prompts.library import load_library
from prompts.render import render

FORMATS = ("md", "html", "json", "csv")
err = Console(stderr=True)


class RefusedError(Exception):
    """The request cannot be answered; ``key`` and ``params`` explain why in the catalog."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _team(core: Core, key: str, db: Path) -> Team:
    team = find_team(core, key)
    if team is None:
        known = [f"{t.id} ({t.name})" for t in core.store.directory.teams()]
        raise RefusedError("digest.cli.unknown_team", team=key, db=db, known=known)
    return team


def _only_round(core: Core, team: Team, round_id: int, locale: str) -> ReportView:
    rounds = core.store.rounds.rounds_of(team.id)
    rnd = next((r for r in rounds if r.id == round_id), None)
    if rnd is None:
        known = [str(r.id) for r in rounds]
        raise RefusedError("digest.cli.unknown_round", round=round_id, team=team.id, known=known)
    if rnd.status is not RoundStatus.CLOSED:
        status = t(f"schedule.status.{rnd.status.value}", locale)
        raise RefusedError("digest.cli.not_closed", round=round_id, status=status)
    report = team_report(core, team, locale)
    chosen = [d for d in report.rounds if d.round.id == round_id]
    compare = CompareView(team_id=team.id, team_name=team.name, threshold=report.threshold,
                          phases=[], rows=[])  # fmt: skip
    return report.model_copy(
        update={
            "rounds": chosen,
            "compare": compare,
            "summary": chosen[0].summary,
            "kit": chosen[0].kit,
            "period": chosen[0].period,
        }
    )


def _output(
    core: Core, team_key: str | None, round_id: int | None, compare: bool, programme: str | None,
    fmt: str, locale: str | None, db: Path,
) -> str:  # fmt: skip
    if programme is not None:
        teams = core.store.directory.teams(programme)
        lang = locale or (teams[0].locale if teams else core.settings.locale)
        if team_key is not None and _team(core, team_key, db).programme_id != programme:
            raise RefusedError("digest.cli.team_elsewhere", team=team_key, programme=programme)
        try:
            view = programme_view(core, programme, lang)
        except KeyError:
            known = sorted({t.programme_id for t in core.store.directory.teams()})
            raise RefusedError(
                "digest.cli.unknown_programme", programme=programme, known=known
            ) from None
        if fmt == "json":
            return programme_json(view)
        if fmt == "csv":
            return programme_csv(view, lang)
        surface = "markdown" if fmt == "md" else "html"
        return render(surface, "programme", lang, programme=view).text + "\n"
    if team_key is None:
        raise RefusedError("digest.cli.no_team")
    team = _team(core, team_key, db)
    lang = locale or team.locale
    if round_id is not None:
        report, mode = _only_round(core, team, round_id, lang), "round"
    else:
        report, mode = team_report(core, team, lang), "compare" if compare else "team"
        if compare:
            report = report.model_copy(update={"rounds": []})
    if fmt == "json":
        return report_json(report, mode)
    if fmt == "csv":
        return report_csv(report, mode, lang)
    if fmt == "md" and mode == "compare":
        return render("markdown", "compare", lang, compare=report.compare).text + "\n"
    surface = "markdown" if fmt == "md" else "html"
    return render(surface, "report", lang, report=report).text + "\n"


def digest_command(
    db: Path = typer.Option(..., "--db", help="Path of the SQLite file."),
    team: str | None = typer.Option(
        None, "--team", help="The team: its id as `export` shows it in 'team', or its name."
    ),
    round_id: int | None = typer.Option(None, "--round", help="Only this closed round."),
    compare: bool = typer.Option(
        False, "--compare", help="Only the phases side by side (questions asked more than once)."
    ),
    programme: str | None = typer.Option(
        None, "--programme", help="A programme overview for its manager: aggregates only."
    ),
    fmt: str = typer.Option("md", "--format", help="md, html, json or csv."),
    lang: str | None = typer.Option(None, "--lang", help="nl or en (default: the team's)."),
    out_file: Path | None = typer.Option(None, "--out", help="Write to this file, not stdout."),
) -> None:
    """A coach's digest: the whole team (default), one round, the phases, or a programme."""
    locale = lang if lang in LOCALES else requested_locale()
    problem: RefusedError | None = None
    if fmt not in FORMATS:
        problem = RefusedError("digest.cli.bad_format", value=fmt)
    elif lang is not None and lang not in LOCALES:
        problem = RefusedError("digest.cli.bad_lang", value=lang)
    elif sum((round_id is not None, compare, programme is not None)) > 1:
        problem = RefusedError("digest.cli.two_modes")
    elif not db.is_file():
        err.print(t("cli.no_db", locale, path=db), markup=False)
        raise typer.Exit(2)
    elif out_file is not None and not out_file.parent.is_dir():
        problem = RefusedError("digest.cli.no_dir", path=out_file)
    if problem is not None:
        err.print(t(problem.key, locale, **problem.params), markup=False)
        raise typer.Exit(2)
    try:
        settings = load_settings(db=db)
    except SettingsError as exc:
        err.print(t("settings.header", locale), markup=False)
        for line in exc.problems:
            err.print(f"- {line}", markup=False)
        raise typer.Exit(2) from None
    text = _run(settings, db, team, round_id, compare, programme, fmt, lang)
    if isinstance(text, RefusedError):
        err.print(t(text.key, locale, **text.params), markup=False)
        raise typer.Exit(2)
    data = text.encode("utf-8")
    if out_file is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    out_file.write_bytes(data)
    err.print(t("digest.cli.written", locale, path=out_file), markup=False)


def _run(
    settings: Settings, db: Path, team: str | None, round_id: int | None, compare: bool,
    programme: str | None, fmt: str, lang: str | None,
) -> str | RefusedError:  # fmt: skip
    store: Store = open_store(db)
    try:
        core = Core(store, load_library(), settings, SystemClock())
        return _output(core, team, round_id, compare, programme, fmt, lang, db)
    except RefusedError as refused:
        return refused
    finally:
        store.close()
