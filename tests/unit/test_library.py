"""Tests for the question library: the packaged content, its counts and every validation rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from prompts.citations import check_citations
from prompts.library import (
    PHASES,
    Kind,
    Library,
    LibraryError,
    load_library,
    parse_library,
)
from prompts.library_doc import LIBRARY_MD, render_library_md

REPO = Path(__file__).resolve().parents[2]
KEPT_IDS = {
    "gedeeld-beeld.opgave", "taak.waarom-aan-tafel", "territorium.wie-ontbreekt",
    "samenwerking.sfeer", "reflectie.impact", "reflectie.beter", "borging.vervolg",
    "borging.volgende-keer",
}  # fmt: skip
REQUIRED_PITFALLS = {"eindeloos-overleg", "hete-aardappels", "achteroverleunen",
                     "eigen-lezing-grenzen"}  # fmt: skip


@pytest.fixture
def seeds_dir() -> Path:
    """The source documents; CI has ../shared beside the clone. Missing means failure."""
    for candidate in (REPO.parent / "shared" / "seeds", REPO / ".." / "shared" / "seeds"):
        if (candidate / "MAP.md").is_file():
            return candidate
    pytest.fail("seed documents not found at ../shared/seeds (relative to the repo root)")


@pytest.fixture
def library() -> Library:
    return load_library()


# --- the packaged library -------------------------------------------------------------------


def test_packaged_citations_match_the_seeds(library: Library, seeds_dir: Path) -> None:
    assert check_citations(library, seeds_dir) == []


def test_counts(library: Library) -> None:
    qs = list(library.questions.values())
    assert len(qs) >= 60
    for phase in PHASES:
        assert sum(phase in q.phases for q in qs) >= 12, phase
    assert {q.theme for q in qs} == set(library.themes)
    assert set(library.questions) >= KEPT_IDS


def test_every_question_is_complete(library: Library) -> None:
    for q in library.questions.values():
        assert q.phases, q.id
        assert q.source.quote, q.id
        assert q.why.nl and q.why.en, q.id


def test_default_rounds(library: Library) -> None:
    start_ids = set(library.rounds["start"].question_ids())
    for phase in PHASES:
        pairs = library.questions_of(phase)
        assert 3 <= len(pairs) <= 6, phase
        assert any(q.kind is Kind.TEXT for _, q in pairs), phase
    for phase in ("freshup", "wrapup"):
        assert len(start_ids & set(library.rounds[phase].question_ids())) >= 2, phase
        assert library.rounds[phase].recap
    in_all = start_ids.intersection(*(library.rounds[p].question_ids() for p in PHASES))
    assert len(in_all) >= 2 and "gedeeld-beeld.opgave" in in_all


def test_themes_pitfalls_and_exercises(library: Library) -> None:
    for name, theme in library.themes.items():
        assert ".txt" in theme.framework, name
        assert library.questions_of(f"theme:{name}"), name
    used = {q.pitfall for q in library.questions.values() if q.pitfall}
    assert used >= REQUIRED_PITFALLS
    assert set(library.exercises) == {"waarom-zitten-we-hier", "ritueel", "landkaart",
                                      "gedragscode"}  # fmt: skip
    for name, exercise in library.exercises.items():
        assert len(exercise.steps) >= 3 and exercise.source, name
        assert library.round_set(f"exercise:{name}") is exercise


def test_signals_flag_pitfalls(library: Library) -> None:
    q = library.questions["aan-tafel.hete-aardappels"]
    assert q.signals_pitfall("5") and not q.signals_pitfall("1")
    assert not library.questions["gedeeld-beeld.opgave"].signals_pitfall("1")


def test_library_md_is_generated(library: Library) -> None:
    assert LIBRARY_MD.read_text(encoding="utf-8") == render_library_md(library), (
        "prompts/LIBRARY.md is stale: run python -m prompts.library_doc"
    )


# --- validation failures ----------------------------------------------------------------------

LABELS = {"low": {"nl": "laag", "en": "low"}, "high": {"nl": "hoog", "en": "high"}}
SOURCE = {"file": "doc.txt", "lines": "2-3", "quote": "gedeeld beeld"}


def _question(**overrides: Any) -> dict[str, Any]:
    q: dict[str, Any] = {
        "id": "taak.een", "phases": ["start"], "kind": "scale", "labels": LABELS,
        "text": {"nl": "Vraag?", "en": "Question?"}, "why": {"nl": "Omdat.", "en": "Because."},
        "source": dict(SOURCE),
    }  # fmt: skip
    q.update(overrides)
    return {k: v for k, v in q.items() if v is not None}


def _write(tmp_path: Path, questions: list[dict[str, Any]], **sets: Any) -> tuple[Path, Path]:
    lib = tmp_path / "library"
    lib.mkdir(exist_ok=True)
    (lib / "taak.yaml").write_text(yaml.safe_dump({"theme": "taak", "questions": questions}))
    text = {"nl": "x", "en": "x"}
    step = {"questions": [questions[0]["id"]]} if questions else {"questions": []}
    data: dict[str, Any] = {
        "themes": {"taak": {"title": text, "framework": "TTTR (003)"}},
        "pitfalls": {"eindeloos-overleg": {"title": text, "source": SOURCE}},
        "rounds": {p: {"title": text, "intro": text, "steps": [step]} for p in PHASES},
    }
    data.update(sets)
    (tmp_path / "sets.yaml").write_text(yaml.safe_dump(data))
    return lib, tmp_path / "sets.yaml"


def _problems(tmp_path: Path, questions: list[dict[str, Any]], **sets: Any) -> str:
    lib, sets_file = _write(tmp_path, questions, **sets)
    with pytest.raises(LibraryError) as info:
        parse_library(lib, sets_file)
    return str(info.value)


def test_small_valid_library_parses(tmp_path: Path) -> None:
    lib, sets_file = _write(tmp_path, [_question(phases=list(PHASES))])
    assert list(parse_library(lib, sets_file).questions) == ["taak.een"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": {"nl": "Vraag?"}}, "text.en"),
        ({"why": {"nl": "Omdat.", "en": "  "}}, "why.en"),
        ({"why": None}, "why"),
        ({"theme": "onbekend", "id": "onbekend.een"}, "unknown theme 'onbekend'"),
        ({"phases": [*PHASES, "halverwege"]}, "unknown phase 'halverwege'"),
        ({"labels": None}, "needs labels"),
        ({"kind": "choice", "labels": None, "options": [{"id": "a", "text": LABELS["low"]}]},
         "at least two options"),
        ({"pitfall": "bestaat-niet", "signals": ["1"]}, "unknown pitfall"),
        ({"pitfall": "eindeloos-overleg"}, "a pitfall needs signals"),
        ({"pitfall": "eindeloos-overleg", "signals": ["9"]}, "signals must be possible answers"),
        ({"id": "tijd.een"}, "must start with its theme"),
    ],
)  # fmt: skip
def test_invalid_question(tmp_path: Path, overrides: dict[str, Any], message: str) -> None:
    assert message in _problems(tmp_path, [_question(**{"phases": list(PHASES), **overrides})])


def test_duplicate_id(tmp_path: Path) -> None:
    q = _question(phases=list(PHASES))
    assert "duplicate question id taak.een" in _problems(tmp_path, [q, dict(q)])


def test_round_with_unknown_question_or_wrong_phase(tmp_path: Path) -> None:
    text = {"nl": "x", "en": "x"}
    rounds = {p: {"title": text, "intro": text, "steps": [{"questions": ["taak.een"]}]}
              for p in PHASES}  # fmt: skip
    rounds["wrapup"]["steps"] = [{"questions": ["taak.zoek"]}]
    problems = _problems(tmp_path, [_question(phases=["start"])], rounds=rounds)
    assert "taak.een is not asked in phase 'freshup'" in problems
    assert "unknown question taak.zoek" in problems


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, [_question(labels=None), _question(id="taak.twee", phases=["x"])]
    )
    assert "needs labels" in problems and "unknown phase 'x'" in problems


def _checked(tmp_path: Path, source: dict[str, str]) -> list[str]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "doc.txt").write_text("titel\nWerken we vanuit een gedeeld\nbeeld van de opgave?\n")
    lib, sets_file = _write(tmp_path, [_question(phases=list(PHASES), source=source)])
    return check_citations(parse_library(lib, sets_file), seeds)


def test_citation_that_matches(tmp_path: Path) -> None:
    assert _checked(tmp_path, SOURCE) == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({**SOURCE, "file": "weg.txt"}, "does not exist"),
        ({**SOURCE, "lines": "3-9"}, "outside doc.txt"),
        ({**SOURCE, "lines": "1"}, "not in doc.txt lines 1"),
        ({**SOURCE, "quote": "gedeeld doel"}, "not in doc.txt"),
    ],
)
def test_bad_citation(tmp_path: Path, source: dict[str, str], message: str) -> None:
    problems = _checked(tmp_path, source)
    assert any(message in p for p in problems), problems
