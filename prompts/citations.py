"""Check the library's citations against the source documents (file, lines, quoted phrase)."""

from __future__ import annotations

import re
from pathlib import Path

from prompts.library import Library, Source


def _normalise(text: str) -> str:
    # Quotes run across the documents' line breaks and blank lines; compare without whitespace
    # and with typographic quotes folded to plain ones.
    for fancy, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", "", text).lower()


def check_citations(library: Library, seeds_dir: Path) -> list[str]:
    """Check every citation against the source documents.

    Args:
        library: The loaded library.
        seeds_dir: Folder with the seed documents.

    Returns:
        One line per problem: missing file, line range out of bounds, or quote not found.
    """
    problems: list[str] = []
    cache: dict[str, list[str]] = {}
    cited: list[tuple[str, Source]] = [(q.id, q.source) for q in library.questions.values()]
    cited += [(f"exercise {e.id}", e.source) for e in library.exercises.values() if e.source]
    cited += [(f"pitfall {name}", p.source) for name, p in library.pitfalls.items()]
    cited += [
        (f"kit {name} opener {i + 1}", opener.source)
        for name, entry in library.kit.items()
        for i, opener in enumerate(entry.openers)
    ]
    for owner, src in cited:
        path = seeds_dir / src.file
        if src.file not in cache:
            if not path.is_file():
                problems.append(f"{owner}: cited file {src.file} does not exist")
                continue
            cache[src.file] = path.read_text(encoding="utf-8").splitlines()
        lines = cache[src.file]
        first, last = src.line_range()
        if first < 1 or last < first or last > len(lines):
            problems.append(f"{owner}: lines {src.lines} outside {src.file} (1-{len(lines)})")
            continue
        if src.quote and _normalise(src.quote) not in _normalise(
            "\n".join(lines[first - 1 : last])
        ):
            problems.append(f"{owner}: quote {src.quote!r} not in {src.file} lines {src.lines}")
    return problems
