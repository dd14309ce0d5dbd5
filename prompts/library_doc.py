"""Render the question library as one readable Markdown page, prompts/LIBRARY.md."""

from __future__ import annotations

from pathlib import Path

from prompts.catalog import t
from prompts.library import PHASES, Library, Question, RoundSet, Source, load_library

LIBRARY_MD = Path(__file__).parent / "LIBRARY.md"
_LOCALES = ("nl", "en")


def _both(key: str, **variables: object) -> str:
    return " / ".join(t(key, loc, **variables) for loc in _LOCALES)


def _cite(source: Source) -> str:
    quote = f" «{source.quote}»" if source.quote else ""
    return f"`{source.file}` L{source.lines}{quote}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _round(anchor: str, rs: RoundSet, library: Library) -> list[str]:
    out = [
        f"### {rs.title.nl} / {rs.title.en} (`{anchor}`)",
        "",
        rs.intro.nl,
        "",
        f"*{rs.intro.en}*",
    ]
    if rs.recap:
        out += ["", f"> {_both('library.doc.recap')}"]
    out.append("")
    for n, step in enumerate(rs.steps, start=1):
        title = (
            step.intro.nl + " / " + step.intro.en if step.intro else _both("library.doc.step", n=n)
        )
        out.append(f"{n}. {title}")
        out += [f"   - `{qid}` — {library.questions[qid].text.nl}" for qid in step.questions]
    if rs.source:
        out += ["", f"{_both('library.source')}: {_cite(rs.source)}"]
    return [*out, ""]


def _question(q: Question, library: Library) -> list[str]:
    kind = _both(f"library.kind.{q.kind.value}")
    out = [f"#### `{q.id}`", "", f"- NL: **{q.text.nl}**", f"- EN: **{q.text.en}**"]
    out.append(
        f"- {_both('library.col_kind')}: {kind}; {_both('library.phases')}: " + ", ".join(q.phases)
    )
    if q.labels:
        out.append(
            f"- {_both('library.scale')}: 1 = {q.labels.low.nl} / {q.labels.low.en}, "
            f"5 = {q.labels.high.nl} / {q.labels.high.en}"
        )
    out += [f"  - `{o.id}`: {o.text.nl} / {o.text.en}" for o in q.options]
    out.append(f"- {_both('library.why')}: {q.why.nl} *{q.why.en}*")
    if q.pitfall:
        pitfall = library.pitfalls[q.pitfall].title
        signals = f" ({_both('library.signals')} {', '.join(q.signals)})" if q.signals else ""
        out.append(f"- {_both('library.pitfall')}: {pitfall.nl} / {pitfall.en}{signals}")
    out.append(f"- {_both('library.source')}: {_cite(q.source)}")
    return [*out, ""]


def render_library_md(library: Library) -> str:
    """Return the library as Markdown: rounds, exercises, pitfalls, questions per phase and theme.

    Args:
        library: The loaded library.
    """
    qs = list(library.questions.values())
    counts = {p: sum(p in q.phases for q in qs) for p in PHASES}
    out = [f"# {_both('library.doc.title')}", "", f"*{_both('library.doc.generated')}*", ""]
    out += [
        t("library.doc.summary", loc, questions=len(qs), themes=len(library.themes), **counts)
        for loc in _LOCALES
    ]
    out += ["", f"## {_both('library.doc.rounds')}", ""]
    for phase, rs in library.rounds.items():
        out += _round(phase, rs, library)
    out += [f"## {_both('library.doc.exercises')}", ""]
    for name, rs in library.exercises.items():
        out += _round(f"exercise:{name}", rs, library)
    out += [f"## {_both('library.doc.pitfalls')}", ""]
    for name, pit in library.pitfalls.items():
        users = ", ".join(f"`{q.id}`" for q in qs if q.pitfall == name)
        out.append(
            f"- **{pit.title.nl}** / {pit.title.en} (`{name}`): {users}. {_cite(pit.source)}"
        )
    out += ["", f"## {_both('library.doc.kit')}", ""]
    for name, entry in library.kit.items():
        calls = [f"`{q}`" for q in entry.questions] + [f"`{t}`" for t in entry.themes]
        calls += [f"`{q}` = {', '.join(v)}" for q, v in entry.answers.items()]
        out.append(
            f"- **{library.exercises[name].title.nl}** (`{name}`), "
            f"{_both('library.doc.kit_calls')}: {', '.join(calls)}. "
            f"{_both('library.doc.kit_openers')}:"
        )
        out += [f"  - {o.text.nl} / *{o.text.en}* {_cite(o.source)}" for o in entry.openers]
    out += ["", f"## {_both('library.doc.by_phase')}", ""]
    for phase in PHASES:
        out += [f"### {_both(f'library.phase.{phase}')}", ""]
        for theme_id, theme in library.themes.items():
            chosen = [q for q in qs if phase in q.phases and q.theme == theme_id]
            if chosen:
                out += [
                    f"**{theme.title.nl}** / {theme.title.en}",
                    "",
                    "| id | NL | EN |",
                    "|---|---|---|",
                ]
                out += [f"| `{q.id}` | {_cell(q.text.nl)} | {_cell(q.text.en)} |" for q in chosen]
                out.append("")
    out += [f"## {_both('library.doc.by_theme')}", ""]
    for theme_id, theme in library.themes.items():
        out += [
            f"### {theme.title.nl} / {theme.title.en} (`{theme_id}`)",
            "",
            f"{_both('library.doc.framework')}: {theme.framework}",
            "",
        ]
        for q in qs:
            if q.theme == theme_id:
                out += _question(q, library)
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    """Write prompts/LIBRARY.md from the packaged library."""
    LIBRARY_MD.write_text(render_library_md(load_library()), encoding="utf-8")


if __name__ == "__main__":
    main()
