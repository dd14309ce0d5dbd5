"""SQL for who is who: programmes, teams, conversations, members, roles and milestones."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from bot.messages import Actor, ConversationRef
from bot.models import Conversation, Member, Milestone, Phase, RoleName, Team


def _iso(when: datetime) -> str:
    return when.isoformat()


class Directory:
    """Use-case queries about programmes, teams and people."""

    def __init__(self, db: Database):
        self.db = db

    def _one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        return next(iter(self.db.query(sql, list(params))), None)

    # programmes and teams -------------------------------------------------------------
    def ensure_programme(self, programme_id: str, name: str) -> None:
        """Create the programme when it does not exist yet."""
        self.db.execute(
            "INSERT OR IGNORE INTO programme (id, name) VALUES (?, ?)", [programme_id, name]
        )

    def programme_ids(self) -> list[str]:
        """Return every programme id, sorted."""
        return [r["id"] for r in self.db.query("SELECT id FROM programme ORDER BY id")]

    def create_team(
        self,
        team_id: str,
        name: str,
        programme_id: str,
        conversation_id: int,
        platform: str,
        now: datetime,
        **options: Any,
    ) -> Team:
        """Create a team bound to a conversation; ``options`` are team settings columns."""
        row = {
            "id": team_id,
            "name": name,
            "programme_id": programme_id,
            "platform": platform,
            "conversation_id": conversation_id,
            "created_at": _iso(now),
            **options,
        }
        self.db.table("team").insert(row)
        return self.team(team_id)  # type: ignore[return-value]

    def team(self, team_id: str) -> Team | None:
        """Return a team by id."""
        row = self._one("SELECT * FROM team WHERE id = ?", [team_id])
        return Team.model_validate(row) if row else None

    def team_by_conversation(self, platform: str, external_id: str) -> Team | None:
        """Return the team that lives in a conversation."""
        row = self._one(
            "SELECT t.* FROM team t JOIN conversation c ON c.id = t.conversation_id "
            "WHERE c.platform = ? AND c.external_id = ?",
            [platform, external_id],
        )
        return Team.model_validate(row) if row else None

    def teams(self, programme_id: str | None = None) -> list[Team]:
        """Return all teams, or those of one programme."""
        if programme_id is None:
            rows = self.db.query("SELECT * FROM team ORDER BY id")
        else:
            rows = self.db.query(
                "SELECT * FROM team WHERE programme_id = ? ORDER BY id", [programme_id]
            )
        return [Team.model_validate(r) for r in rows]

    def update_team(self, team_id: str, **fields: Any) -> Team:
        """Change team settings (locale, anonymity, open_days, ...)."""
        self.db.table("team").update(team_id, fields)
        return self.team(team_id)  # type: ignore[return-value]

    def unique_team_id(self, base: str) -> str:
        """Return ``base`` or ``base-2``, ``base-3`` ... whichever is still free."""
        candidate, n = base, 1
        while self._one("SELECT 1 FROM team WHERE id = ?", [candidate]):
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    # conversations --------------------------------------------------------------------
    def upsert_conversation(self, ref: ConversationRef) -> int:
        """Store a conversation and its proactive reference; return its id."""
        ref_json = json.dumps(ref.reference, sort_keys=True)
        self.db.execute(
            "INSERT INTO conversation (platform, external_id, kind, name, reference_json) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, external_id) DO UPDATE SET "
            "reference_json = CASE WHEN excluded.reference_json = '{}' THEN reference_json "
            "ELSE excluded.reference_json END, name = COALESCE(excluded.name, name), "
            "status = 'active'",
            [ref.platform, ref.external_id, ref.kind, ref.name, ref_json],
        )
        row = self._one(
            "SELECT id FROM conversation WHERE platform = ? AND external_id = ?",
            [ref.platform, ref.external_id],
        )
        return int(row["id"]) if row else 0

    def conversation(self, conversation_id: int) -> Conversation | None:
        """Return a conversation by id."""
        row = self._one("SELECT * FROM conversation WHERE id = ?", [conversation_id])
        return Conversation.model_validate(row) if row else None

    def conversation_ref(self, conversation_id: int) -> ConversationRef | None:
        """Return the neutral reference adapters need to post in a conversation."""
        row = self._one("SELECT * FROM conversation WHERE id = ?", [conversation_id])
        if row is None:
            return None
        return ConversationRef(
            platform=row["platform"],
            external_id=row["external_id"],
            kind=row["kind"],
            name=row["name"],
            reference=json.loads(row["reference_json"]),
        )

    def mark_conversation_gone(self, conversation_id: int) -> None:
        """Record that the bot can no longer post in a conversation."""
        self.db.execute("UPDATE conversation SET status = 'gone' WHERE id = ?", [conversation_id])

    def conversation_gone(self, conversation_id: int) -> bool:
        """Return whether a conversation was recorded as gone."""
        row = self._one("SELECT status FROM conversation WHERE id = ?", [conversation_id])
        return bool(row and row["status"] == "gone")

    # members --------------------------------------------------------------------------
    def upsert_member(self, actor: Actor) -> Member:
        """Store a person (name and locale refreshed when given) and return them."""
        self.db.execute(
            "INSERT INTO member (platform, external_user_id, display_name, locale) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (platform, external_user_id) DO UPDATE SET "
            "display_name = COALESCE(excluded.display_name, display_name), "
            "locale = COALESCE(excluded.locale, locale)",
            [actor.platform, actor.user_id, actor.display_name, actor.locale],
        )
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

    def actor(self, member: Member) -> Actor:
        """Return the neutral actor of a member."""
        return Actor(
            platform=member.platform,
            user_id=member.external_user_id,
            display_name=member.display_name,
            locale=member.locale,
        )

    def add_team_member(self, team_id: str, member_id: int) -> None:
        """Add a person to a team (with a random pseudonym) or mark them active again."""
        self.db.execute(
            "INSERT INTO team_member (team_id, member_id, pseudonym) VALUES (?, ?, ?) "
            "ON CONFLICT (team_id, member_id) DO UPDATE SET active = 1",
            [team_id, member_id, "p-" + secrets.token_hex(4)],
        )

    def sync_roster(self, team_id: str, actors: list[Actor]) -> list[Member]:
        """Make the team's active members exactly ``actors``; return them."""
        with self.db.atomic():
            members = [self.upsert_member(a) for a in actors]
            self.db.execute("UPDATE team_member SET active = 0 WHERE team_id = ?", [team_id])
            for m in members:
                self.add_team_member(team_id, m.id)
        return members

    def team_members(self, team_id: str) -> list[Member]:
        """Return the active members of a team."""
        rows = self.db.query(
            "SELECT m.* FROM member m JOIN team_member tm ON tm.member_id = m.id "
            "WHERE tm.team_id = ? AND tm.active = 1 ORDER BY m.id",
            [team_id],
        )
        return [Member.model_validate(r) for r in rows]

    def pseudonym(self, team_id: str, member_id: int) -> str:
        """Return a member's pseudonym in a team (adding them to the team if needed)."""
        self.db.execute(
            "INSERT OR IGNORE INTO team_member (team_id, member_id, pseudonym, active) "
            "VALUES (?, ?, ?, 0)",
            [team_id, member_id, "p-" + secrets.token_hex(4)],
        )
        row = self._one(
            "SELECT pseudonym FROM team_member WHERE team_id = ? AND member_id = ?",
            [team_id, member_id],
        )
        return str(row["pseudonym"]) if row else ""

    def set_personal_conversation(self, member_id: int, conversation_id: int) -> None:
        """Remember the 1:1 conversation with a member."""
        self.db.execute(
            "UPDATE member SET personal_conversation_id = ? WHERE id = ?",
            [conversation_id, member_id],
        )

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
        rows = self.db.query(
            "SELECT DISTINCT m.* FROM member m JOIN role r ON r.member_id = m.id WHERE r.role = ? "
            "AND ((r.scope = 'team' AND r.scope_id = ?) OR (r.scope = 'programme' "
            "AND r.scope_id = ?)) ORDER BY m.id",
            [role.value, team.id, team.programme_id],
        )
        return [Member.model_validate(r) for r in rows]

    def teams_with_role(self, member_id: int, role: RoleName) -> list[Team]:
        """Return the teams where a person holds ``role`` directly or via the programme."""
        rows = self.db.query(
            "SELECT DISTINCT t.* FROM team t JOIN role r ON r.member_id = ? AND r.role = ? AND "
            "((r.scope = 'team' AND r.scope_id = t.id) OR (r.scope = 'programme' AND "
            "r.scope_id = t.programme_id)) ORDER BY t.id",
            [member_id, role.value],
        )
        return [Team.model_validate(r) for r in rows]

    # milestones -----------------------------------------------------------------------
    def set_milestones(self, team_id: str, milestones: list[tuple[Phase, int, date]]) -> None:
        """Replace a team's timeline."""
        with self.db.atomic():
            self.db.execute("DELETE FROM milestone WHERE team_id = ?", [team_id])
            for phase, seq, day in milestones:
                self.db.execute(
                    "INSERT INTO milestone (team_id, phase, seq, date) VALUES (?, ?, ?, ?)",
                    [team_id, phase.value, seq, day.isoformat()],
                )

    def milestones(self, team_id: str) -> list[Milestone]:
        """Return a team's timeline, in date order."""
        rows = self.db.query(
            "SELECT * FROM milestone WHERE team_id = ? ORDER BY date, seq", [team_id]
        )
        return [Milestone.model_validate(r) for r in rows]

    # added for bot/roles.py ------------------------------------------------------------
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
