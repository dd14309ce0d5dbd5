"""The coach reports in a real browser: bars, console, phone width, print, WCAG 2.1 AA (axe).

Debian's Chromium is driven by Playwright (its own browser download is never used); axe-core
comes from npm (package.json). Without them the tests skip locally and fail under CI=true.
Screenshots and axe's results are kept in test-artifacts/browser/ for people to look at.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.digests.programme import programme_view
from bot.digests.report import team_report
from bot.settings import Settings
from prompts.render import render
from tests.digest_data import three_phases
from tests.harness import make_bot

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 390)
SEEDS = (1, 2, 5)


def _missing(reason: str) -> None:
    # A skipped browser test in CI would hide a broken report; there it is a failure.
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        _missing("Chromium is not installed (apt-get install chromium)")
    if not AXE.is_file():
        _missing("axe-core is not installed (npm ci, from package.json)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=FLAGS)
        yield launched
        launched.close()


def _demo_pages(out: Path) -> dict[str, Path]:
    from typer.testing import CliRunner

    from bot.app.cli import app

    pages = {}
    for seed in SEEDS:
        folder = out / f"seed-{seed}"
        result = CliRunner().invoke(app, ["demo", "--seed", str(seed), "--out", str(folder),
                                          "--quiet"])  # fmt: skip
        assert result.exit_code == 0, result.output
        for html in sorted(folder.glob("*.html")):
            pages[f"seed{seed}-{html.stem}"] = html
    return pages


def _withheld_pages(out: Path) -> dict[str, Path]:
    # A team whose fresh-up had too few answers: withheld cells, "niet gevraagd", flags, kit.
    console = ConsoleAdapter()
    from datetime import UTC, datetime

    clock = ManualClock(datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
    lc = make_bot(None, Settings(env="test"), clock, {"console": console})
    asyncio.run(three_phases(lc, console, clock))
    team = lc.store.directory.team("wijk")
    assert team is not None
    pages = {}
    for locale in ("nl", "en"):
        path = out / f"withheld-{locale}.html"
        report = team_report(lc.core, team, locale)
        assert any(d.withheld for d in report.rounds)
        path.write_text(render("html", "report", locale, report=report).text, encoding="utf-8")
        pages[path.stem] = path
    path = out / "programme.html"
    view = programme_view(lc.core, "prog", "nl")
    path.write_text(render("html", "programme", "nl", programme=view).text, encoding="utf-8")
    pages[path.stem] = path
    lc.store.close()
    return pages


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    return _demo_pages(out) | _withheld_pages(out)


CHECK_BARS = """() => {
  const problems = [];
  let bars = 0;
  for (const fig of document.querySelectorAll('figure[data-bars]')) {
    const rects = fig.querySelectorAll('rect.bar');
    const want = Number(fig.dataset.bars);
    bars += rects.length;
    if (rects.length !== want) problems.push(`${rects.length} bars, want ${want}`);
    const rows = fig.querySelectorAll('tbody tr');
    if (rows.length && rows.length !== want) problems.push(`${rows.length} rows, want ${want}`);
    for (const rect of rects) {
      const share = Number(rect.dataset.share);
      const track = rect.parentNode.querySelector('rect.track');
      if (track) {
        const ratio = rect.getBoundingClientRect().width / track.getBoundingClientRect().width;
        if (Math.abs(ratio * 100 - share) > 1.5) problems.push(`bar ${share}% drawn ${ratio}`);
      } else if (share > 0 && rect.getBoundingClientRect().height <= 0) {
        problems.push(`bar ${share}% not drawn`);
      }
    }
  }
  return {bars, problems, figures: document.querySelectorAll('figure[data-bars]').length};
}"""


def _open(browser: Any, path: Path, width: int) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))

    def route(r: Any) -> None:
        if r.request.url == path.as_uri():
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    return page, errors, outside


def test_reports_render_accessibly_on_a_desk_and_a_phone(
    pages: dict[str, Path], browser: Any
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    assert any(name.startswith("withheld") for name in pages) and len(pages) >= 8
    for name, path in pages.items():
        for width in WIDTHS:
            page, errors, outside = _open(browser, path, width)
            bars = page.evaluate(CHECK_BARS)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            page.add_script_tag(path=str(AXE))
            axe = page.evaluate(
                "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                ".then(r => ({violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
                " nodes: v.nodes.map(n => n.target.join(' '))})), passes: r.passes.length,"
                " incomplete: r.incomplete.map(v => v.id)}))",
                WCAG_21_AA,
            )
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
            key = f"{name}@{width}"
            results[key] = {"bars": bars["bars"], "figures": bars["figures"], **axe}
            page.close()
            assert bars["figures"] > 0 and bars["problems"] == [], (key, bars["problems"][:5])
            assert errors == [], (key, errors)
            assert outside == [], (key, "the report loaded something from outside", outside)
            assert overflow <= 0, (key, f"{overflow}px of sideways scrolling")
            assert axe["violations"] == [], (key, axe["violations"])
    (ARTIFACTS / "axe.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


def test_on_paper_every_round_starts_a_page(pages: dict[str, Path], browser: Any) -> None:
    page, errors, _ = _open(browser, pages["withheld-nl"], 1280)
    page.emulate_media(media="print")
    breaks = page.evaluate(
        "[...document.querySelectorAll('section.round')].map(s => getComputedStyle(s).breakBefore)"
    )
    headings = page.evaluate("getComputedStyle(document.querySelector('h3')).breakAfter")
    nav = page.evaluate("getComputedStyle(document.querySelector('nav')).display")
    page.pdf(path=str(ARTIFACTS / "withheld-nl.pdf"))
    page.close()
    assert breaks == ["page"] * 3 and headings == "avoid" and nav == "none"
    assert errors == []
