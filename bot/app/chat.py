"""`reflectiebot chat`: the bot in a terminal, as team member or programme manager."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.core import Core
from bot.interactions import Interactions
from bot.messages import Actor, AnswersSubmitted, CommandInvoked, ConversationRef, FormRequested
from bot.questions import Kind
from bot.settings import load_settings
from bot.storage.store import open_store
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


async def _ask(prompt: str) -> str:
    # input() blocks; run it in a thread so the event loop (and its database) stay here.
    return await asyncio.to_thread(input, prompt)


async def run_chat(db_path: Path, user: str, console: Console) -> None:
    """Run an interactive chat until the person types ``:stop`` or ends the input."""
    settings = load_settings(db=db_path, admins="console:manager")
    locale = settings.locale
    store = open_store(db_path)
    clock = ManualClock(datetime.now(UTC))
    actors = {
        name: Actor(platform="console", user_id=name, display_name=name.capitalize())
        for name in PEOPLE
    }

    def show(where: str, text: str) -> None:
        console.print(f"[bold cyan]{where}[/]")
        console.print(text, markup=False, highlight=False)

    port = ConsoleAdapter(show, {"chat": list(actors.values())[1:]})
    core = Core(store, load_library(), settings, clock, ports={"console": port})
    door = Interactions(core)
    me = actors.get(user, actors["manager"])
    console.print(t("chat.welcome", locale, people=", ".join(PEOPLE)), markup=False)
    while True:
        try:
            line = (await _ask(f"{me.user_id}> ")).strip()
        except EOFError:
            break
        if not line:
            continue
        word, _, rest = line.partition(" ")
        if word in (":stop", ":quit"):
            break
        if word in (":als", ":as"):
            me = actors.get(rest.strip(), me)
            console.print(t("chat.now_as", locale, name=me.user_id), markup=False)
        elif word in (":vooruit", ":advance"):
            delta = parse_duration(rest)
            if delta is None:
                console.print(t("chat.bad_duration", locale), markup=False)
                continue
            clock.advance(delta)
            await door.rounds.reconcile(clock.now())
            console.print(
                t("chat.now", locale, when=clock.now().isoformat(timespec="minutes")), markup=False
            )
        elif word in (":antwoord", ":answer"):
            await _answer(door, me, console, locale)
        elif line.startswith("/reflectie"):
            reply = await door.handle(
                CommandInvoked(
                    actor=me, conversation=CHANNEL, text=line.removeprefix("/reflectie").strip()
                )
            )
            await door.drain()  # the posts a command queued go out after its reply
            for part in (reply.public, reply.message):
                if part:
                    show("#projectteam" if part is reply.public else f"→ {me.user_id}", part.text)
        else:
            console.print(t("chat.help", locale), markup=False)
    store.close()


async def _answer(door: Interactions, me: Actor, console: Console, locale: str) -> None:
    store = door.core.store
    team = store.directory.team_by_conversation("console", "chat")
    rnd = store.rounds.open_round_of(team.id) if team else None
    if rnd is None:
        console.print(t("chat.no_round", locale), markup=False)
        return
    reply = await door.handle(FormRequested(actor=me, round_id=rnd.id))
    if reply.form is None:
        console.print(reply.message.text if reply.message else "", markup=False)
        return
    console.print(reply.form.text, markup=False)
    answers = {}
    for i, q in enumerate(store.answers.round_questions(rnd.id), start=1):
        value = (await _ask(f"{i}> ")).strip()
        options = q.option_ids()
        # In a terminal, typing the option's number is easier than its id.
        if q.kind is Kind.CHOICE and value.isdigit() and 1 <= int(value) <= len(options):
            value = options[int(value) - 1]
        answers[q.question_id] = value
    submitted = AnswersSubmitted(
        actor=me, round_id=rnd.id, answers=answers, form_token=reply.form_token
    )
    result = await door.handle(submitted)
    await door.drain()
    for qid, problem in result.errors.items():
        console.print(f"{qid}: {problem}", markup=False)
    if result.message:
        console.print(result.message.text, markup=False)
