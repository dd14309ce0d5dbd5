"""SQL for rounds, their question snapshots, answers and answer status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from bot.models import Member, Phase, Round, RoundQuestion, RoundStatus


def iso(when: datetime) -> str:
    """Return an aware datetime as ISO-8601 UTC text, the only form times are stored in."""
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    return when.astimezone(UTC).isoformat()


class Store:
    """Use-case queries about rounds and answers; every write is a claim or a transaction."""

    def __init__(self, db: Database):
        self.db = db

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, list(params)))

    def _round_rows(self, sql: str, params: Iterable[Any] = ()) -> list[Round]:
        return [Round.model_validate(r) for r in self._rows(sql, params)]

    # rounds ---------------------------------------------------------------------------
    def insert_round(
        self,
        *,
        team_id: str,
        phase: Phase,
        seq: int,
        set_id: str,
        opens_at: datetime,
        remind_at: datetime | None,
        closes_at: datetime,
        anonymity: str,
        theme: str | None = None,
        batch_id: str | None = None,
        created_by: int | None = None,
    ) -> Round:
        """Insert a planned round and return it."""
        cur = self.db.execute(
            "INSERT INTO round (team_id, phase, seq, set_id, theme, batch_id, opens_at, "
            "remind_at, closes_at, anonymity, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                team_id,
                phase.value,
                seq,
                set_id,
                theme,
                batch_id,
                iso(opens_at),
                iso(remind_at) if remind_at else None,
                iso(closes_at),
                anonymity,
                created_by,
            ],
        )
        return self.round(int(cur.lastrowid or 0))  # type: ignore[return-value]

    def round(self, round_id: int) -> Round | None:
        """Return a round by id."""
        rows = self._round_rows("SELECT * FROM round WHERE id = ?", [round_id])
        return rows[0] if rows else None

    def round_row(self, round_id: int) -> dict[str, Any] | None:
        """Return a round's raw row, including the counters stored at close."""
        rows = self._rows("SELECT * FROM round WHERE id = ?", [round_id])
        return rows[0] if rows else None

    def rounds_of(self, team_id: str) -> list[Round]:
        """Return every round of a team in opening order."""
        return self._round_rows(
            "SELECT * FROM round WHERE team_id = ? ORDER BY opens_at, id", [team_id]
        )

    def rounds_of_batch(self, batch_id: str) -> list[Round]:
        """Return the rounds of a programme-wide batch."""
        return self._round_rows("SELECT * FROM round WHERE batch_id = ? ORDER BY id", [batch_id])

    def open_round_of(self, team_id: str) -> Round | None:
        """Return the team's open round, if any."""
        rows = self._round_rows(
            "SELECT * FROM round WHERE team_id = ? AND status = 'open'", [team_id]
        )
        return rows[0] if rows else None

    def move_round(
        self, round_id: int, opens_at: datetime, remind_at: datetime, closes_at: datetime
    ) -> bool:
        """Move a round that is still planned; False when it already opened."""
        cur = self.db.execute(
            "UPDATE round SET opens_at = ?, remind_at = ?, closes_at = ? "
            "WHERE id = ? AND status = 'planned'",
            [iso(opens_at), iso(remind_at), iso(closes_at), round_id],
        )
        return cur.rowcount == 1

    def set_status(
        self, round_id: int, new: RoundStatus, *, expect: RoundStatus, now: datetime
    ) -> bool:
        """Claim a status change ``expect`` → ``new``; False when someone else did it first."""
        column = {"open": "opened_at", "closed": "closed_at"}.get(new.value)
        stamp = f", {column} = ?" if column else ""
        params: list[Any] = [new.value] + ([iso(now)] if column else []) + [round_id, expect.value]
        cur = self.db.execute(
            f"UPDATE round SET status = ?{stamp} WHERE id = ? AND status = ?", params
        )
        return cur.rowcount == 1

    def due_to_open(self, now: datetime, limit: int = 500) -> list[Round]:
        """Return planned rounds whose opening time has come."""
        return self._round_rows(
            "SELECT * FROM round WHERE status = 'planned' AND opens_at <= ? "
            "ORDER BY opens_at LIMIT ?",
            [iso(now), limit],
        )

    def due_to_remind(self, now: datetime, limit: int = 500) -> list[Round]:
        """Return open rounds whose reminder is due and not yet claimed."""
        return self._round_rows(
            "SELECT * FROM round WHERE status = 'open' AND reminded_at IS NULL AND "
            "remind_at IS NOT NULL AND remind_at <= ? ORDER BY remind_at LIMIT ?",
            [iso(now), limit],
        )

    def due_to_close(self, now: datetime, limit: int = 500) -> list[Round]:
        """Return open rounds whose closing time has come."""
        return self._round_rows(
            "SELECT * FROM round WHERE status = 'open' AND closes_at <= ? "
            "ORDER BY closes_at LIMIT ?",
            [iso(now), limit],
        )

    def upcoming(
        self, now: datetime, until: datetime | None = None
    ) -> list[tuple[int, str, datetime]]:
        """Return ``(round_id, action, when)`` for each open, remind and close after ``now``.

        Planned rounds contribute their opening only: their reminder and close get timers
        once they open. Statuses are literals so SQLite can use the partial indexes.
        """
        end = iso(until) if until else "9999"
        queries = (
            (
                "open",
                "SELECT id, opens_at AS at FROM round WHERE status = 'planned' "
                "AND opens_at > ? AND opens_at <= ?",
            ),
            (
                "remind",
                "SELECT id, remind_at AS at FROM round WHERE status = 'open' "
                "AND reminded_at IS NULL AND remind_at > ? AND remind_at <= ?",
            ),
            (
                "close",
                "SELECT id, closes_at AS at FROM round WHERE status = 'open' "
                "AND closes_at > ? AND closes_at <= ?",
            ),
        )
        out = [
            (int(r["id"]), action, datetime.fromisoformat(r["at"]))
            for action, sql in queries
            for r in self._rows(sql, [iso(now), end])
        ]
        return sorted(out, key=lambda x: (x[2], x[0]))

    def claim_reminder(self, round_id: int, now: datetime) -> bool:
        """Claim the reminder of an open round; False when it was claimed before."""
        cur = self.db.execute(
            "UPDATE round SET reminded_at = ? WHERE id = ? AND status = 'open' "
            "AND reminded_at IS NULL",
            [iso(now), round_id],
        )
        return cur.rowcount == 1

    def set_secret(self, round_id: int, secret: str | None) -> None:
        """Store (or erase) the per-round secret behind anonymous edit keys."""
        self.db.execute("UPDATE round SET secret = ? WHERE id = ?", [secret, round_id])

    def secret(self, round_id: int) -> str | None:
        """Return the per-round secret while the round is open."""
        rows = self._rows("SELECT secret FROM round WHERE id = ?", [round_id])
        return rows[0]["secret"] if rows else None

    def set_message_id(self, round_id: int, message_id: str) -> None:
        """Remember the channel message of a round (for updates and the digest thread)."""
        self.db.execute("UPDATE round SET message_id = ? WHERE id = ?", [message_id, round_id])

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

    def has_answered(self, round_id: int, member_id: int) -> bool:
        """Return whether a member answered an open round."""
        return bool(
            self._rows(
                "SELECT 1 FROM response_status WHERE round_id = ? AND member_id = ?",
                [round_id, member_id],
            )
        )

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
