"""The command parser: every command, Dutch words and English aliases, dates, and mistakes."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands.models import (
    DigestCommand,
    HelpCommand,
    PlanCommand,
    RoleCommand,
    SettingsCommand,
    StartCommand,
    StatusCommand,
    StopCommand,
)
from bot.commands.syntax import ParseError, parse_date
from bot.commands.table import parse
from bot.models import Anonymity, RoleName
from prompts.catalog import t
from prompts.library import Library, RoundSet, Step, Text, Theme


@pytest.fixture
def library() -> Library:
    """A small real library: two themes and one exercise, independent of the packaged files."""
    text = Text(nl="x", en="x")
    themes = {name: Theme(title=text, framework="f") for name in ("gedeeld-beeld", "taak")}
    exercise = RoundSet(id="tijdlijn", title=text, intro=text, steps=[Step(questions=[])])
    return Library(questions={}, themes=themes, rounds={}, exercises={"tijdlijn": exercise})


def fails(text: str, library: Library) -> ParseError:
    """Return the parse error for ``text`` (the test fails if it parses)."""
    with pytest.raises(ParseError) as caught:
        parse(text, library)
    return caught.value


@pytest.mark.parametrize("text", ["", "   ", "hulp", "help", "HULP", "Help", "?", "/reflectie"])
def test_help_and_empty_input(text: str, library: Library) -> None:
    assert parse(text, library) == HelpCommand()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("status", StatusCommand()),
        ("  STATUS  ", StatusCommand()),
        ("digest", DigestCommand()),
        ("samenvatting", DigestCommand()),
        ("stop", StopCommand()),
        ("Cancel", StopCommand()),
        ("stop ja", StopCommand(confirmed=True)),
        ("stop YES", StopCommand(confirmed=True)),
        ("/reflectie status", StatusCommand()),
    ],
)
def test_simple_commands(text: str, expected: object, library: Library) -> None:
    assert parse(text, library) == expected


def test_simple_command_with_extra_words_is_explained(library: Library) -> None:
    err = fails("stop nu meteen", library)
    assert err.key == "commands.error.extra"
    assert err.params == {"verb": "stop", "word": "nu meteen"}


@pytest.mark.parametrize(
    ("text", "set_id", "programme"),
    [
        ("start", None, False),
        ("start start", "start", False),
        ("start opfris", "freshup", False),
        ("start opfrismoment", "freshup", False),
        ("start freshup", "freshup", False),
        ("start afronding", "wrapup", False),
        ("start WRAPUP", "wrapup", False),
        ("start thema taak", "theme:taak", False),
        ("start theme gedeeld-beeld", "theme:gedeeld-beeld", False),
        ("start gedeeld-beeld", "theme:gedeeld-beeld", False),
        ("start oefening tijdlijn", "exercise:tijdlijn", False),
        ("start exercise tijdlijn", "exercise:tijdlijn", False),
        ("start tijdlijn", "exercise:tijdlijn", False),
        ("start programma", None, True),
        ("start programme freshup", "freshup", True),
        ("start programma thema taak", "theme:taak", True),
    ],
)
def test_start(text: str, set_id: str | None, programme: bool, library: Library) -> None:
    assert parse(text, library) == StartCommand(set_id=set_id, programme=programme)


def test_start_unknown_theme_lists_the_themes(library: Library) -> None:
    err = fails("start thema zeilen", library)
    assert err.key == "commands.start.unknown_theme"
    assert err.params["themes"] == ["gedeeld-beeld", "taak"]
    text = t(err.key, "nl", cmd="/reflectie", **err.params)
    assert "zeilen" in text and "gedeeld-beeld, taak" in text


def test_start_unknown_word_and_exercise(library: Library) -> None:
    assert fails("start vandaag", library).key == "commands.start.unknown"
    assert fails("start oefening zeilen", library).key == "commands.start.unknown_exercise"


def test_start_unknown_exercise_without_exercises_reads_well() -> None:
    empty = Library(questions={}, themes={}, rounds={}, exercises={})
    err = fails("start oefening zeilen", empty)
    assert "nog geen oefeningen" in t(err.key, "nl", cmd="/reflectie", **err.params)
    assert "no exercises yet" in t(err.key, "en", cmd="/reflectie", **err.params)


@pytest.mark.parametrize(
    "text",
    [
        "plan 2027-01-11 opfris 2027-03-15 afronding 2027-05-28",
        "plan 11-01-2027 opfris 15-03-2027 afronding 28-05-2027",
        "PLAN  2027-01-11   Freshup 15/03/2027 wrapup 28.05.2027",
        "plan start 2027-01-11 opfrismoment 2027-03-15 end 2027-05-28",
        "plan 2027-1-11 afronding 2027-05-28 opfris 2027-03-15",
    ],
)
def test_plan_with_both_date_formats_and_aliases(text: str, library: Library) -> None:
    assert parse(text, library) == PlanCommand(
        start=date(2027, 1, 11), freshups=[date(2027, 3, 15)], end=date(2027, 5, 28)
    )


def test_plan_without_freshup_and_with_several(library: Library) -> None:
    assert parse("plan 2027-01-11 afronding 2027-05-28", library) == PlanCommand(
        start=date(2027, 1, 11), end=date(2027, 5, 28)
    )
    many = parse("plan 2027-01-11 opfris 2027-02-15 2027-03-15 opfris 2027-04-12 eind 2027-05-28")
    assert isinstance(many, PlanCommand)
    assert many.freshups == [date(2027, 2, 15), date(2027, 3, 15), date(2027, 4, 12)]


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("plan", "commands.plan.usage", {}),
        ("plan afronding 2027-05-28", "commands.plan.no_start", {"word": "afronding"}),
        ("plan 2027-02-30 eind 2027-05-28", "commands.error.bad_date", {"value": "2027-02-30"}),
        ("plan 2027-01-11 eind 31-04-2027", "commands.error.bad_date", {"value": "31-04-2027"}),
        ("plan 2027-13-01 eind 2027-05-28", "commands.error.bad_date", {"value": "2027-13-01"}),
        ("plan 2027/01 afronding 2027-05-28", "commands.error.not_a_date", {"value": "2027/01"}),
        ("plan 2027-01-11", "commands.plan.no_end", {}),
        (
            "plan 2027-01-11 opfris afronding 2027-05-28",
            "commands.plan.missing_date",
            {"word": "opfris"},
        ),
        ("plan 2027-01-11 afronding", "commands.plan.missing_date", {"word": "afronding"}),
        ("plan 2027-01-11 2027-05-28", "commands.plan.loose_date", {"value": "2027-05-28"}),
        ("plan 2027-01-11 afronding 2027-05-28 afronding 2027-06-01", "commands.plan.two_ends", {}),
        ("plan 2027-01-11 morgen 2027-05-28", "commands.plan.unexpected", {"word": "morgen"}),
    ],
)
def test_plan_mistakes(text: str, key: str, params: dict[str, str], library: Library) -> None:
    err = fails(text, library)
    assert (err.key, err.params) == (key, params)


def test_a_wrong_date_is_explained_in_both_languages(library: Library) -> None:
    err = fails("plan 2027-02-30 afronding 2027-05-28", library)
    nl = t(err.key, "nl", cmd="/reflectie", **err.params)
    en = t(err.key, "en", cmd="/reflectie", **err.params)
    assert "2027-02-30 bestaat niet" in nl
    assert "2027-02-30 does not exist" in en


def test_parse_date_accepts_leap_day_only_in_leap_years() -> None:
    assert parse_date("29-02-2028") == date(2028, 2, 29)
    with pytest.raises(ParseError):
        parse_date("29-02-2027")


@pytest.mark.parametrize(
    ("text", "role", "people", "revoke"),
    [
        ("rol manager @U123", RoleName.MANAGER, ["@U123"], False),
        ("rol coach @U1 @U2", RoleName.COACH, ["@U1", "@U2"], False),
        ("rol lid @U1", RoleName.MEMBER, ["@U1"], False),
        ("role member @U1", RoleName.MEMBER, ["@U1"], False),
        ("ROLE Coach @UaBc", RoleName.COACH, ["@UaBc"], False),
        ("rol weg coach @U1", RoleName.COACH, ["@U1"], True),
        ("rol coach weg @U1", RoleName.COACH, ["@U1"], True),
        ("role remove manager @U1 @U1", RoleName.MANAGER, ["@U1"], True),
    ],
)
def test_role(text: str, role: RoleName, people: list[str], revoke: bool, library: Library) -> None:
    assert parse(text, library) == RoleCommand(role=role, people=people, revoke=revoke)


def test_role_mistakes(library: Library) -> None:
    assert fails("rol baas @U1", library).key == "commands.role.usage"
    assert fails("rol @U1", library).key == "commands.role.usage"
    assert fails("rol coach", library).key == "commands.role.no_person"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("instellingen", SettingsCommand()),
        ("settings", SettingsCommand()),
        ("instellingen taal en", SettingsCommand(locale="en")),
        ("settings language Dutch", SettingsCommand(locale="nl")),
        ("instellingen anonimiteit anoniem", SettingsCommand(anonymity=Anonymity.ANONYMOUS)),
        ("instellingen anonimiteit pseudoniem", SettingsCommand(anonymity=Anonymity.PSEUDONYMOUS)),
        ("settings anonymity named", SettingsCommand(anonymity=Anonymity.NAMED)),
        ("instellingen anonimiteit naam", SettingsCommand(anonymity=Anonymity.NAMED)),
        ("instellingen dagen 1", SettingsCommand(open_days=1)),
        ("settings days 20", SettingsCommand(open_days=20)),
        ("instellingen taal nl dagen 3", SettingsCommand(locale="nl", open_days=3)),
    ],
)
def test_settings(text: str, expected: SettingsCommand, library: Library) -> None:
    assert parse(text, library) == expected


def test_settings_changes_lists_only_what_changes(library: Library) -> None:
    command = parse("instellingen dagen 3", library)
    assert isinstance(command, SettingsCommand)
    assert command.changes == {"open_days": 3}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("instellingen taal fr", "commands.settings.bad_language"),
        ("instellingen taal", "commands.settings.bad_language"),
        ("instellingen anonimiteit geheim", "commands.settings.bad_anonymity"),
        ("instellingen dagen 0", "commands.settings.bad_days"),
        ("instellingen dagen 21", "commands.settings.bad_days"),
        ("instellingen dagen vijf", "commands.settings.bad_days"),
        ("instellingen kleur blauw", "commands.settings.unknown"),
    ],
)
def test_settings_mistakes(text: str, key: str, library: Library) -> None:
    assert fails(text, library).key == key


@pytest.mark.parametrize("text", ["plannen 2027-01-11", "begin", "stats", "rolletje"])
def test_unknown_words_get_an_example_in_the_users_language(text: str, library: Library) -> None:
    err = fails(text, library)
    assert err.key == "commands.error.unknown"
    nl = t(err.key, "nl", cmd="/reflectie", **err.params)
    en = t(err.key, "en", cmd="@reflectiebot", **err.params)
    assert "/reflectie hulp" in nl
    assert "@reflectiebot help" in en


def test_every_error_key_exists_in_both_languages(library: Library) -> None:
    texts = [
        "plan",
        "plan afronding",
        "plan 2027-02-30",
        "plan 2027/01",
        "plan 2027-01-11",
        "plan 2027-01-11 opfris",
        "plan 2027-01-11 2027-02-02",
        "plan 2027-01-11 x",
        "plan 2027-01-11 afronding 2027-05-28 afronding 2027-06-01",
        "start x",
        "start thema x",
        "start oefening x",
        "rol x @U1",
        "rol coach",
        "instellingen taal x",
        "instellingen anonimiteit x",
        "instellingen dagen x",
        "instellingen x",
        "status x",
        "x",
    ]
    for text in texts:
        err = fails(text, library)
        for locale in ("nl", "en"):
            assert t(err.key, locale, cmd="/reflectie", **err.params)


@pytest.mark.parametrize("word", ["²", "١", "٣", "５", "4²"])
def test_only_ascii_digits_count_as_a_number(word: str, library: Library) -> None:
    assert fails(f"instellingen dagen {word}", library).key == "commands.settings.bad_days"


@pytest.mark.parametrize("word", ["١١-٠١-٢٠٢٧", "２０２７-０１-１１", "2027-01-1١"])
def test_only_ascii_digits_make_a_date(word: str) -> None:
    with pytest.raises(ParseError) as refused:
        parse_date(word)
    assert refused.value.key == "commands.error.not_a_date"
