"""The words of the `/reflectie` command language and the pure parsers of their arguments."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.commands.models import (
    ChangeCommand,
    ForgetMeCommand,
    MyDataCommand,
    PlanCommand,
    RoleCommand,
    SettingsCommand,
    StartCommand,
    StopCommand,
)
from bot.models import Anonymity, DigestAudience, Phase, RoleName
from prompts.library import Library

# Keywords per meaning; Dutch first, English aliases after. Everything is compared lowercased.
HELP = {"hulp", "help", "?"}
FRESHUP = {"opfris", "opfrismoment", "freshup", "fresh-up"}
END = {"afronding", "wrapup", "wrap-up", "end", "eind", "einde"}
PHASES = {"start": Phase.START, **dict.fromkeys(FRESHUP, Phase.FRESHUP)}
PHASES |= dict.fromkeys(("afronding", "wrapup", "wrap-up"), Phase.WRAPUP)
PROGRAMME = {"programma", "programme", "program"}
THEME = {"thema", "theme"}
EXERCISE = {"oefening", "exercise"}
# Rounds for when the team changes, by the words people use for them.
CHANGE_ROUNDS = {**dict.fromkeys(("hercontract", "hercontracteren", "recontract"), "hercontract")}
CHANGE_ROUNDS |= dict.fromkeys(("taakwijziging", "herijking", "task-change"), "taakwijziging")
MAX_NOTE = 300
ROLES = {"manager": RoleName.MANAGER, "coach": RoleName.COACH}
ROLES |= dict.fromkeys(("lid", "teamlid", "member"), RoleName.MEMBER)
REVOKE = {"weg", "af", "intrekken", "verwijder", "remove", "revoke"}
LANGUAGE = {"taal", "language", "lang"}
LANGUAGES = {**dict.fromkeys(("nl", "nederlands", "dutch"), "nl")}
LANGUAGES |= dict.fromkeys(("en", "engels", "english"), "en")
ANONYMITY = {"anonimiteit", "anonymity", "privacy"}
MODES = {**dict.fromkeys(("anoniem", "anonymous"), Anonymity.ANONYMOUS)}
MODES |= dict.fromkeys(("pseudoniem", "pseudonymous", "pseudonym"), Anonymity.PSEUDONYMOUS)
MODES |= dict.fromkeys(("naam", "op-naam", "named", "name"), Anonymity.NAMED)
DAYS = {"dagen", "days", "werkdagen"}
# The word that confirms a command that discards something (``stop ja``).
CONFIRM = {"ja", "yes", "bevestig", "confirm"}
MIN_DAYS, MAX_DAYS = 1, 20
DIGEST = {"digest", "samenvatting"}
AUDIENCES = {**dict.fromkeys(("team", "kanaal", "channel"), DigestAudience.TEAM)}
AUDIENCES |= dict.fromkeys(("coach", "coaches"), DigestAudience.COACH)
THRESHOLD = {"drempel", "threshold"}
# One answer alone is always recognisable; the operator's maximum bounds the rest.
MIN_THRESHOLD, MAX_THRESHOLD = 2, 50
RETENTION = {"bewaartermijn", "bewaren", "retention"}
# A team may keep its data shorter or longer than the operator's default, up to ten years.
MIN_RETENTION, MAX_RETENTION = 1, 3650
# The rights of the person: ``mijn gegevens`` / ``my data``, ``vergeet mij`` / ``forget me``.
MY_DATA = {"mijn": "gegevens", "my": "data"}
FORGET_ME = {"vergeet": "mij", "forget": "me"}

# ASCII digits only: str.isdigit and a plain \d also accept ², ١ and other scripts' digits.
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_DUTCH = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", re.ASCII)
_DATE_LIKE = re.compile(r"^[\d./-]+$", re.ASCII)


class ParseError(ValueError):
    """Input that is not a command; ``key`` is a catalog key explaining it with an example.

    Attributes:
        key: Message key, e.g. ``commands.error.bad_date``.
        params: Values for the message's placeholders.
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(f"{key} {params}")
        self.key = key
        self.params = params


