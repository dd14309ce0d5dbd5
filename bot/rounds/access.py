"""Who may open a round's form and answer it: the people of its conversation, with its form."""

from __future__ import annotations

import hashlib
import hmac

from bot.core import Core
from bot.messages import Actor
from bot.models import Member, Round, Team

FORM_KEY = "form_key"
TOKEN_LENGTH = 32


def form_token(core: Core, rnd: Round, team: Team) -> str:
    """Return the signed id a round's form carries: the round, bound to its conversation.

    A submission comes back with it (Slack's ``private_metadata``, a Teams card's data), so a
    forged or copied round id is refused before anything is read from the answers.
    """
    key = core.store.instance.value(FORM_KEY).encode()
    mac = hmac.new(key, f"{rnd.id}:{team.conversation_id or 0}".encode(), hashlib.sha256)
    return f"{rnd.id}.{mac.hexdigest()[:TOKEN_LENGTH]}"


def valid_token(core: Core, rnd: Round, team: Team, token: str | None) -> bool:
    """Return whether ``token`` is the one this round's form carries."""
    return token is not None and hmac.compare_digest(form_token(core, rnd, team), token)


def member_of(core: Core, rnd: Round, team: Team, actor: Actor) -> Member | None:
    """Return the person if they are in the round's conversation (as last seen), else None.

    Someone who answered already stays allowed (to edit) even if they left the channel; who
    joined since the roster was last read is found once the roster is refreshed.
    """
    return member_in(
        core, rnd, team, core.store.people.member_by_user(actor.platform, actor.user_id)
    )


def member_in(core: Core, rnd: Round, team: Team, member: Member | None) -> Member | None:
    """Return ``member`` (as just read) if they may answer the round, else None (see member_of)."""
    if member is None:
        return None
    if core.store.people.is_active_member(team.id, member.id):
        return member
    return member if core.store.answers.is_round_member(rnd.id, member.id) else None
