"""SQL for what a round asks and who answers: question snapshots, roster and answers."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from bot.models import Member, RoundQuestion
from bot.storage.db import many, rows, write_transaction
from bot.storage.snapshots import parse_row, question_row

# Open rounds' snapshots by round id and secret, shared by every thread's store; see
# AnswerStore.open_round_questions. A thousand open rounds of eight questions is a few MB.
_OPEN_SNAPSHOTS: dict[tuple[int, bytes], tuple[RoundQuestion, ...]] = {}
_OPEN_SNAPSHOTS_MAX = 2048


class AnswerStore:
    """Use-case queries about a round's questions, roster and answers.

    Args:
        db: The open database.
        new_response_id: Makes the random key of a response row (uuid4 unless the demo asks
            for seeded ones); the key is random so row order tells nothing about who answered.
    """

    def __init__(self, db: Database, new_response_id: Callable[[], str] | None = None):
        self.db = db
        self.new_response_id = new_response_id or (lambda: str(uuid.uuid4()))

    # questions and roster -------------------------------------------------------------
    def snapshot_questions(self, questions: list[RoundQuestion]) -> None:
        """Freeze a round's questions as they are asked now."""
        self._insert_questions([question_row(q) for q in questions])

    def snapshot_questions_of(self, round_ids: list[int], questions: list[RoundQuestion]) -> None:
        """Freeze the same questions into many rounds (a programme round): packed once."""
        packed = [question_row(q) for q in questions]
        self._insert_questions([{**q, "round_id": rid} for rid in round_ids for q in packed])

    def _insert_questions(self, packed: list[dict[str, Any]]) -> None:
        if not packed:
            return
        columns = list(packed[0])
        marks = ", ".join("?" for _ in columns)
        many(
            self.db,
            f"INSERT OR REPLACE INTO round_question ({', '.join(columns)}) VALUES ({marks})",
            [[q[c] for c in columns] for q in packed],
        )

    def round_questions(self, round_id: int) -> list[RoundQuestion]:
        """Return the round's snapshot, in order."""
        return [
            parse_row(r)
            for r in rows(
                self.db,
                "SELECT * FROM round_question WHERE round_id = ? ORDER BY position",
                [round_id],
            )
        ]

    def open_round_questions(self, round_id: int, secret: str) -> list[RoundQuestion]:
        """Return an open round's snapshot, read once per round and kept in memory.

        Every submission validates against the snapshot. An open round's ``secret`` is drawn
        in the transaction that writes its snapshot, and neither changes while it is open,
        so together with the round id it names one snapshot for good: the entry is never
        stale, whichever connection or process wrote it.

        Args:
            round_id: The round.
            secret: The round's secret (see ``RoundStore.secret``), non-empty while it is open.
        """
        if not secret:
            return self.round_questions(round_id)
        # Keyed by a digest, not the secret: the cache must not keep what links an anonymous
        # answer to its person after the close has erased it from the database.
        key = (round_id, hashlib.sha256(secret.encode()).digest())
        found = _OPEN_SNAPSHOTS.get(key)
        if found is None:
            if len(_OPEN_SNAPSHOTS) >= _OPEN_SNAPSHOTS_MAX:
                _OPEN_SNAPSHOTS.clear()  # a bound, not a policy: the next reads refill it
            found = _OPEN_SNAPSHOTS[key] = tuple(self.round_questions(round_id))
        return list(found)

    def set_round_members(self, round_id: int, member_ids: list[int]) -> None:
        """Record who was in the conversation when the round opened."""
        many(
            self.db,
            "INSERT OR IGNORE INTO round_member (round_id, member_id) VALUES (?, ?)",
            [(round_id, mid) for mid in member_ids],
        )

    def set_rosters_from_teams(self, rounds: list[tuple[int, str]]) -> None:
        """Record each ``(round_id, team_id)``'s roster: the team's active members now."""
        many(
            self.db,
            "INSERT OR IGNORE INTO round_member (round_id, member_id) SELECT ?, member_id "
            "FROM team_member WHERE team_id = ? AND active = 1",
            rounds,
        )

    def refresh_round_members(self, round_id: int, member_ids: list[int]) -> None:
        """Make the round's roster the conversation's people now; who answered stays in it."""
        with write_transaction(self.db):
            self.db.execute(
                "DELETE FROM round_member WHERE round_id = ? AND member_id NOT IN "
                "(SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM response_status "
                "s WHERE s.round_id = round_member.round_id AND s.member_id = "
                "round_member.member_id)",
                [round_id, json.dumps(member_ids)],
            )
            self.set_round_members(round_id, member_ids)

    def drop_round_member(self, round_id: int, member_id: int) -> None:
        """Take someone who left out of the round's roster, unless they answered it."""
        self.db.execute(
            "DELETE FROM round_member WHERE round_id = ? AND member_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM response_status s WHERE s.round_id = ? AND s.member_id = ?)",
            [round_id, member_id, round_id, member_id],
        )

    def is_round_member(self, round_id: int, member_id: int) -> bool:
        """Return whether a person was sent the round (or answered it)."""
        found = rows(
            self.db,
            "SELECT 1 FROM round_member WHERE round_id = ? AND member_id = ?",
            [round_id, member_id],
        )
        return bool(found)

    def round_member_count(self, round_id: int) -> int:
        """Return how many people the round was sent to (late joiners who answered included)."""
        found = rows(
            self.db, "SELECT COUNT(*) AS n FROM round_member WHERE round_id = ?", [round_id]
        )
        return int(found[0]["n"])

    def pending_members(self, round_id: int) -> list[Member]:
        """Return round members who have not answered yet."""
        return [
            Member.model_validate(r)
            for r in rows(
                self.db,
                "SELECT m.* FROM member m JOIN round_member rm ON rm.member_id = m.id "
                "WHERE rm.round_id = ? AND NOT EXISTS (SELECT 1 FROM response_status s WHERE "
                "s.round_id = rm.round_id AND s.member_id = rm.member_id) ORDER BY m.id",
                [round_id],
            )
        ]

    def progress(self, round_id: int) -> tuple[int, int]:
        """Return ``(answered, total)`` of a round in one read; the total counts late joiners
        who answered, so it is never below the answers (stored at close, live while open)."""
        found = rows(
            self.db,
            "SELECT r.answered_count AS stored, "
            "(SELECT COUNT(*) FROM response_status s WHERE s.round_id = r.id) AS live, "
            "(SELECT COUNT(*) FROM round_member m WHERE m.round_id = r.id) AS members "
            "FROM round r WHERE r.id = ?",
            [round_id],
        )
        if not found:
            return 0, 0
        row = found[0]
        answered = int(row["stored"] if row["stored"] is not None else row["live"])
        return answered, max(int(row["members"]), answered)

    def answered_count(self, round_id: int) -> int:
        """Return how many people answered (stored at close, live while open)."""
        stored = rows(self.db, "SELECT answered_count FROM round WHERE id = ?", [round_id])
        if stored and stored[0]["answered_count"] is not None:
            return int(stored[0]["answered_count"])
        found = rows(
            self.db, "SELECT COUNT(*) AS n FROM response_status WHERE round_id = ?", [round_id]
        )
        return int(found[0]["n"])

    # answers --------------------------------------------------------------------------
    def save_answers(
        self,
        round_id: int,
        member_id: int,
        edit_key: str,
        answer_rows: list[dict[str, Any]],
        cleared: list[str],
        answered_on: str | None,
    ) -> None:
        """Store or replace one person's answers, with their answer status, atomically.

        Each row has ``id``, ``question_id``, ``respondent``, ``value``,
        ``answered_at`` and ``edited_at``; an earlier row with the same edit key is replaced,
        and the person's answers to the ``cleared`` questions are removed. A late joiner
        becomes a round member. ``answered_on`` is None in anonymous teams, whose answer
        status keeps no day (it is deleted when the round closes anyway).
        """
        with write_transaction(self.db):
            if cleared:
                self.db.execute(
                    "DELETE FROM response WHERE round_id = ? AND edit_key = ? AND question_id "
                    "IN (SELECT value FROM json_each(?))",
                    [round_id, edit_key, json.dumps(cleared)],
                )
            # A new answer to a question replaces the person's earlier one (the unique
            # response_by_editor index), in one statement for the whole form.
            many(
                self.db,
                "INSERT OR REPLACE INTO response (round_id, edit_key, id, question_id, "
                "respondent, value, answered_at, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [round_id, edit_key, row["id"], row["question_id"], row["respondent"],
                     row["value"], row["answered_at"], row["edited_at"]]
                    for row in answer_rows
                ],
            )  # fmt: skip
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
            for r in rows(
                self.db,
                "SELECT * FROM response WHERE round_id = ? AND edit_key = ?",
                [round_id, edit_key],
            )
        }

    def responses(self, round_id: int) -> list[dict[str, Any]]:
        """Return every answer of a round (respondent only where the team stores it)."""
        return rows(
            self.db,
            "SELECT question_id, respondent, value, answered_at FROM response "
            "WHERE round_id = ? ORDER BY question_id, value",
            [round_id],
        )

    def seal(self, round_id: int, members: int, answered: int) -> None:
        """At close: keep the counts, then erase everything that links answers to people."""
        with write_transaction(self.db):
            self.db.execute(
                "UPDATE round SET member_count = ?, answered_count = ?, secret = NULL WHERE id = ?",
                [members, answered, round_id],
            )
            self.db.execute("UPDATE response SET edit_key = NULL WHERE round_id = ?", [round_id])
            self.db.execute("DELETE FROM response_status WHERE round_id = ?", [round_id])

    def export_rows(self) -> list[dict[str, Any]]:
        """Return every answer with its team, round and question, for export."""
        return rows(
            self.db,
            "SELECT t.id AS team, r.id AS round_id, r.phase, r.anonymity, q.question_id, "
            "q.text_nl, q.text_en, q.kind, p.value, p.answered_at, p.respondent, t.locale, "
            "t.suppression_threshold "
            "FROM response p JOIN round r ON r.id = p.round_id JOIN team t ON t.id = r.team_id "
            "JOIN round_question q ON q.round_id = p.round_id AND q.question_id = p.question_id "
            "ORDER BY t.id, r.opens_at, q.position, p.value",
        )

    # digests --------------------------------------------------------------------------
    def value_counts(self, round_id: int) -> list[dict[str, Any]]:
        """Return ``question_id, value, n``: how often each answer was given in a round."""
        return rows(
            self.db,
            "SELECT question_id, value, COUNT(*) AS n FROM response WHERE round_id = ? "
            "GROUP BY question_id, value ORDER BY question_id, value",
            [round_id],
        )

    def attributed_texts(self, round_id: int, question_ids: list[str]) -> list[dict[str, Any]]:
        """Return ``question_id, respondent, value`` of a round's answers to some questions."""
        return rows(
            self.db,
            "SELECT question_id, respondent, value FROM response WHERE round_id = ? AND "
            "question_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY question_id, value, respondent",
            [round_id, json.dumps(question_ids)],
        )
