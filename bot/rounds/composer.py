"""What each delivery says: the one path from a round to its conversation and rendered message."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import Core
from bot.digests.compare import recap_lines
from bot.digests.outcomes import round_context
from bot.digests.round_digest import round_digest
from bot.messages import ConversationRef, Rendered
from bot.models import (
    Conversation,
    Delivery,
    Member,
    Purpose,
    Round,
    RoundStatus,
    Team,
    TeamEventKind,
)
from bot.ports import ChatPort
from bot.presenters.rounds import round_view, set_texts
from bot.rounds.access import form_token
from bot.storage.directory import conversation_ref
from prompts.catalog import command_word, t
from prompts.render import message, render
from prompts.schedule_text import format_moment


@dataclass(frozen=True)
class Route:
    """Where a round's messages go: its team, the team's adapter and its conversation."""

    rnd: Round
    team: Team
    port: ChatPort
    conversation: Conversation | None

    @property
    def surface(self) -> str:
        """The template family of the team's platform."""
        return self.port.surface

    def ref(self) -> ConversationRef | None:
        """The neutral reference of the team's conversation, if it has one."""
        return conversation_ref(self.conversation) if self.conversation else None


def route(core: Core, round_id: int) -> Route | None:
    """Return where a round's messages go; None when the round, team or adapter is missing."""
    store = core.store
    rnd = store.rounds.round(round_id)
    team = store.directory.team(rnd.team_id) if rnd else None
    port = core.port(team.platform) if team else None
    if rnd is None or team is None or port is None:
        return None
    conv = store.directory.conversation(team.conversation_id) if team.conversation_id else None
    return Route(rnd, team, port, conv)


def round_message(core: Core, r: Route) -> Rendered:
    """Return the round's channel message (the post, and its counter updates while open)."""
    locale = r.team.locale
    # The token lets a card that holds the questions itself (Teams) carry answers back.
    view = round_view(
        core,
        r.rnd,
        r.team,
        locale,
        recap=recap_lines(core, r.rnd, r.team, locale),
        form_token=form_token(core, r.rnd, r.team),
    )
    context = round_context(core, r.rnd, r.team, locale)
    view = view.model_copy(
        update={
            "step": context.step,
            "earlier": context.earlier,
            "agreements_header": context.agreements_header,
            "agreements": context.agreements,
            "notes": context.notes,
        }
    )
    return render(r.surface, "round_open", locale, round=view)


def closed_message(core: Core, r: Route) -> Rendered:
    """Return what the round's channel message becomes once it closed or was stopped."""
    view = round_view(core, r.rnd, r.team, r.team.locale)
    return render(r.surface, "round_update", r.team.locale, round=view)


def digest_message(core: Core, r: Route, locale: str) -> Rendered:
    """Return the round's digest in ``locale``."""
    return render(r.surface, "digest", locale, digest=round_digest(core, r.rnd.id, locale))


def _last_error(core: Core, r: Route) -> str:
    failed = [d.error for d in core.store.outbox.of_round(r.rnd.id) if d.error and d.member_id == 0]
    return failed[-1] if failed else "unknown"


def personal_message(core: Core, r: Route, d: Delivery, member: Member) -> Rendered:
    """Return a direct message: a reminder, a digest, or a notice to the managers."""
    locale = member.locale or r.team.locale
    if d.purpose is Purpose.REMIND:
        view = round_view(core, r.rnd, r.team, locale)
        return render(r.surface, "reminder", locale, round=view)
    if d.purpose is Purpose.DIGEST:
        return digest_message(core, r, locale)
    if d.purpose is Purpose.JOINED:
        return joined_message(core, r, locale)
    title, _ = set_texts(core, r.rnd, locale)
    when = format_moment(r.rnd.opens_at, core.calendar(r.team).zone, locale)
    if d.purpose is Purpose.MISSED:
        key = f"round.missed.{missed_reason(core, r.rnd)}"
    else:
        key = "digest.failed" if d.purpose is Purpose.FAILED else "digest.gone"
    # The platform's own reason (is_archived, ratelimited...) helps an admin most.
    reason = (r.conversation.gone_reason if r.conversation else None) or _last_error(core, r)
    cmd = command_word(r.team.platform, locale)
    return message(
        r.surface, locale, key, title=title, team=r.team.name, when=when, reason=reason, cmd=cmd
    )


def joined_message(core: Core, r: Route, locale: str) -> Rendered:
    """Return the managers' offer of a re-contracting round, naming who joined since ``r``."""
    store = core.store
    names = []
    for e in store.timeline.events_of(r.team.id):
        if e.kind is TeamEventKind.JOINED and e.at >= r.rnd.opens_at and e.member_id:
            member = store.people.member(e.member_id)
            names.append((member.display_name or member.external_user_id) if member else "")
    shown = [n for n in dict.fromkeys(names) if n] or [t("exercise.timeline.someone", locale)]
    cmd = command_word(r.team.platform, locale)
    return message(
        r.surface,
        locale,
        "exercise.joined.offer",
        names=", ".join(shown),
        team=r.team.name,
        cmd=cmd,
    )


def missed_reason(core: Core, rnd: Round) -> str:
    """Return why a round was skipped: ``busy``, ``no_questions`` or ``unreachable``.

    A running bot opens a due round within the grace period unless the team still had
    another round open or the round's questions are gone; otherwise the bot was down.
    """
    try:
        core.library.round_set(rnd.set_id or rnd.phase.value)
    except KeyError:
        return "no_questions"
    held = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.CANCELLED)
    busy = any(
        other.id != rnd.id
        and other.status in held
        and other.opens_at <= rnd.opens_at < other.closes_at
        for other in core.store.rounds.rounds_of(rnd.team_id)
    )
    if busy:
        return "busy"
    return "unreachable"
