"""SQL for rounds: planning, claims on their status, and when each is due."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.models import Anonymity, Phase, Round, RoundStatus
from bot.ports import RoundAction
from bot.storage.db import changed, iso, one, rows, write_transaction


class RoundStore:
    """Use-case queries about rounds; every status change is a claim.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def _round_rows(self, sql: str, params: Iterable[Any] = ()) -> list[Round]:
        return [Round.model_validate(r) for r in rows(self.db, sql, params)]

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
        anonymity: Anonymity,
        theme: str | None = None,
        batch_id: str | None = None,
        created_by: int | None = None,
        step: int | None = None,
    ) -> Round:
        """Insert a planned round and return it (``step``: of a multi-step exercise)."""
        cur = self.db.execute(
            "INSERT INTO round (team_id, phase, seq, set_id, theme, batch_id, opens_at, "
            "remind_at, closes_at, anonymity, created_by, step) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
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
                anonymity.value,
                created_by,
                step,
            ],
        )
        return self.round(int(cur.lastrowid or 0))  # type: ignore[return-value]

    def insert_open_rounds(self, specs: list[dict[str, Any]], now: datetime) -> list[Round]:
        """Insert rounds that open at once (a programme round), and return them in order.

        Each spec holds ``insert_round``'s keyword arguments and a ``secret``. The caller runs
        this inside its write transaction, after checking that none of the teams has a
        round open (the unique index would refuse the whole batch otherwise).
        """
        ids = []
        with write_transaction(self.db):
            for spec in specs:
                ids.append(self._insert_open(spec, now))
        found = {r.id: r for r in self.rounds_by_id(ids)}
        return [found[i] for i in ids]

    def _insert_open(self, spec: dict[str, Any], now: datetime) -> int:
        cur = self.db.conn.execute(
            "INSERT INTO round (team_id, phase, seq, set_id, theme, batch_id, opens_at, "
            "remind_at, closes_at, anonymity, created_by, step, status, opened_at, secret) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'open',?,?)",
            [
                spec["team_id"],
                spec["phase"].value,
                spec["seq"],
                spec["set_id"],
                spec.get("theme"),
                spec.get("batch_id"),
                iso(spec["opens_at"]),
                iso(spec["remind_at"]) if spec.get("remind_at") else None,
                iso(spec["closes_at"]),
                spec["anonymity"].value,
                spec.get("created_by"),
                spec.get("step"),
                iso(now),
                spec["secret"],
            ],
        )
        return int(cur.lastrowid or 0)

    def rounds_by_id(self, round_ids: list[int]) -> list[Round]:
        """Return the rounds with these ids (any order), in one read."""
        return self._round_rows(
            "SELECT * FROM round WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(round_ids)],
        )

    def teams_with_open_round(self, team_ids: list[str]) -> set[str]:
        """Return which of these teams have a round open now, in one read."""
        return {
            str(r["team_id"])
            for r in rows(
                self.db,
                "SELECT team_id FROM round WHERE status = 'open' AND team_id IN "
                "(SELECT value FROM json_each(?))",
                [json.dumps(team_ids)],
            )
        }

    def round(self, round_id: int) -> Round | None:
        """Return a round by id."""
        found = self._round_rows("SELECT * FROM round WHERE id = ?", [round_id])
        return found[0] if found else None

    def rounds_of(self, team_id: str) -> list[Round]:
        """Return every round of a team in opening order."""
        return self._round_rows(
            "SELECT * FROM round WHERE team_id = ? ORDER BY opens_at, id", [team_id]
        )

    def steps_of(self, team_id: str, set_id: str) -> list[Round]:
        """Return the step rounds of a team's exercise, oldest first (every run of it)."""
        return self._round_rows(
            "SELECT * FROM round WHERE team_id = ? AND set_id = ? AND step IS NOT NULL ORDER BY id",
            [team_id, set_id],
        )

    def latest_step_round(self, team_id: str) -> Round | None:
        """Return the team's most recent round of a multi-step exercise, if it had one."""
        found = self._round_rows(
            "SELECT * FROM round WHERE team_id = ? AND step IS NOT NULL ORDER BY id DESC LIMIT 1",
            [team_id],
        )
        return found[0] if found else None

    def open_round_of(self, team_id: str) -> Round | None:
        """Return the team's open round, if any."""
        found = self._round_rows(
            "SELECT * FROM round WHERE team_id = ? AND status = 'open'", [team_id]
        )
        return found[0] if found else None

    def open_rounds_of_member(self, member_id: int) -> list[Round]:
        """Return the open rounds of every team the person is an active member of."""
        return self._round_rows(
            "SELECT r.* FROM round r JOIN team_member tm ON tm.team_id = r.team_id "
            "WHERE tm.member_id = ? AND tm.active = 1 AND r.status = 'open' ORDER BY r.closes_at",
            [member_id],
        )

    def move_round(
        self, round_id: int, opens_at: datetime, remind_at: datetime, closes_at: datetime
    ) -> bool:
        """Move a round that is still planned; False when it already opened."""
        return (
            changed(
                self.db,
                "UPDATE round SET opens_at = ?, remind_at = ?, closes_at = ? "
                "WHERE id = ? AND status = 'planned'",
                [iso(opens_at), iso(remind_at), iso(closes_at), round_id],
            )
            == 1
        )

    def set_status(
        self, round_id: int, new: RoundStatus, *, expect: RoundStatus, now: datetime
    ) -> bool:
        """Claim a status change ``expect`` → ``new``; False when someone else did it first."""
        column = {RoundStatus.OPEN: "opened_at", RoundStatus.CLOSED: "closed_at"}.get(new)
        stamp = f", {column} = ?" if column else ""
        params: list[Any] = [new.value] + ([iso(now)] if column else []) + [round_id, expect.value]
        return (
            changed(
                self.db, f"UPDATE round SET status = ?{stamp} WHERE id = ? AND status = ?", params
            )
            == 1
        )

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
    ) -> list[tuple[int, RoundAction, datetime]]:
        """Return ``(round_id, action, when)`` for each open, remind and close after ``now``.

        Planned rounds contribute their opening only: their reminder and close get timers
        once they open. Statuses are literals so SQLite can use the partial indexes.
        """
        end = iso(until) if until else "9999"
        queries = (
            (
                RoundAction.OPEN,
                "SELECT id, opens_at AS at FROM round WHERE status = 'planned' "
                "AND opens_at > ? AND opens_at <= ?",
            ),
            (
                RoundAction.REMIND,
                "SELECT id, remind_at AS at FROM round WHERE status = 'open' "
                "AND reminded_at IS NULL AND remind_at > ? AND remind_at <= ?",
            ),
            (
                RoundAction.CLOSE,
                "SELECT id, closes_at AS at FROM round WHERE status = 'open' "
                "AND closes_at > ? AND closes_at <= ?",
            ),
        )
        out = [
            (int(r["id"]), action, datetime.fromisoformat(r["at"]))
            for action, sql in queries
            for r in rows(self.db, sql, [iso(now), end])
        ]
        return sorted(out, key=lambda x: (x[2], x[0]))

    def claim_reminder(self, round_id: int, now: datetime) -> bool:
        """Claim the reminder of an open round; False when it was claimed before."""
        return (
            changed(
                self.db,
                "UPDATE round SET reminded_at = ? WHERE id = ? AND status = 'open' "
                "AND reminded_at IS NULL",
                [iso(now), round_id],
            )
            == 1
        )

    def set_secret(self, round_id: int, secret: str | None) -> None:
        """Store (or erase) the per-round secret behind anonymous edit keys."""
        self.db.execute("UPDATE round SET secret = ? WHERE id = ?", [secret, round_id])

    def secret(self, round_id: int) -> str | None:
        """Return the per-round secret while the round is open."""
        row = one(self.db, "SELECT secret FROM round WHERE id = ?", [round_id])
        return row["secret"] if row else None

    def set_message_id(self, round_id: int, message_id: str) -> None:
        """Remember the channel message of a round (for updates and the digest thread)."""
        self.db.execute("UPDATE round SET message_id = ? WHERE id = ?", [message_id, round_id])
