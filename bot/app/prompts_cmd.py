"""`reflectiebot prompts ...`: let coaches browse the question library."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from bot.app.failures import CliError, ReflectiebotGroup, friendly
from bot.app.options import LANG_HELP, choose_format, cli_locale, cli_phase
from prompts.catalog import t
from prompts.library import PHASES, Library, Question, load_library

prompts_app = typer.Typer(
    cls=ReflectiebotGroup,
    help="Browse the question library: every question with its source.",
    no_args_is_help=True,
)
FORMATS = ("table", "json")

_PHASE = typer.Option(
    None, "--phase", help="Only questions for this phase: start, opfris/freshup, afronding/wrapup."
)
_THEME = typer.Option(None, "--theme", help="Only questions of this theme.")
_FORMAT = typer.Option("table", "--format", help="table or json.")
_LOCALE = typer.Option(None, "--locale", "--lang", help=LANG_HELP)


def question_json(q: Question) -> dict[str, Any]:
    """Return the public JSON form of a question, as printed by ``prompts list --format json``.

    Args:
        q: The question.
    """
    data: dict[str, Any] = {
        "id": q.id,
        "phases": list(q.phases),
        "theme": q.theme,
        "kind": q.kind.value,
        "text": {"nl": q.text.nl, "en": q.text.en},
        "why": {"nl": q.why.nl, "en": q.why.en},
        "source": {"file": q.source.file, "lines": q.source.lines, "quote": q.source.quote},
    }
    if q.labels:
        data["labels"] = {"low": q.labels.low.model_dump(), "high": q.labels.high.model_dump()}
    if q.options:
        data["options"] = [{"id": o.id, "text": o.text.model_dump()} for o in q.options]
    if q.pitfall:
        data["pitfall"] = {"id": q.pitfall, "signals": list(q.signals)}
    return data


def select(library: Library, phase: str | None = None, theme: str | None = None) -> list[Question]:
    """Return the questions for ``phase`` and ``theme`` (``None`` means any), in library order.

    Raises:
        ValueError: With the catalog key of the problem when the phase or theme is unknown.
    """
    if phase is not None and phase not in PHASES:
        raise ValueError("library.unknown_phase")
    if theme is not None and theme not in library.themes:
        raise ValueError("library.unknown_theme")
    return [
        q
        for q in library.questions.values()
        if (phase is None or phase in q.phases) and (theme is None or q.theme == theme)
    ]


@prompts_app.command("list")
@friendly
def list_questions(
    phase: str | None = _PHASE,
    theme: str | None = _THEME,
    fmt: str = _FORMAT,
    locale: str | None = _LOCALE,
) -> None:
    """List the questions, optionally for one phase or theme."""
    loc = cli_locale(locale)
    library = load_library()
    fmt = choose_format(fmt, FORMATS)
    chosen_phase = cli_phase(phase).value if phase is not None else None
    if theme is not None and theme not in library.themes:
        raise CliError("library.unknown_theme", value=theme, choices=", ".join(library.themes))
    chosen = select(library, chosen_phase, theme)
    if fmt == "json":
        typer.echo(json.dumps([question_json(q) for q in chosen], ensure_ascii=False, indent=2))
        return
    table = Table(*(t(f"library.col_{c}", loc) for c in ("id", "phases", "theme", "kind", "text")))
    for q in chosen:
        table.add_row(
            q.id,
            ", ".join(q.phases),
            q.theme,
            t(f"library.kind.{q.kind.value}", loc),
            q.text.get(loc),
        )
    console = Console(width=160)
    console.print(table)
    console.print(t("library.count", loc, n=len(chosen)))


@prompts_app.command("show")
@friendly
def show_question(question_id: str, locale: str | None = _LOCALE) -> None:
    """Show one question in Dutch and English, with why we ask it and its source."""
    loc = cli_locale(locale)
    library = load_library()
    q = library.questions.get(question_id)
    if q is None:
        raise CliError("library.unknown_question", value=question_id)
    console = Console(width=120, highlight=False, markup=False)
    console.print(f"{q.id}  ({t(f'library.kind.{q.kind.value}', loc)})", style="bold")
    console.print(
        f"{t('library.theme', loc)}: {q.theme} — {library.themes[q.theme].title.get(loc)}"
    )
    console.print(f"{t('library.phases', loc)}: {', '.join(q.phases)}")
    console.print(f"NL: {q.text.nl}\nEN: {q.text.en}")
    if q.labels:
        console.print(
            f"{t('library.scale', loc)}: 1 = {q.labels.low.get(loc)}, 5 = {q.labels.high.get(loc)}"
        )
    for option in q.options:
        console.print(f"  - {option.id}: {option.text.get(loc)}")
    console.print(f"{t('library.why', loc)}: {q.why.get(loc)}")
    if q.pitfall:
        title = library.pitfalls[q.pitfall].title.get(loc)
        signals = f" ({t('library.signals', loc)} {', '.join(q.signals)})" if q.signals else ""
        console.print(f"{t('library.pitfall', loc)}: {title}{signals}")
    quote = f" «{q.source.quote}»" if q.source.quote else ""
    console.print(f"{t('library.source', loc)}: {q.source.file} L{q.source.lines}{quote}")
