"""SQL for people: members, team membership with pseudonyms and roles."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.messages import Actor
from bot.models import Member, RoleName, Team
from bot.storage.db import one, rows, write_transaction


def random_pseudonym() -> str:
    """Return a fresh random pseudonym such as ``p-1a2b3c4d``."""
    return "p-" + secrets.token_hex(4)


class People:
    """Use-case queries about people: members, team membership, pseudonyms and roles.

    Args:
        db: The open database.
        new_pseudonym: Makes a team member's pseudonym; random (unguessable) unless the
            demo asks for a seeded one to be repeatable.
    """

    def __init__(self, db: Database, new_pseudonym: Callable[[], str] | None = None):
        self.db = db
        self.new_pseudonym = new_pseudonym or random_pseudonym

    def _one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        return one(self.db, sql, params)

    # members --------------------------------------------------------------------------
    def upsert_member(
        self, actor: Actor, seen: datetime | None = None, known: Member | None = None
    ) -> Member:
        """Store a person (name, locale and direct reference refreshed when given).

        Args:
            actor: The person as the platform knows them.
            seen: When the person did something (a command, an answer); retention leaves
                people alone for a grace period after it. None for people merely listed
                (a channel's roster), which keeps the day stored.
            known: The person as the caller just read them, which spares a read; it only
                decides whether anything needs writing, so a stale one costs no more
                than a write.
        """
        ref_json = json.dumps(actor.reference, sort_keys=True) if actor.reference else "{}"
        day = seen.date().isoformat() if seen else None
        if known is None:
            known = self.member_by_user(actor.platform, actor.user_id)
        if known is not None and _same(known, actor, ref_json, day):
            # Most calls (every submission) change nothing: a read spares the commit a page.
            return known
        self.db.execute(
            "INSERT INTO member (platform, external_user_id, display_name, locale, "
            "reference_json, seen_on) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, external_user_id) DO UPDATE SET "
            "display_name = COALESCE(excluded.display_name, display_name), "
            "locale = COALESCE(excluded.locale, locale), "
            "reference_json = CASE WHEN excluded.reference_json = '{}' THEN reference_json "
            "ELSE excluded.reference_json END, "
            "seen_on = NULLIF(MAX(COALESCE(excluded.seen_on, ''), COALESCE(seen_on, '')), '')",
            [actor.platform, actor.user_id, actor.display_name, actor.locale, ref_json, day],
        )
        # Not RETURNING: with it, SQLite plans the foreign keys' checks of every table that
        # refers to a member, as scans (tests/integration/test_query_plans.py).
        return self.member_by_user(actor.platform, actor.user_id)  # type: ignore[return-value]

    def member(self, member_id: int) -> Member | None:
        """Return a member by id."""
        row = self._one("SELECT * FROM member WHERE id = ?", [member_id])
        return Member.model_validate(row) if row else None

    def member_by_user(self, platform: str, user_id: str) -> Member | None:
        """Return a member by platform user id."""
        row = self._one(
            "SELECT * FROM member WHERE platform = ? AND external_user_id = ?", [platform, user_id]
        )
        return Member.model_validate(row) if row else None

    def add_team_member(self, team_id: str, member_id: int) -> None:
        """Add a person to a team (with a random pseudonym) or mark them active again."""
        self.db.execute(
            "INSERT INTO team_member (team_id, member_id, pseudonym) VALUES (?, ?, ?) "
            "ON CONFLICT (team_id, member_id) DO UPDATE SET active = 1",
            [team_id, member_id, self.new_pseudonym()],
        )

    def leave_team(self, team_id: str, member_id: int) -> None:
        """Mark a person as no longer in the team's conversation (pseudonym and answers kept)."""
        self.db.execute(
            "UPDATE team_member SET active = 0 WHERE team_id = ? AND member_id = ?",
            [team_id, member_id],
        )

    def sync_roster(self, team_id: str, actors: list[Actor]) -> list[Member]:
        """Make the team's active members exactly ``actors``; return them."""
        with write_transaction(self.db):
            members = [self.upsert_member(a) for a in actors]
            self.db.execute("UPDATE team_member SET active = 0 WHERE team_id = ?", [team_id])
            for m in members:
                self.add_team_member(team_id, m.id)
        return members

    def team_members(self, team_id: str) -> list[Member]:
        """Return the active members of a team."""
        found = rows(
            self.db,
            "SELECT m.* FROM member m JOIN team_member tm ON tm.member_id = m.id "
            "WHERE tm.team_id = ? AND tm.active = 1 ORDER BY m.id",
            [team_id],
        )
        return [Member.model_validate(r) for r in found]

    def is_active_member(self, team_id: str, member_id: int) -> bool:
        """Return whether a person is in the team's conversation (as last seen)."""
        return (
            self._one(
                "SELECT 1 FROM team_member WHERE team_id = ? AND member_id = ? AND active = 1",
                [team_id, member_id],
            )
            is not None
        )

    def pseudonym(self, team_id: str, member_id: int) -> str:
        """Return a member's pseudonym in a team (adding them to the team if needed)."""
        self.db.execute(
            "INSERT OR IGNORE INTO team_member (team_id, member_id, pseudonym, active) "
            "VALUES (?, ?, ?, 0)",
            [team_id, member_id, self.new_pseudonym()],
        )
        row = self._one(
            "SELECT pseudonym FROM team_member WHERE team_id = ? AND member_id = ?",
            [team_id, member_id],
        )
        return str(row["pseudonym"]) if row else ""

    # roles ----------------------------------------------------------------------------
    def grant(self, member_id: int, scope: str, scope_id: str, role: RoleName) -> bool:
        """Give a role; False when the person already had it."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO role (member_id, scope, scope_id, role) VALUES (?, ?, ?, ?)",
            [member_id, scope, scope_id, role.value],
        )
        return cur.rowcount == 1

    def revoke(self, member_id: int, scope: str, scope_id: str, role: RoleName) -> bool:
        """Take a role away; False when the person did not have it."""
        cur = self.db.execute(
            "DELETE FROM role WHERE member_id = ? AND scope = ? AND scope_id = ? AND role = ?",
            [member_id, scope, scope_id, role.value],
        )
        return cur.rowcount == 1

    def has_role(self, member_id: int, team: Team, role: RoleName) -> bool:
        """Return whether a person holds ``role`` in the team or its programme."""
        return (
            self._one(
                "SELECT 1 FROM role WHERE member_id = ? AND role = ? AND ((scope = 'team' AND "
                "scope_id = ?) OR (scope = 'programme' AND scope_id = ?))",
                [member_id, role.value, team.id, team.programme_id],
            )
            is not None
        )

    def people_with_role(self, team: Team, role: RoleName) -> list[Member]:
        """Return everyone holding ``role`` in the team or its programme."""
        found = rows(
            self.db,
            "SELECT DISTINCT m.* FROM member m JOIN role r ON r.member_id = m.id WHERE r.role = ? "
            "AND ((r.scope = 'team' AND r.scope_id = ?) OR (r.scope = 'programme' "
            "AND r.scope_id = ?)) ORDER BY m.id",
            [role.value, team.id, team.programme_id],
        )
        return [Member.model_validate(r) for r in found]

    def teams_with_role(self, member_id: int, role: RoleName) -> list[Team]:
        """Return the teams where a person holds ``role`` directly or via the programme."""
        found = rows(
            self.db,
            # Two IN lists rather than a join with an OR: then each side is an index search
            # (team id, team.programme_id) instead of a scan of every team.
            "SELECT t.* FROM team t WHERE t.id IN (SELECT scope_id FROM role WHERE "
            "member_id = ? AND role = ? AND scope = 'team') OR t.programme_id IN (SELECT "
            "scope_id FROM role WHERE member_id = ? AND role = ? AND scope = 'programme') "
            "ORDER BY t.id",
            [member_id, role.value, member_id, role.value],
        )
        return [Team.model_validate(r) for r in found]

    def has_programme_role(self, member_id: int, programme_id: str, role: RoleName) -> bool:
        """Return whether a person holds ``role`` for a whole programme (not just one team)."""
        return (
            self._one(
                "SELECT 1 FROM role WHERE member_id = ? AND role = ? AND "
                "scope = 'programme' AND scope_id = ?",
                [member_id, role.value, programme_id],
            )
            is not None
        )


def _same(known: Member, actor: Actor, ref_json: str, day: str | None) -> bool:
    # What upsert_member's ON CONFLICT clause would write, compared with what is stored.
    return (
        actor.display_name in (None, known.display_name)
        and actor.locale in (None, known.locale)
        and (ref_json == "{}" or ref_json == known.reference_json)
        and (day is None or (known.seen_on or "") >= day)
    )
