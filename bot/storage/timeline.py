"""SQL for a team's timeline and agreements: joins, task changes, and what exercises produced."""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database

from bot.models import Agreement, AgreementItem, TeamEvent, TeamEventKind
from bot.storage.db import changed, iso, rows


class TimelineStore:
    """What happened to a team besides its rounds, and what it agreed.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    # events ----------------------------------------------------------------------------
    def add_event(
        self,
        team_id: str,
        kind: TeamEventKind,
        now: datetime,
        *,
        member_id: int | None = None,
        note: str | None = None,
        round_id: int | None = None,
    ) -> int:
        """Record a change in the team and return its id."""
        cur = self.db.execute(
            "INSERT INTO team_event (team_id, kind, at, member_id, note, round_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [team_id, kind.value, iso(now), member_id, note, round_id],
        )
        return int(cur.lastrowid or 0)

    def events_of(self, team_id: str) -> list[TeamEvent]:
        """Return a team's recorded changes, oldest first."""
        found = rows(
            self.db, "SELECT * FROM team_event WHERE team_id = ? ORDER BY at, id", [team_id]
        )
        return [TeamEvent.model_validate(r) for r in found]

    def joined_since(self, team_id: str, member_id: int, since: datetime) -> bool:
        """Return whether the member's joining was recorded at or after ``since``."""
        found = rows(
            self.db,
            "SELECT 1 FROM team_event WHERE team_id = ? AND kind = 'joined' AND member_id = ? "
            "AND at >= ? LIMIT 1",
            [team_id, member_id, iso(since)],
        )
        return bool(found)

    def link_round(self, event_id: int, round_id: int) -> None:
        """Remember the round an event opened (the re-check after a task change)."""
        self.db.execute("UPDATE team_event SET round_id = ? WHERE id = ?", [round_id, event_id])

    # agreements ------------------------------------------------------------------------
    def save_agreement(
        self,
        team_id: str,
        exercise: str,
        round_id: int,
        items: list[AgreementItem],
        now: datetime,
    ) -> bool:
        """Keep what an exercise's last round produced; False when that round's was kept already."""
        payload = json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False)
        return (
            changed(
                self.db,
                "INSERT OR IGNORE INTO agreement (team_id, exercise, round_id, created_at, "
                "items_json) VALUES (?, ?, ?, ?, ?)",
                [team_id, exercise, round_id, iso(now), payload],
            )
            == 1
        )

    def agreements_of(self, team_id: str) -> list[Agreement]:
        """Return the team's current agreements: the latest of each exercise, oldest first."""
        found = rows(
            self.db,
            "SELECT * FROM agreement a WHERE team_id = ? AND id = (SELECT MAX(id) FROM agreement "
            "b WHERE b.team_id = a.team_id AND b.exercise = a.exercise) ORDER BY id",
            [team_id],
        )
        return [
            Agreement(
                **{k: v for k, v in r.items() if k != "items_json"},
                items=[AgreementItem.model_validate(i) for i in json.loads(r["items_json"])],
            )
            for r in found
        ]