def _is_number(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 6


def parse_date(word: str) -> date:
    """Read ``YYYY-MM-DD`` or ``DD-MM-YYYY`` (also with ``/`` or ``.``).

    Raises:
        ParseError: ``commands.error.not_a_date`` or ``commands.error.bad_date`` (no such day).
    """
    iso, dutch = _ISO.match(word), _DUTCH.match(word)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif dutch:
        day, month, year = (int(g) for g in dutch.groups())
    else:
        raise ParseError("commands.error.not_a_date", value=word)
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError("commands.error.bad_date", value=word) from None


def parse_start(words: list[str], library: Library) -> StartCommand:
    lowered = [w.lower() for w in words]
    programme = any(w in PROGRAMME for w in lowered)
    rest = [w for w in lowered if w not in PROGRAMME]
    if not rest:
        return StartCommand(programme=programme)
    if len(rest) == 1 and rest[0] in PHASES:
        return StartCommand(set_id=PHASES[rest[0]].value, programme=programme)
    if len(rest) == 1 and rest[0] in CHANGE_ROUNDS and CHANGE_ROUNDS[rest[0]] in library.rounds:
        return StartCommand(set_id=CHANGE_ROUNDS[rest[0]], programme=programme)
    if len(rest) == 2 and rest[0] in THEME:
        if rest[1] not in library.themes:
            raise ParseError(
                "commands.start.unknown_theme", word=rest[1], themes=sorted(library.themes)
            )
        return StartCommand(set_id=f"theme:{rest[1]}", programme=programme)
    if len(rest) == 2 and rest[0] in EXERCISE:
        if rest[1] not in library.exercises:
            raise ParseError(
                "commands.start.unknown_exercise", word=rest[1], exercises=sorted(library.exercises)
            )
        return StartCommand(set_id=f"exercise:{rest[1]}", programme=programme)
    if len(rest) == 1 and rest[0] in library.themes:
        return StartCommand(set_id=f"theme:{rest[0]}", programme=programme)
    if len(rest) == 1 and rest[0] in library.exercises:
        return StartCommand(set_id=f"exercise:{rest[0]}", programme=programme)
    raise ParseError("commands.start.unknown", word=" ".join(rest), themes=sorted(library.themes))


def parse_change(words: list[str]) -> ChangeCommand:
    """Read ``wijziging <korte omschrijving>``: the description is kept as typed.

    Raises:
        ParseError: ``commands.task_change.missing`` or ``commands.task_change.too_long``.
    """
    note = " ".join(" ".join(words).split())
    if not note:
        raise ParseError("commands.task_change.missing")
    if len(note) > MAX_NOTE:
        raise ParseError("commands.task_change.too_long", max=MAX_NOTE)
    return ChangeCommand(note=note)


def parse_stop(words: list[str]) -> StopCommand:
    """Read ``stop`` (which asks first) or ``stop ja`` (which stops)."""
    lowered = [w.lower() for w in words]
    if not lowered:
        return StopCommand()
    if len(lowered) == 1 and lowered[0] in CONFIRM:
        return StopCommand(confirmed=True)
    raise ParseError("commands.error.extra", verb="stop", word=" ".join(words))


def parse_plan(words: list[str]) -> PlanCommand:
    if not words:
        raise ParseError("commands.plan.usage")
    items = [w.lower() for w in words]
    if items[0] in ("start", "begin"):
        items = items[1:]
    if not items or not _DATE_LIKE.match(items[0]):
        raise ParseError("commands.plan.no_start", word=items[0] if items else "")
    start, freshups, end = parse_date(items[0]), [], None
    i = 1
    while i < len(items):
        word = items[i]
        if word in FRESHUP or word in END:
            dates = []
            while i + 1 < len(items) and _DATE_LIKE.match(items[i + 1]):
                dates.append(parse_date(items[i + 1]))
                i += 1
            if not dates:
                raise ParseError("commands.plan.missing_date", word=word)
            if word in FRESHUP:
                freshups += dates
            elif end is not None or len(dates) > 1:
                raise ParseError("commands.plan.two_ends")
            else:
                end = dates[0]
        elif _DATE_LIKE.match(word):
            parse_date(word)  # a wrong date is reported as such before the missing keyword
            raise ParseError("commands.plan.loose_date", value=word)
        else:
            raise ParseError("commands.plan.unexpected", word=word)
        i += 1
    if end is None:
        raise ParseError("commands.plan.no_end")
    return PlanCommand(start=start, freshups=freshups, end=end)


def parse_role(words: list[str]) -> RoleCommand:
    people = [w for w in words if w.startswith("@") and len(w) > 1]
    others = [w.lower() for w in words if w not in people]
    revoke = any(w in REVOKE for w in others)
    names = [w for w in others if w not in REVOKE]
    if len(names) != 1 or names[0] not in ROLES:
        raise ParseError("commands.role.usage", word=" ".join(names))
    if not people:
        raise ParseError("commands.role.no_person")
    return RoleCommand(role=ROLES[names[0]], people=list(dict.fromkeys(people)), revoke=revoke)


def parse_settings(words: list[str]) -> SettingsCommand:
    items = [w.lower() for w in words]
    found: dict[str, Any] = {}
    for i in range(0, len(items), 2):
        key = items[i]
        value = items[i + 1] if i + 1 < len(items) else None
        if key in LANGUAGE:
            if value not in LANGUAGES:
                raise ParseError("commands.settings.bad_language", value=value or "")
            found["locale"] = LANGUAGES[value]
        elif key in ANONYMITY:
            if value not in MODES:
                raise ParseError("commands.settings.bad_anonymity", value=value or "")
            found["anonymity"] = MODES[value]
        elif key in DAYS:
            days = int(value) if value is not None and _is_number(value) else 0
            if not MIN_DAYS <= days <= MAX_DAYS:
                raise ParseError(
                    "commands.settings.bad_days", value=value or "", low=MIN_DAYS, high=MAX_DAYS
                )
            found["open_days"] = days
        elif key in DIGEST:
            if value not in AUDIENCES:
                raise ParseError("commands.settings.bad_digest", value=value or "")
            found["digest_audience"] = AUDIENCES[value]
        elif key in THRESHOLD:
            threshold = int(value) if value is not None and _is_number(value) else 0
            if not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
                raise ParseError(
                    "commands.settings.bad_threshold",
                    value=value or "",
                    low=MIN_THRESHOLD,
                    high=MAX_THRESHOLD,
                )
            found["suppression_threshold"] = threshold
        elif key in RETENTION:
            days = int(value) if value is not None and _is_number(value) else 0
            if not MIN_RETENTION <= days <= MAX_RETENTION:
                raise ParseError(
                    "commands.settings.bad_retention",
                    value=value or "",
                    low=MIN_RETENTION,
                    high=MAX_RETENTION,
                )
            found["retention_days"] = days
        else:
            raise ParseError("commands.settings.unknown", word=key)
    return SettingsCommand(**found)


def parse_my_data(verb: str, words: list[str]) -> MyDataCommand:
    """Read ``mijn gegevens`` / ``my data`` (``verb`` is the first word)."""
    lowered = [w.lower() for w in words]
    if lowered != [MY_DATA[verb]]:
        raise ParseError("commands.rights.usage", word=" ".join([verb, *words]))
    return MyDataCommand()


def parse_forget_me(verb: str, words: list[str]) -> ForgetMeCommand:
    """Read ``vergeet mij`` (which asks first) or ``vergeet mij ja`` (which erases)."""
    lowered = [w.lower() for w in words]
    if not lowered or lowered[0] != FORGET_ME[verb] or len(lowered) > 2:
        raise ParseError("commands.rights.usage", word=" ".join([verb, *words]))
    if len(lowered) == 2 and lowered[1] not in CONFIRM:
        raise ParseError("commands.rights.usage", word=" ".join([verb, *words]))
    return ForgetMeCommand(confirmed=len(lowered) == 2)
