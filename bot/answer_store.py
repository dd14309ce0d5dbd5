"""SQL for what a round asks and who answers: question snapshots, roster and answers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from bot.models import Member, RoundQuestion


def iso(when: datetime) -> str:
    """Return an aware datetime as ISO-8601 UTC text, the only form times are stored in."""
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    return when.astimezone(UTC).isoformat()


class Answers:
    """Use-case queries about a round's questions, roster and answers; the Store builds on them."""

    db: Database

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, list(params)))

    def round_row(self, round_id: int) -> dict[str, Any] | None:
        """Return a round's raw row, including the counters stored at close."""
        rows = self._rows("SELECT * FROM round WHERE id = ?", [round_id])
        return rows[0] if rows else None

    # questions and roster -------------------------------------------------------------
    def snapshot_questions(self, round_id: int, questions: list[dict[str, Any]]) -> None:
        """Freeze the round's questions as they are asked now."""
        self.db.table("round_question").insert_all(
            [{"round_id": round_id, **q} for q in questions], replace=True
        )

    def round_questions(self, round_id: int) -> list[RoundQuestion]:
        """Return the round's snapshot, in order."""
        return [
            RoundQuestion.model_validate(r)
            for r in self._rows(
                "SELECT * FROM round_question WHERE round_id = ? ORDER BY position", [round_id]
            )
        ]

    def set_round_members(self, round_id: int, member_ids: list[int]) -> None:
        """Record who was in the conversation when the round opened."""
        for mid in member_ids:
            self.db.execute(
                "INSERT OR IGNORE INTO round_member (round_id, member_id) VALUES (?, ?)",
                [round_id, mid],
            )

    def round_member_count(self, round_id: int) -> int:
        """Return how many people the round was sent to (late joiners who answered included)."""
        rows = self._rows("SELECT COUNT(*) AS n FROM round_member WHERE round_id = ?", [round_id])
        return int(rows[0]["n"])

    def pending_members(self, round_id: int) -> list[Member]:
        """Return round members who have not answered yet."""
        return [
            Member.model_validate(r)
            for r in self._rows(
                "SELECT m.* FROM member m JOIN round_member rm ON rm.member_id = m.id "
                "WHERE rm.round_id = ? AND NOT EXISTS (SELECT 1 FROM response_status s WHERE "
                "s.round_id = rm.round_id AND s.member_id = rm.member_id) ORDER BY m.id",
                [round_id],
            )
        ]

    def answered_count(self, round_id: int) -> int:
        """Return how many people answered (stored at close, live while open)."""
        row = self.round_row(round_id)
        if row and row["answered_count"] is not None:
            return int(row["answered_count"])
        rows = self._rows(
            "SELECT COUNT(*) AS n FROM response_status WHERE round_id = ?", [round_id]
        )
        return int(rows[0]["n"])

    # answers --------------------------------------------------------------------------
    def save_answers(
        self,
        round_id: int,
        member_id: int,
        edit_key: str,
        rows: list[dict[str, Any]],
        cleared: list[str],
        answered_on: str,
    ) -> None:
        """Store or replace one person's answers, with their answer status, atomically.

        Each row has ``id``, ``question_id``, ``respondent``, ``value``,
        ``answered_at`` and ``edited_at``; an earlier row with the same edit key is replaced,
        and the person's answers to the ``cleared`` questions are removed. A late joiner
        becomes a round member.
        """
        with self.db.atomic():
            for qid in [row["question_id"] for row in rows] + cleared:
                self.db.execute(
                    "DELETE FROM response WHERE round_id = ? AND edit_key = ? AND question_id = ?",
                    [round_id, edit_key, qid],
                )
            for row in rows:
                self.db.table("response").insert(
                    {"round_id": round_id, "edit_key": edit_key, **row}
                )
            self.db.execute(
                "INSERT OR IGNORE INTO round_member (round_id, member_id) VALUES (?, ?)",
                [round_id, member_id],
            )
            self.db.execute(
                "INSERT OR IGNORE INTO response_status (round_id, member_id, "
                "answered_on) VALUES (?, ?, ?)",
                [round_id, member_id, answered_on],
            )

    def answers_by_key(self, round_id: int, edit_key: str) -> dict[str, dict[str, Any]]:
        """Return one person's current answers keyed by question id."""
        return {
            r["question_id"]: r
            for r in self._rows(
                "SELECT * FROM response WHERE round_id = ? AND edit_key = ?", [round_id, edit_key]
            )
        }

    def responses(self, round_id: int) -> list[dict[str, Any]]:
        """Return every answer of a round (respondent only where the team stores it)."""
        return self._rows(
            "SELECT question_id, respondent, value, answered_at FROM response "
            "WHERE round_id = ? ORDER BY question_id, value",
            [round_id],
        )

    def seal(self, round_id: int, members: int, answered: int) -> None:
        """At close: keep the counts, then erase everything that links answers to people."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE round SET member_count = ?, answered_count = ?, secret = NULL WHERE id = ?",
                [members, answered, round_id],
            )
            self.db.execute("UPDATE response SET edit_key = NULL WHERE round_id = ?", [round_id])
            self.db.execute("DELETE FROM response_status WHERE round_id = ?", [round_id])

    def export_rows(self) -> list[dict[str, Any]]:
        """Return every answer with its team, round and question, for export."""
        return self._rows(
            "SELECT t.id AS team, r.id AS round_id, r.phase, r.anonymity, q.question_id, "
            "q.text_nl, q.text_en, q.kind, p.value, p.answered_at, p.respondent, t.locale "
            "FROM response p JOIN round r ON r.id = p.round_id JOIN team t ON t.id = r.team_id "
            "JOIN round_question q ON q.round_id = p.round_id AND q.question_id = p.question_id "
            "ORDER BY t.id, r.opens_at, q.position, p.value"
        )

    def first_seen(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record an inbound event; False when it was seen before (a redelivery)."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO inbound_event (platform, event_id, seen_at) VALUES (?, ?, ?)",
            [platform, event_id, iso(now)],
        )
        return cur.rowcount == 1

    def purge_before(self, cutoff: datetime, now: datetime) -> int:
        """Delete rounds that ended before ``cutoff`` with their answers; return how many.

        Also forgets redelivery ids older than a day: Slack retries within minutes.
        """
        with self.db.atomic():
            cur = self.db.execute(
                "DELETE FROM round WHERE status IN ('closed', 'missed', 'cancelled') "
                "AND closes_at < ?",
                [iso(cutoff)],
            )
            self.db.execute(
                "DELETE FROM inbound_event WHERE seen_at < ?", [iso(now - timedelta(days=1))]
            )
        return cur.rowcount
