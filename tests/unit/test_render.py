"""Templates and catalog: every template in both languages; missing values fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import UndefinedError

from prompts.catalog import CatalogError, messages, t
from prompts.render import TEMPLATES_DIR, render
from prompts.views import HomeView, OptionView, QuestionView, RoundView
from tests.fakes import digest_views


def _round(status: str = "open") -> RoundView:
    qs = [
        QuestionView(
            id="a.scale", kind="scale", text="Schaal <b>&", low="laag", high="hoog", current="3"
        ),
        QuestionView(
            id="a.choice",
            kind="choice",
            text="Keuze",
            options=[OptionView(id="x", text="X"), OptionView(id="y", text="Y")],
        ),
        QuestionView(id="a.text", kind="text", text="Open", why="Omdat"),
    ]
    return RoundView(
        id=1,
        team_name="Team",
        phase="start",
        phase_label="Start",
        title="Start",
        intro="Intro",
        status=status,
        closes_local="vr 15 jan 2027, 17:00",
        anonymity="anonymous",
        answered=2,
        total=6,
        rate=33,
        questions=qs,
        recap=["Gedeeld beeld: mediaan 3"],
    )


def _contexts() -> dict[str, dict[str, object]]:
    return {
        "message": {"text": "Hallo"},
        "confirm": {"text": "Zeker?", "command": "stop ja", "button": "Ja, stop"},
        "saved": {"text": "Opgeslagen <tot vrijdag>"},
        "round_open": {"round": _round()},
        "round_update": {"round": _round("closed")},
        "form": {"round": _round()},
        "reminder": {"round": _round()},
        "digest": {"digest": digest_views.digest()},
        "report": {"report": digest_views.report()},
        "compare": {"compare": digest_views.compare()},
        "programme": {"programme": digest_views.programme()},
        "style": {},
        "refreshed": {
            "card": render("teams", "form", "nl", round=_round()).payload["card"],  # type: ignore[index]
            "notice": {"text": "Opgeslagen", "ok": True},
            "errors": {"a.text": "Te lang"},
            "values": {"q:a.text": "x"},
        },
        "home": {
            "home": HomeView(
                name="Anna",
                open_rounds=[_round()],
                teams=[{"id": "t", "name": "T", "role": "coach"}],
            )
        },
    }


SURFACES = sorted(p.name for p in TEMPLATES_DIR.iterdir() if p.is_dir())


@pytest.mark.parametrize("locale", ["nl", "en"])
@pytest.mark.parametrize("surface", SURFACES)
def test_every_template_renders_in_both_languages(surface: str, locale: str) -> None:
    contexts = _contexts()
    for path in sorted((TEMPLATES_DIR / surface).glob("*.j2")):
        name = path.name.split(".")[0]
        assert name in contexts, f"{surface}/{name} has no test context: add one above"
        rendered = render(surface, name, locale, **contexts[name])
        assert rendered.text or rendered.payload, f"{surface}/{name} rendered nothing"


def test_text_round_message_shows_what_a_member_needs() -> None:
    text = render("text", "round_open", "nl", round=_round()).text
    assert "Beantwoorden" in text and "2 van 6 beantwoord" in text and "anoniem" in text
    english = render("text", "round_open", "en", round=_round()).text
    assert "Answer" in english and "2 of 6 answered" in english


def test_a_missing_template_variable_fails_loudly() -> None:
    with pytest.raises(UndefinedError):
        render("text", "round_open", "nl")


def test_a_missing_message_fails_loudly() -> None:
    with pytest.raises(CatalogError):
        t("round.does_not_exist", "nl")
    with pytest.raises(UndefinedError):
        t("round.answered", "nl", answered=1)  # 'total' is missing


def test_both_languages_have_the_same_message_keys() -> None:
    assert set(messages("nl")) == set(messages("en"))


def test_catalog_files_exist_in_pairs() -> None:
    root = Path(TEMPLATES_DIR).parent / "messages"
    assert {p.name for p in (root / "nl").glob("*.yaml")} == {
        p.name for p in (root / "en").glob("*.yaml")
    }


def test_html_report_escapes_what_people_typed() -> None:
    html = render("html", "report", "nl", **_contexts()["report"]).text
    assert "&lt;tekst&gt; &amp; meer" in html and "<tekst>" not in html
    assert "<svg" in html and "verborgen (minder dan 3 antwoorden)" in html


def test_forget_counts_in_singular_and_plural_in_both_languages() -> None:
    one = {"user": "slack:U1", "answers": 1, "roles": 1, "teams": 1}
    assert "1 antwoord, 1 rol en 1 teamlidmaatschap gewist" in t("cli.forgotten", "nl", **one)
    assert "1 answer, 1 role and 1 team membership erased" in t("cli.forgotten", "en", **one)
    two = {**one, "answers": 2, "roles": 0, "teams": 2}
    assert "2 antwoorden, 0 rollen en 2 teamlidmaatschappen" in t("cli.forgotten", "nl", **two)
    assert "2 answers, 0 roles and 2 team memberships" in t("cli.forgotten", "en", **two)
