"""SQL for programmes, teams, conversations and timelines (people and roles: people.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from bot.messages import ConversationRef
from bot.models import Conversation, ConversationStatus, Milestone, Phase, Team
from bot.storage.db import iso, one, rows, write_transaction


class Directory:
    """Use-case queries about programmes, teams, conversations and timelines.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def _one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        return one(self.db, sql, params)

    # programmes and teams -------------------------------------------------------------
    def ensure_programme(self, programme_id: str, name: str) -> None:
        """Create the programme when it does not exist yet."""
        self.db.execute(
            "INSERT OR IGNORE INTO programme (id, name) VALUES (?, ?)", [programme_id, name]
        )

    def programme_name(self, programme_id: str) -> str | None:
        """Return a programme's name, or None when there is no such programme."""
        row = self._one("SELECT name FROM programme WHERE id = ?", [programme_id])
        return str(row["name"]) if row else None

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
            "created_at": iso(now),
            **options,
        }
        self.db.table("team").insert(row)
        return self.team(team_id)  # type: ignore[return-value]

    def team(self, team_id: str) -> Team | None:
        """Return a team by id."""
        row = self._one("SELECT * FROM team WHERE id = ?", [team_id])
        return Team.model_validate(row) if row else None

    def roster_synced(self, team_id: str, now: datetime) -> None:
        """Record that the team's roster was just read from the platform."""
        self.db.execute("UPDATE team SET roster_synced_at = ? WHERE id = ?", [iso(now), team_id])

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
            found = rows(self.db, "SELECT * FROM team ORDER BY id")
        else:
            found = rows(
                self.db, "SELECT * FROM team WHERE programme_id = ? ORDER BY id", [programme_id]
            )
        return [Team.model_validate(r) for r in found]

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
            "status = 'active', gone_reason = NULL",
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

    def mark_conversation_gone(self, conversation_id: int, reason: str) -> None:
        """Record that the bot can no longer post in a conversation, and the platform's reason."""
        self.db.execute(
            "UPDATE conversation SET status = ?, gone_reason = ? WHERE id = ?",
            [ConversationStatus.GONE.value, reason, conversation_id],
        )

    def conversation_gone(self, conversation_id: int) -> bool:
        """Return whether a conversation was recorded as gone."""
        conv = self.conversation(conversation_id)
        return conv is not None and conv.status is ConversationStatus.GONE

    # milestones -----------------------------------------------------------------------
    def set_milestones(self, team_id: str, milestones: list[tuple[Phase, int, date]]) -> None:
        """Replace a team's timeline."""
        with write_transaction(self.db):
            self.db.execute("DELETE FROM milestone WHERE team_id = ?", [team_id])
            for phase, seq, day in milestones:
                self.db.execute(
                    "INSERT INTO milestone (team_id, phase, seq, date) VALUES (?, ?, ?, ?)",
                    [team_id, phase.value, seq, day.isoformat()],
                )

    def milestones(self, team_id: str) -> list[Milestone]:
        """Return a team's timeline, in date order."""
        found = rows(
            self.db, "SELECT * FROM milestone WHERE team_id = ? ORDER BY date, seq", [team_id]
        )
        return [Milestone.model_validate(r) for r in found]


def conversation_ref(conv: Conversation) -> ConversationRef:
    """Return the neutral reference adapters need to post in a stored conversation."""
    return ConversationRef(
        platform=conv.platform,
        external_id=conv.external_id,
        kind="personal" if conv.kind == "personal" else "channel",
        name=conv.name,
        reference=json.loads(conv.reference_json),
    )
