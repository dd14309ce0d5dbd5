"""`reflectiebot chat`: the bot in a terminal, as team member or programme manager."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console

from adapters.console import ConsoleAdapter
from bot.app.chat_form import fill_in
from bot.clock import ManualClock
from bot.commands.syntax import CONFIRM
from bot.core import Core
from bot.interactions import Interactions
from bot.messages import Actor, CommandInvoked, ConversationRef, MemberJoined
from bot.settings import load_settings
from bot.storage.directory import conversation_ref
from bot.storage.store import Store, open_store
from prompts.catalog import t
from prompts.library import load_library

CHANNEL = ConversationRef(platform="console", external_id="chat", name="projectteam")
PEOPLE = ("manager", "anna", "bram", "chris", "dewi")
_DURATION = re.compile(r"^(\d+)\s*([dhm])$")


def parse_duration(text: str) -> timedelta | None:
    """Return ``2d``, ``3h`` or ``30m`` as a timedelta; None when it does not parse."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        return None
    unit = {"d": "days", "h": "hours", "m": "minutes"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})


async def ask(prompt: str) -> str:
    """Read one line without blocking the loop; Ctrl-C ends the chat at once.

    ``input()`` blocks, so it runs in a daemon thread: a default-executor thread would keep
    the process waiting for one more Enter after Ctrl-C.
    """
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    def deliver(value: str | None, error: BaseException | None) -> None:
        if not answer.done():
            answer.set_exception(error) if error else answer.set_result(value or "")

    def read() -> None:
        try:
            value, error = input(prompt), None
        except BaseException as exc:  # EOFError ends the chat like :stop
            value, error = None, exc
        with contextlib.suppress(RuntimeError):  # the chat may have ended meanwhile
            loop.call_soon_threadsafe(deliver, value, error)

    threading.Thread(target=read, daemon=True).start()
    return await answer


@contextmanager
def quiet_logs() -> Iterator[None]:
    """Keep log records (English, for operators) out of the conversation on the terminal."""
    root = logging.getLogger()
    handler = logging.NullHandler()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


def _rooms(store: Store) -> dict[str, ConversationRef]:
    # The chat's own channel plus every console team in the file (the demo's teams, say).
    rooms = {CHANNEL.name or "": CHANNEL}
    for team in store.directory.teams():
        conv = store.directory.conversation(team.conversation_id or 0)
        if team.platform == "console" and conv is not None:
            ref = conversation_ref(conv)
            rooms.setdefault(ref.name or ref.external_id, ref)
    return rooms


def _people(store: Store) -> dict[str, Actor]:
    actors = {
        name: Actor(platform="console", user_id=name, display_name=name.capitalize())
        for name in PEOPLE
    }
    for team in store.directory.teams():
        for member in store.people.team_members(team.id):
            if member.platform == "console":
                actors.setdefault(member.external_user_id.lower(), member.actor())
    return actors


class ChatSession:
    """One person at a terminal: who they are now, in which channel, and the pending question.

    Args:
        door: The core's door.
        console: Where everything is printed.
        default_locale: The language until the channel is a team (then the team's).
    """

    def __init__(self, door: Interactions, console: Console, default_locale: str):
        store = door.core.store
        self.door, self.console, self.default_locale = door, console, default_locale
        self.rooms, self.actors = _rooms(store), _people(store)
        team_rooms = [r for r in self.rooms.values() if r != CHANNEL and self._team_of(r)]
        self.room = CHANNEL if self._team_of(CHANNEL) or not team_rooms else team_rooms[0]
        self.me = self.actors["manager"]
        self.pending: str | None = None

    def _team_of(self, room: ConversationRef) -> bool:
        return (
            self.door.core.store.directory.team_by_conversation("console", room.external_id)
            is not None
        )

    @property
    def locale(self) -> str:
        """The language of the chat's own lines: the channel's team's, else the default."""
        team = self.door.core.store.directory.team_by_conversation("console", self.room.external_id)
        return team.locale if team else self.default_locale

    def say(self, key: str, **variables: object) -> None:
        """Print one of the chat's own messages in the team's language."""
        self.show(t(f"chat.{key}", self.locale, **variables))

    def show(self, text: str, where: str | None = None) -> None:
        """Print a message, under a heading such as ``#projectteam`` when given."""
        if where:
            self.console.print(f"[bold cyan]{where}[/]")
        self.console.print(text, markup=False, highlight=False)

    def find(self, name: str) -> Actor | None:
        """Return the person called ``name`` (their id or first name, any case)."""
        wanted = name.strip().lower()
        for key, actor in self.actors.items():
            first = (actor.display_name or "").split(" ")[0].lower()
            if wanted in (key, first):
                return actor
        return None

    async def command(self, text: str) -> None:
        """Run a ``/reflectie`` command in the current channel and show both replies."""
        event = CommandInvoked(actor=self.me, conversation=self.room, text=text)
        reply = await self.door.handle(event)
        await self.door.drain()  # the posts a command queued go out after its reply
        if reply.public:
            self.show(reply.public.text, f"#{self.room.name}")
        if reply.message:
            self.show(reply.message.text, f"→ {self.me.user_id}")
        self.pending = reply.confirm


