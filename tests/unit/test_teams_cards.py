"""Every Adaptive Card the Teams adapter can show, valid against the official 1.5 schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft6Validator

from adapters.teams import translate as tr
from prompts.catalog import command_word
from prompts.render import message, render
from prompts.views import OptionView, QuestionView, RoundView
from tests.fakes import digest_views
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

NASTY = 'Quote " backslash \\ <b>tag</b> & {{ jinja }} \u202e emoji 🙂'


def _round(status: str = "open", answered: bool = False, n_options: int = 3) -> RoundView:
    options = [OptionView(id=f"o{i}", text=f"{NASTY} {i}") for i in range(n_options)]
    questions = [
        QuestionView(
            id="s.scale",
            kind="scale",
            text=NASTY,
            low="laag",
            high="hoog",
            step=1,
            step_intro="Stap 1",
            why=NASTY,
            current="4" if answered else None,
        ),
        QuestionView(
            id="s.choice",
            kind="choice",
            text=NASTY,
            options=options,
            step=2,
            step_intro="Stap 2",
            current="o1" if answered else None,
        ),
        QuestionView(id="s.text", kind="text", text=NASTY, current=NASTY if answered else None),
    ]
    return RoundView(
        id=7,
        team_name=NASTY,
        phase="start",
        phase_label="Start",
        title=NASTY,
        intro=NASTY,
        status=status,
        closes_local="vr 15 jan 2027, 17:00",
        anonymity="pseudonymous",
        answered=3,
        total=8,
        rate=38 if status == "closed" else None,
        questions=questions,
        recap=[NASTY, "Gedeeld beeld: mediaan 3"],
        form_token="7.0123456789abcdef0123456789abcdef",
    )


def _cards(locale: str) -> dict[str, dict[str, Any]]:
    cmd = command_word("teams", locale)
    form = render("teams", "form", locale, round=_round(answered=True))
    out = {
        "round open (channel)": render("teams", "round_open", locale, round=_round()),
        "round open, many options": render(
            "teams", "round_open", locale, round=_round(n_options=12)
        ),
        "counter update": render("teams", "round_update", locale, round=_round()),
        "closed": render("teams", "round_update", locale, round=_round("closed")),
        "cancelled": render("teams", "round_update", locale, round=_round("cancelled")),
        "own form, answered": form,
        "own form, not answered": render("teams", "form", locale, round=_round()),
        "refreshed, saved": render(
            "teams",
            "refreshed",
            locale,
            card=tr.card(form),
            notice={"text": NASTY, "ok": True},
            errors={},
            values={},
        ),
        "refreshed, errors": render(
            "teams",
            "refreshed",
            locale,
            card=tr.card(form),
            notice={"text": NASTY, "ok": False},
            errors={"s.text": NASTY, "s.scale": NASTY},
            values={"q:s.text": "x" * 3000},
        ),
        "reminder": render("teams", "reminder", locale, round=_round()),
        "digest": render("teams", "digest", locale, digest=digest_views.digest()),
        "confirm": render("teams", "confirm", locale, text=NASTY, command="stop ja", button="Ja"),
        "greeting": message("teams", locale, "teams.welcome_channel", cmd=cmd),
        "personal greeting": message("teams", locale, "teams.welcome_personal", cmd=cmd),
        "error": message("teams", locale, "teams.failed", cmd=cmd),
        "unreadable": message("teams", locale, "teams.unreadable", cmd=cmd),
        "closed answer": message("teams", locale, "answer.closed"),
    }
    return {name: tr.card(r) for name, r in out.items()}


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_every_card_is_valid_adaptive_card_1_5_and_fits_teams(specs_dir: Path, locale: str) -> None:
    schema = json.loads(
        (specs_dir / "adaptivecards" / "adaptive-card-1.5.0.schema.json").read_text("utf-8")
    )
    validator = Draft6Validator(schema)
    for name, card in _cards(locale).items():
        errors = [e.message for e in validator.iter_errors(card)]
        assert errors == [], f"{name}: {errors[:3]}"
        assert card["version"] == "1.5", name
        assert len(json.dumps(card)) < 28_000, f"{name} is over Teams' card size"
        for action in card.get("actions") or []:
            assert action["type"] == "Action.Execute" and action["verb"], name
            fallback = action["fallback"]
            assert fallback["type"] == "Action.Submit"
            assert fallback["data"]["verb"] == action["verb"], "the fallback carries the verb"


def test_the_round_card_carries_its_form_token_and_the_own_card_says_what_was_prefilled() -> None:
    cards = _cards("nl")
    save = next(a for a in cards["round open (channel)"]["actions"] if a["verb"] == tr.ANSWER)
    assert save["data"]["form_token"] == _round().form_token and save["data"]["prefilled"] == []
    own = next(a for a in cards["own form, answered"]["actions"] if a["verb"] == tr.ANSWER)
    assert own["data"]["prefilled"] == ["s.scale", "s.choice", "s.text"]
    values = {b["id"]: b.get("value") for b in cards["own form, answered"]["body"] if "value" in b}
    assert values == {"q:s.scale": "4", "q:s.choice": "o1", "q:s.text": NASTY}


def test_errors_sit_under_their_question_and_what_was_typed_stays() -> None:
    body = _cards("nl")["refreshed, errors"]["body"]
    ids = [b.get("id") for b in body]
    assert ids.index("error:s.text") == ids.index("q:s.text") + 1
    assert ids[0] == "notice"
    assert next(b for b in body if b.get("id") == "q:s.text")["value"] == "x" * 3000


def test_closed_and_cancelled_cards_have_nothing_to_press() -> None:
    cards = _cards("en")
    for name in ("closed", "cancelled"):
        assert "actions" not in cards[name] and "refresh" not in cards[name]
    assert "38%" in json.dumps(cards["closed"])
