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
    shared = library.questions["gedeeld-beeld.opgave"]
    assert shared.signals_pitfall("2") and not shared.signals_pitfall("4")


# Closed questions of the default rounds that relate to no pitfall of ../shared/seeds/MAP.md e,
# and why; every other one must be able to raise a flag.
NO_PITFALL = {
    "territorium.wie-ontbreekt": "MAP.md e names no pitfall about parties missing at the table",
    "borging.vervolg": "stopping or continuing is a decision, not a warning sign",
}


def test_every_default_round_can_raise_a_flag(library: Library) -> None:
    for phase in PHASES:
        closed = [q for _, q in library.questions_of(phase) if q.kind is not Kind.TEXT]
        flaggable = [q for q in closed if q.pitfall and q.signals]
        assert flaggable, f"a {phase} round could never raise a flag"
        for q in closed:
            assert (q in flaggable) != (q.id in NO_PITFALL), q.id


def test_the_kit_has_an_exercise_with_openers_for_every_boundary(library: Library) -> None:
    grenzen = library.questions["tussentafel.grenzen"]
    named = {v for entry in library.kit.values() for v in entry.answers.get(grenzen.id, [])}
    assert named == set(grenzen.signals)  # each boundary a team can name has its exercise
    assert set(library.kit) == set(library.exercises)
    for entry in library.kit.values():
        assert 1 <= len(entry.openers) <= 2 and all(o.text.nl.endswith("?") for o in entry.openers)


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


def test_kit_that_points_nowhere(tmp_path: Path) -> None:
    opener = {"text": {"nl": "Waarom?", "en": "Why?"}, "source": SOURCE}
    kit = {
        "bestaat-niet": {"themes": ["taak"], "openers": [opener]},
        "ook-niet": {
            "themes": ["taak", "geen"],
            "answers": {"taak.een": ["9"]},
            "openers": [opener],
        },
        "leeg": {"openers": []},
    }
    problems = _problems(tmp_path, [_question(phases=list(PHASES))], kit=kit)
    assert "unknown exercise 'bestaat-niet'" in problems and "unknown theme 'geen'" in problems
    assert "theme taak is in both bestaat-niet and ook-niet" in problems
    assert "'9' is not an answer to taak.een" in problems and "kit.leeg: openers" in problems


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
