"""The one table of commands: for each, its words, how its arguments parse, who may, what runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from bot.commands import change_cmds, rights_cmds, round_cmds, team_cmds
from bot.commands.context import CommandContext
from bot.commands.models import (
    AgreementsCommand,
    ChangeCommand,
    DigestCommand,
    ForgetMeCommand,
    HelpCommand,
    MyDataCommand,
    NextCommand,
    PlanCommand,
    RoleCommand,
    SettingsCommand,
    StartCommand,
    StatusCommand,
    StopCommand,
)
from bot.commands.roles import Action
from bot.commands.syntax import (
    FORGET_ME,
    HELP,
    MY_DATA,
    ParseError,
    parse_change,
    parse_forget_me,
    parse_my_data,
    parse_plan,
    parse_role,
    parse_settings,
    parse_start,
    parse_stop,
)
from bot.messages import Reply
from prompts.library import Library, load_library

C = TypeVar("C", bound=BaseModel)
# The words a person may type before the command itself.
PREFIXES = ("/reflectie", "reflectie", "@reflectiebot")


@dataclass(frozen=True)
class Bound:
    """A parsed command, ready to run: its model, the permission it needs, and its handler."""

    command: BaseModel
    action: Action
    run: Callable[[CommandContext], Reply]


@dataclass(frozen=True)
class CommandSpec(Generic[C]):
    """One command of the language.

    Attributes:
        words: The verbs that select it, Dutch first, English aliases after (lowercase).
        parse: Turns the words after the verb into the command model.
        action: The permission the parsed command needs (``start programma`` needs more).
        handle: Runs the command and returns the reply. Handlers only read and write the
            database (and queue deliveries); they never wait on a platform, so they are plain
            functions that the core can run wherever its database lives.
        raw: The arguments keep their punctuation (a description in the person's words).
    """

    words: tuple[str, ...]
    parse: Callable[[list[str], Library], C]
    action: Callable[[C], Action]
    handle: Callable[[CommandContext, C], Reply]
    raw: bool = False

    def bind(self, args: list[str], library: Library) -> Bound:
        """Parse the arguments and tie the command to its handler (raises ``ParseError``)."""
        command = self.parse(args, library)

        def run(ctx: CommandContext) -> Reply:
            return self.handle(ctx, command)

        return Bound(command, self.action(command), run)


def _plain(model: type[C], verb: str) -> Callable[[list[str], Library], C]:
    def parse(args: list[str], library: Library) -> C:
        if args:
            raise ParseError("commands.error.extra", verb=verb, word=" ".join(args))
        return model()

    return parse


def _always(action: Action) -> Callable[[Any], Action]:
    return lambda command: action


def _rights() -> tuple[CommandSpec[Any], ...]:
    # Two words each (``mijn gegevens``); one row per language so the parser knows the verb.
    def data_parser(verb: str) -> Callable[[list[str], Library], MyDataCommand]:
        return lambda args, library: parse_my_data(verb, args)

    def forget_parser(verb: str) -> Callable[[list[str], Library], ForgetMeCommand]:
        return lambda args, library: parse_forget_me(verb, args)

    data = tuple(
        CommandSpec[MyDataCommand](
            (verb,), data_parser(verb), _always(Action.MY_DATA), rights_cmds.my_data
        )
        for verb in MY_DATA
    )
    forget = tuple(
        CommandSpec[ForgetMeCommand](
            (verb,), forget_parser(verb), _always(Action.FORGET_ME), rights_cmds.forget_me
        )
        for verb in FORGET_ME
    )
    return data + forget


COMMANDS: tuple[CommandSpec[Any], ...] = (
    CommandSpec[HelpCommand](
        tuple(sorted(HELP)),
        lambda args, library: HelpCommand(),
        _always(Action.HELP),
        team_cmds.help_,
    ),
    CommandSpec[StartCommand](
        ("start",),
        parse_start,
        lambda c: Action.START_PROGRAMME if c.programme else Action.START_ROUND,
        round_cmds.start,
    ),
    CommandSpec[PlanCommand](
        ("plan",),
        lambda args, library: parse_plan(args),
        _always(Action.PLAN),
        round_cmds.plan,
    ),
    CommandSpec[StopCommand](
        ("stop", "cancel"),
        lambda args, library: parse_stop(args),
        _always(Action.STOP_ROUND),
        round_cmds.stop,
    ),
    CommandSpec[StatusCommand](
        ("status",), _plain(StatusCommand, "status"), _always(Action.STATUS), team_cmds.status
    ),
    CommandSpec[DigestCommand](
        ("digest", "samenvatting"),
        _plain(DigestCommand, "digest"),
        _always(Action.DIGEST),
        team_cmds.digest,
    ),
    CommandSpec[RoleCommand](
        ("rol", "role", "rollen", "roles"),
        lambda args, library: parse_role(args),
        _always(Action.GRANT_ROLE),
        team_cmds.role,
    ),
    CommandSpec[SettingsCommand](
        ("instellingen", "instelling", "settings", "setting"),
        lambda args, library: parse_settings(args),
        lambda c: Action.CHANGE_SETTINGS if c.changes else Action.SHOW_SETTINGS,
        team_cmds.settings,
    ),
    CommandSpec[NextCommand](
        ("volgende", "next", "verder"),
        _plain(NextCommand, "volgende"),
        _always(Action.NEXT_STEP),
        change_cmds.next_,
    ),
    CommandSpec[AgreementsCommand](
        ("afspraken", "agreements", "afspraak", "agreement"),
        _plain(AgreementsCommand, "afspraken"),
        _always(Action.AGREEMENTS),
        change_cmds.agreements,
    ),
    CommandSpec[ChangeCommand](
        ("wijziging", "change", "taakwijziging"),
        lambda args, library: parse_change(args),
        _always(Action.TASK_CHANGE),
        change_cmds.change,
        raw=True,
    ),
    *_rights(),
)
BY_WORD: dict[str, CommandSpec[Any]] = {word: spec for spec in COMMANDS for word in spec.words}


def bind(text: str, library: Library | None = None) -> Bound:
    """Turn what a person typed after ``/reflectie`` into a command ready to run.

    Keywords are case-insensitive and extra spaces are ignored; mention tokens keep their case
    because platform user ids are case-sensitive. Empty input asks for help.

    Args:
        text: The command text, mentions already written as ``@<user_id>`` by the adapter.
        library: The question library, for theme and exercise ids; the packaged one if None.

    Raises:
        ParseError: With a catalog key and parameters that explain the problem.
    """
    words = text.replace(",", " ").split()
    typed = text.split()
    if words and words[0].lower() in PREFIXES:
        words = words[1:]
        typed = typed[1:]
    if not words:
        return COMMANDS[0].bind([], library or load_library())
    spec = BY_WORD.get(words[0].lower())
    if spec is None:
        raise ParseError("commands.error.unknown", word=words[0])
    args = typed[1:] if spec.raw and typed and typed[0].lower() in spec.words else words[1:]
    return spec.bind(args, library or load_library())


def parse(text: str, library: Library | None = None) -> BaseModel:
    """Return the command model of ``text`` (see :func:`bind`)."""
    return bind(text, library).command
