"""Presses on a Teams Adaptive Card (Action.Execute or Action.Submit) to the core's events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.teams.activity import MalformedError, actor, as_dict, as_str, conversation
from bot.messages import AnswersSubmitted, CommandInvoked, FormRequested, token_round_id

ANSWER = "reflectie.answer"
OPEN_FORM = "reflectie.open_form"
CONFIRM = "reflectie.confirm"
CARD_ACTION = "adaptiveCard/action"
INPUT_PREFIX = "q:"
MAX_ANSWERS = 100
MAX_VALUE = 20_000


@dataclass
class CardAction:
    """A press on a card: its verb and the data (inputs merged in)."""

    verb: str
    data: dict[str, Any]
    invoke: bool


def card_action(activity: dict[str, Any]) -> CardAction | None:
    """Return the Action.Execute invoke or Action.Submit fallback in an activity, if any."""
    value = activity.get("value")
    if activity.get("type") == "invoke":
        if activity.get("name") != CARD_ACTION:
            return None
        action = as_dict(as_dict(value).get("action"))
        data = as_dict(action.get("data"))
        return CardAction(as_str(action.get("verb")), data, invoke=True)
    if activity.get("type") == "message" and isinstance(value, dict):
        return CardAction(as_str(value.get("verb")), value, invoke=False)
    return None


def _round_id(data: dict[str, Any]) -> int:
    value = data.get("round")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedError("no round")
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 12 or int(text) < 1:
        raise MalformedError("no round")
    return int(text)


def form_to_inbound(activity: dict[str, Any], data: dict[str, Any]) -> FormRequested:
    """Map "my answers" (or the card's refresh) to ``FormRequested``."""
    return FormRequested(actor=actor(activity), round_id=_round_id(data))


def answers_to_inbound(activity: dict[str, Any], data: dict[str, Any]) -> AnswersSubmitted:
    """Map a card's answers to ``AnswersSubmitted``.

    The card lists the inputs it showed prefilled (``prefilled``); such an input that comes
    back empty was emptied on purpose and goes into ``cleared``. An empty input that was
    empty on the card changes nothing.
    """
    token = as_str(data.get("form_token"))
    round_id = token_round_id(token) if token else None
    if round_id is None or len(token) > 80:
        raise MalformedError("no form token")
    answers: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not key.startswith(INPUT_PREFIX):
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise MalformedError("not an answer")
        text = str(value).strip()
        if text:
            answers[key.removeprefix(INPUT_PREFIX)] = text[:MAX_VALUE]
    prefilled = data.get("prefilled")
    shown = [p for p in prefilled if isinstance(p, str)] if isinstance(prefilled, list) else []
    cleared = [q for q in shown[:MAX_ANSWERS] if q not in answers]
    if len(answers) > MAX_ANSWERS:
        raise MalformedError("too many answers")
    return AnswersSubmitted(
        actor=actor(activity),
        round_id=round_id,
        answers=answers,
        form_token=token,
        cleared=cleared,
    )


def confirm_to_inbound(activity: dict[str, Any], data: dict[str, Any]) -> CommandInvoked:
    """Map a confirm button to the command it carries (``stop ja``), run where it was pressed."""
    command = as_str(data.get("command"))
    if not command or len(command) > 200:
        raise MalformedError("no command")
    return CommandInvoked(actor=actor(activity), conversation=conversation(activity), text=command)
