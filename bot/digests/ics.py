"""A team's timeline as an iCalendar file (RFC 5545): each round an event, open to close."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from bot.core import Core
from bot.models import RoundStatus, Team
from bot.presenters.rounds import set_texts
from prompts.catalog import command_word, t
from prompts.schedule_text import phase_label

# Rounds that will not happen are kept as cancelled events: a calendar that imported them
# earlier then drops them instead of keeping a stale entry.
_STATUS = {
    RoundStatus.PLANNED: "TENTATIVE",
    RoundStatus.OPEN: "CONFIRMED",
    RoundStatus.CLOSED: "CONFIRMED",
    RoundStatus.MISSED: "CANCELLED",
    RoundStatus.CANCELLED: "CANCELLED",
}


def team_calendar(core: Core, team: Team, locale: str, now: datetime) -> bytes:
    """Return the team's rounds as an iCalendar file, times in UTC.

    Each round is one event from its opening to its closing moment with a stable ``UID``
    (``round-<id>@reflectiebot``), so importing the file again updates the entries; its
    ``SEQUENCE`` grows with the round's status so a moved or stopped round replaces the old.

    Args:
        core: The wired context (store and library).
        team: The team.
        locale: The language of the titles and descriptions.
        now: The moment of the export (``DTSTAMP``).
    """
    cal = Calendar()
    cal.add("prodid", "-//reflectiebot//NONSGML reflectiebot//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", t("exercise.ics.calendar_name", locale, team=team.name))
    cmd = command_word(team.platform, locale)
    for rnd in core.store.rounds.rounds_of(team.id):
        title, intro = set_texts(core, rnd, locale)
        label = phase_label(rnd.phase.value, rnd.seq, locale) if rnd.phase.planned else title
        if rnd.step is not None:
            steps = len(core.library.round_set(rnd.set_id or "").steps)
            label += ", " + t("exercise.step", locale, step=rnd.step, steps=steps)
        event = Event()
        event.add("uid", f"round-{rnd.id}@reflectiebot")
        event.add("dtstamp", now)
        event.add("dtstart", rnd.opens_at)
        event.add("dtend", rnd.closes_at)
        event.add("summary", t("exercise.ics.summary", locale, round=label, team=team.name))
        event.add("description", t("exercise.ics.description", locale, intro=intro, cmd=cmd))
        event.add("status", _STATUS[rnd.status])
        event.add("sequence", list(_STATUS).index(rnd.status))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
