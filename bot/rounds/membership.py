"""A person joined or left a team's conversation: the roster follows without asking the platform."""

from __future__ import annotations

from bot.core import Core
from bot.messages import MemberJoined, MemberLeft


def apply_membership(core: Core, event: MemberJoined | MemberLeft) -> bool:
    """Keep the team's roster, and its open round's, as the conversation is now.

    Between these events a team's roster is read from the platform again only when a round
    opens and the last read is older than ``REFLECTIEBOT_ROSTER_REFRESH_HOURS``, so opening
    a programme's rounds does not spend a Tier 4 call per team. Someone who answered stays in
    the round after leaving; their answer counts.

    Returns:
        Whether the conversation is a team's (otherwise nothing is recorded).
    """
    store = core.store
    ref = event.conversation
    team = store.directory.team_by_conversation(ref.platform, ref.external_id)
    if team is None:
        return False
    with store.atomic():
        member = store.people.upsert_member(event.actor)
        rnd = store.rounds.open_round_of(team.id)
        if isinstance(event, MemberJoined):
            store.people.add_team_member(team.id, member.id)
            if rnd is not None:
                store.answers.set_round_members(rnd.id, [member.id])
        else:
            store.people.leave_team(team.id, member.id)
            if rnd is not None:
                store.answers.drop_round_member(rnd.id, member.id)
    return True
