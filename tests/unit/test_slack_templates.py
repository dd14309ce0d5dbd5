"""Slack templates in both languages, at their biggest realistic size, within Block Kit limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.translate import message_chunks, view_payload
from bot.presenters.rounds import question_view
from bot.rounds.snapshot import snapshot
from prompts.digest_views import (
    BarView,
    CellState,
    CellView,
    DigestView,
    FlagView,
    SourceView,
    TextView,
)
from prompts.library import Kind, load_library
from prompts.render import render
from prompts.views import HomeView, OptionView, QuestionView, RoundView
from tests.fakes.block_kit import BlockKitChecker
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

LOCALES = ("nl", "en")
# User text that breaks naive templates: JSON quotes and backslashes, Slack's control
# characters, a fake mention and a line break.
NASTY = 'Zeg "nee" \\ <@U123> & <!channel> > 5\nnieuwe regel'
LONG = ("Wij & zij <samen> " * 200)[:2000]


@pytest.fixture
def check(specs_dir: Path) -> BlockKitChecker:
    return BlockKitChecker(specs_dir)


def questions(n: int = 20, current: bool = True) -> list[QuestionView]:
    out = []
    for i in range(n):
        kind = ("scale", "choice", "text", "choice")[i % 4]
        options = (
            [
                OptionView(id=f"o{j}", text=f"Optie {j} " + "x" * 60)
                for j in range(12 if i == 3 else 10)
            ]
            if kind == "choice"
            else []
        )
        value = {"scale": "4", "choice": "o1", "text": LONG}[kind] if current else None
        out.append(
            QuestionView(
                id=f"thema.vraag-{i}",
                kind=kind,
                text=f"{NASTY} {i}? " * 10,
                why="Waarom & hoe " * 20,
                step=i // 5,
                step_intro=f"Stap {i // 5}: " + NASTY,
                low="Helemaal niet",
                high="Helemaal wel",
                options=options,
                current=value,
            )
        )
    return out


def big_round(status: str = "open", **extra: Any) -> RoundView:
    return RoundView(
        id=123456,
        team_name="T" * 80,
        phase="freshup",
        phase_label="Opfrismoment",
        title="Opfrismoment",
        intro=NASTY * 10,
        status=status,
        closes_local="vrijdag 15 januari 17:00",
        anonymity="anonymous",
        answered=999,
        total=1000,
        rate=100 if status == "closed" else None,
        questions=questions(),
        recap=[NASTY + " mediaan 3"] * 20,
        **extra,
    )


def big_digest() -> DigestView:
    cells = []
    source = SourceView(file="003.txt", lines="1-2", quote=NASTY)
    for i, q in enumerate(questions()):
        texts = (
            [TextView(text=LONG if j % 3 else NASTY) for j in range(40)] if q.kind == "text" else []
        )
        labels = [o.text for o in q.options] or [str(v) for v in range(1, 6)]
        flag = FlagView(
            pitfall="p", title=NASTY, question_id=q.id, question=q.text, hits=30, n=40, share=75,
            source=source,
        )  # fmt: skip
        cells.append(
            CellView(
                id=q.id,
                kind=q.kind,
                text=q.text,
                n=40,
                state=CellState.WITHHELD if i == 5 else CellState.SHOWN,
                median=3.5 if q.kind == "scale" else None,
                spread=1.2 if q.kind == "scale" else None,
                lowest=1,
                highest=5,
                split=q.kind == "scale",
                top=labels[:2],
                top_share=20,
                bars=[
                    BarView(value=str(j), label=x, count=4, share=10) for j, x in enumerate(labels)
                ],
                texts=texts,
                flag=flag if i % 2 == 0 and q.kind != "text" else None,
            )
        )
    return DigestView(
        round=big_round("closed"),
        team_id="t",
        label="Opfrismoment",
        period="ma 15 mrt 2027 – vr 19 mrt 2027",
        opens_at="2027-03-15T09:30+01:00",
        closes_at="2027-03-19T17:00+01:00",
        anonymity_label="anoniem",
        cells=cells,
        threshold=3,
        summary=[NASTY] * 10,
    )


def sections(payloads: list[dict[str, Any]]) -> str:
    return "".join(
        b["text"]["text"]
        for p in payloads
        for b in p.get("blocks", [])
        if b.get("type") == "section" and "text" in b
    )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("status", ["open", "closed", "cancelled"])
@pytest.mark.parametrize("name", ["round_open", "round_update"])
def test_round_message_fits(check: BlockKitChecker, name: str, status: str, locale: str) -> None:
    rendered = render("slack", name, locale, round=big_round(status))
    chunks = message_chunks(rendered)
    assert len(chunks) == 1, "the round message must stay one message (it is updated)"
    assert check.message(chunks[0]) == []
    if status == "open":
        button = next(
            e for b in chunks[0]["blocks"] if b["type"] == "actions" for e in b["elements"]
        )
        assert (button["action_id"], button["value"]) == ("reflectie.open_form", "123456")
    else:
        assert "reflectie.open_form" not in json.dumps(chunks[0])


@pytest.mark.parametrize("locale", LOCALES)
def test_form_is_a_valid_modal_with_every_question(check: BlockKitChecker, locale: str) -> None:
    rnd = big_round().model_copy(update={"form_token": "123456." + "a" * 32})
    view = view_payload(render("slack", "form", locale, round=rnd))
    assert check.view(view) == []
    assert (view["type"], view["callback_id"], view["private_metadata"]) == (
        "modal",
        "reflectie.answer_form",
        "123456." + "a" * 32,  # the signed round id the submission brings back
    )
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == [f"q:{q.id}" for q in rnd.questions]
    for q in rnd.questions:
        block = inputs[f"q:{q.id}"]
        element = block["element"]
        assert block["optional"] is True
        if q.kind == "text":
            assert element["type"] == "plain_text_input" and element["multiline"] is True
            assert element["max_length"] == 3000 and element["initial_value"] == LONG
        else:
            assert element["initial_option"]["value"] == q.current
        if q.kind == "scale":
            labels = [o["text"]["text"] for o in element["options"]]
            assert labels[0].endswith("Helemaal niet") and labels[4].endswith("Helemaal wel")
    assert inputs["q:thema.vraag-3"]["element"]["type"] == "static_select"
    assert inputs["q:thema.vraag-1"]["element"]["type"] == "radio_buttons"


def test_form_without_answers_has_no_initial_values(check: BlockKitChecker) -> None:
    rnd = big_round().model_copy(update={"questions": questions(current=False)})
    view = view_payload(render("slack", "form", "nl", round=rnd))
    assert check.view(view) == []
    assert "initial_option" not in json.dumps(view) and "initial_value" not in json.dumps(view)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_library_set_renders_as_a_valid_form(check: BlockKitChecker, locale: str) -> None:
    library = load_library()
    set_ids = [
        *library.rounds,
        *(f"exercise:{e}" for e in library.exercises),
        *(f"theme:{t}" for t in library.themes),
    ]
    for set_id in set_ids:
        questions = snapshot(library, set_id, 1)
        if not questions:
            continue
        views = [question_view(q, locale) for q in questions]
        rnd = big_round().model_copy(update={"questions": views})
        assert check.view(view_payload(render("slack", "form", locale, round=rnd))) == [], set_id


@pytest.mark.parametrize("locale", LOCALES)
def test_every_library_question_fits_a_modal_input(check: BlockKitChecker, locale: str) -> None:
    library = load_library()
    views = [
        QuestionView(
            id=q.id,
            kind=q.kind.value,
            text=q.text.get(locale),
            why=q.why.get(locale),
            low=q.labels.low.get(locale) if q.labels else None,
            high=q.labels.high.get(locale) if q.labels else None,
            options=[OptionView(id=o.id, text=o.text.get(locale)) for o in q.options],
        )
        for q in library.questions.values()
    ]
    assert any(v.kind == Kind.CHOICE.value for v in views)
    # Forms hold at most 100 blocks; check the whole library in modal-sized batches.
    for start in range(0, len(views), 40):
        rnd = big_round().model_copy(update={"questions": views[start : start + 40]})
        assert check.view(view_payload(render("slack", "form", locale, round=rnd))) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_reminder_and_message_fit(check: BlockKitChecker, locale: str) -> None:
    reminder = message_chunks(render("slack", "reminder", locale, round=big_round()))
    assert len(reminder) == 1 and check.message(reminder[0]) == []
    assert "reflectie.open_form" in json.dumps(reminder)
    long_text = render("slack", "message", locale, text=NASTY * 400)
    chunks = message_chunks(long_text)
    assert all(check.message(c) == [] for c in chunks)
    assert sections(chunks) == long_text.payload["blocks"][0]["text"]["text"]  # type: ignore[index]


@pytest.mark.parametrize("locale", LOCALES)
def test_biggest_digest_is_split_not_cut(check: BlockKitChecker, locale: str) -> None:
    rendered = render("slack", "digest", locale, digest=big_digest())
    chunks = message_chunks(rendered)
    assert len(chunks) > 1
    for chunk in chunks:
        assert check.message(chunk) == []
    joined = sections(chunks)
    for block in rendered.payload["blocks"]:  # type: ignore[index]
        if block["type"] == "section":
            assert block["text"]["text"] in joined
    assert "&lt;samen&gt;" in joined and "<samen>" not in joined


@pytest.mark.parametrize("locale", LOCALES)
def test_home_fits_for_a_busy_programme_manager(check: BlockKitChecker, locale: str) -> None:
    rounds = [big_round().model_copy(update={"id": i}) for i in range(30)]
    teams = [
        {"id": f"t{i}", "name": f"Team {i} " + "n" * 60, "role": "manager"} for i in range(1000)
    ]
    view = view_payload(
        render("slack", "home", locale, home=HomeView(name=NASTY, open_rounds=rounds, teams=teams))
    )
    assert check.view(view) == []
    assert view["type"] == "home"
    buttons = [b["accessory"]["value"] for b in view["blocks"] if "accessory" in b]
    assert buttons == [str(i) for i in range(30)]
    assert (
        sum(b["text"]["text"].count("•") for b in view["blocks"] if b["type"] == "section") == 1000
    )


def test_empty_home(check: BlockKitChecker) -> None:
    view = view_payload(render("slack", "home", "nl", home=HomeView(name="Piet")))
    assert check.view(view) == []