async def run_chat(db_path: Path, user: str, console: Console, locale: str | None = None) -> None:
    """Chat until the person types ``:stop``, ends the input or presses Ctrl-C.

    Args:
        db_path: The SQLite file (a new one, or e.g. the demo's).
        user: Who the person is at the start.
        console: Where everything is printed.
        locale: The language of a new team (default ``REFLECTIEBOT_LOCALE``).
    """
    language = {"locale": locale} if locale else {}
    settings = load_settings(db=db_path, admins="console:manager", **language)
    store = open_store(db_path)

    def show(where: str, text: str) -> None:
        console.print(f"[bold cyan]{where}[/]")
        console.print(text, markup=False, highlight=False)

    try:
        port = ConsoleAdapter(show, _rosters(store))
        clock = ManualClock(datetime.now(UTC))
        core = Core(store, load_library(), settings, clock, ports={"console": port})
        session = ChatSession(Interactions(core), console, settings.locale)
        session.me = session.find(user) or session.me
        with quiet_logs():
            await _converse(session)
    finally:
        store.close()


def _rosters(store: Store) -> dict[str, list[Actor]]:
    # Who the "platform" reports in each channel: the chat's people, and each team's own.
    actors = _people(store)
    rosters = {CHANNEL.external_id: [actors[name] for name in PEOPLE[1:]]}
    for team in store.directory.teams():
        conv = store.directory.conversation(team.conversation_id or 0)
        if conv is not None and conv.external_id != CHANNEL.external_id:
            rosters[conv.external_id] = [m.actor() for m in store.people.team_members(team.id)]
    return rosters


async def _converse(session: ChatSession) -> None:
    session.say(
        "welcome",
        people=", ".join(session.actors),
        room=session.room.name,
        rooms=", ".join(f"#{name}" for name in session.rooms),
    )
    while True:
        try:
            line = (await ask(f"{session.me.user_id}> ")).strip()
        except EOFError:
            break
        if not await _handle(session, line):
            break
    session.say("bye")


async def _handle(session: ChatSession, line: str) -> bool:
    """Act on one typed line; False when the person wants to stop."""
    pending, session.pending = session.pending, None
    word, _, rest = line.partition(" ")
    core = session.door.core
    if not line:
        return True
    if word in (":stop", ":quit"):
        return False
    if pending and line.lower() in CONFIRM:
        await session.command(pending)
    elif word in (":als", ":as"):
        who = session.find(rest)
        if who is None:
            session.say("unknown_person", name=rest.strip(), people=", ".join(session.actors))
        else:
            session.me = who
        session.say("now_as", name=session.me.user_id)
    elif word in (":kanaal", ":channel"):
        room = session.rooms.get(rest.strip().lstrip("#"))
        if room is None:
            rooms = ", ".join(f"#{name}" for name in session.rooms)
            session.say("unknown_room", name=rest.strip(), rooms=rooms)
        else:
            session.room = room
        session.say("now_in", room=session.room.name)
    elif word in (":vooruit", ":advance"):
        delta = parse_duration(rest)
        if delta is None:
            session.say("bad_duration")
            return True
        clock = core.clock
        assert isinstance(clock, ManualClock)
        clock.advance(delta)
        await session.door.rounds.reconcile(clock.now())
        session.say("now", when=clock.now().isoformat(timespec="minutes"))
    elif word in (":erbij", ":join"):
        who = session.find(rest) or (
            Actor(platform="console", user_id=rest.strip().lower(), display_name=rest.strip())
            if rest.strip().isalpha()
            else None
        )
        if who is None:
            session.say("unknown_person", name=rest.strip(), people=", ".join(session.actors))
            return True
        session.actors.setdefault(who.user_id, who)
        session.say("joined", name=who.display_name or who.user_id, room=session.room.name)
        await session.door.handle(MemberJoined(actor=who, conversation=session.room))
        await session.door.drain()
    elif word in (":antwoord", ":answer"):
        team = core.store.directory.team_by_conversation("console", session.room.external_id)
        rnd = core.store.rounds.open_round_of(team.id) if team else None
        if rnd is None:
            session.say("no_round")
        else:
            await fill_in(session.door, session.me, rnd.id, session.locale, ask, session.show)
    elif line.startswith("/reflectie"):
        await session.command(line.removeprefix("/reflectie").strip())
    else:
        session.say("help")
    return True
