"""SQL for the rights of the person: everything stored about someone, and forgetting them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from bot.storage.audit import AuditStore
from bot.storage.db import one, rows, write_transaction

# A named answer carries the person's platform id, a pseudonymous one their pseudonym in the
# team; an anonymous answer carries neither and cannot be found (that is the point).
_LINKED = (
    "FROM response p JOIN round r ON r.id = p.round_id JOIN team t ON t.id = r.team_id "
    "WHERE t.platform = ? AND ((r.anonymity = 'named' AND p.respondent = ?) OR "
    "(r.anonymity = 'pseudonymous' AND p.respondent IN (SELECT tm.pseudonym FROM team_member "
    "tm WHERE tm.member_id = ? AND tm.team_id = t.id)))"
)


class SubjectStore:
    """What the bot holds about one person, and their erasure.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def _member(self, platform: str, user_id: str) -> dict[str, Any] | None:
        return one(
            self.db,
            "SELECT * FROM member WHERE platform = ? AND external_user_id = ?",
            [platform, user_id],
        )

    def personal_data(self, platform: str, user_id: str) -> dict[str, Any] | None:
        """Return everything stored about a person, or None when they are unknown.

        Keys: ``member`` (id, name, language), ``teams`` (team, pseudonym, active),
        ``roles``, ``answers`` (their named and pseudonymous answers with round and
        question), and the counts ``rounds``, ``answering``, ``deliveries`` and ``audit``.
        """
        member = self._member(platform, user_id)
        if member is None:
            return None
        mid = member["id"]

        def count(sql: str, params: list[Any]) -> int:
            return int(rows(self.db, f"SELECT COUNT(*) AS n {sql}", params)[0]["n"])

        return {
            "member": {
                "platform": platform,
                "user_id": user_id,
                "display_name": member["display_name"],
                "locale": member["locale"],
            },
            "teams": rows(
                self.db,
                "SELECT t.id AS team, t.name, tm.pseudonym, tm.active FROM team_member tm "
                "JOIN team t ON t.id = tm.team_id WHERE tm.member_id = ? ORDER BY t.id",
                [mid],
            ),
            "roles": rows(
                self.db,
                "SELECT role, scope, scope_id FROM role WHERE member_id = ? "
                "ORDER BY scope, scope_id, role",
                [mid],
            ),
            "answers": rows(
                self.db,
                "SELECT t.id AS team, r.id AS round_id, r.phase, r.anonymity, p.question_id, "
                f"p.value, p.answered_at {_LINKED} ORDER BY r.opens_at, p.question_id",
                [platform, user_id, mid],
            ),
            "rounds": count("FROM round_member WHERE member_id = ?", [mid]),
            "answering": count("FROM response_status WHERE member_id = ?", [mid]),
            "deliveries": count("FROM delivery WHERE member_id = ?", [mid]),
            "audit": AuditStore(self.db).count_by(f"{platform}:{user_id}"),
        }

    def answering(self, platform: str, user_id: str) -> list[tuple[int, int]]:
        """Return ``(round_id, member_id)`` of the open rounds a person has answered."""
        return [
            (int(r["round_id"]), int(r["member_id"]))
            for r in rows(
                self.db,
                "SELECT s.round_id, s.member_id FROM response_status s JOIN member m ON "
                "m.id = s.member_id JOIN round r ON r.id = s.round_id WHERE m.platform = ? "
                "AND m.external_user_id = ? AND r.status = 'open'",
                [platform, user_id],
            )
        ]

    def forget(
        self, platform: str, user_id: str, edit_keys: Iterable[tuple[int, str]] = ()
    ) -> dict[str, int] | None:
        """Erase everything that links data to a person; return what was removed.

        Answers stored under their id (named teams) or pseudonym (pseudonymous teams) are
        deleted; anonymous answers were never linked and stay. Their name, roles,
        memberships, posts to them and their personal conversation go; in the audit log
        their id becomes ``forgotten``. ``edit_keys`` (round id, key) are the keys that let
        the person edit their answers to open rounds: they are cleared, so those answers
        count but can no longer be found. None when the person is unknown.
        """
        member = self._member(platform, user_id)
        if member is None:
            return None
        mid = member["id"]
        with write_transaction(self.db):
            linked = [
                r["id"] for r in rows(self.db, f"SELECT p.id {_LINKED}", [platform, user_id, mid])
            ]
            answers = self.db.execute(
                "DELETE FROM response WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(linked)],
            ).rowcount
            for round_id, key in edit_keys:
                self.db.execute(
                    "UPDATE response SET edit_key = NULL WHERE round_id = ? AND edit_key = ?",
                    [round_id, key],
                )
            roles = self.db.execute("DELETE FROM role WHERE member_id = ?", [mid]).rowcount
            self.db.execute("DELETE FROM response_status WHERE member_id = ?", [mid])
            self.db.execute("DELETE FROM round_member WHERE member_id = ?", [mid])
            self.db.execute("DELETE FROM delivery WHERE member_id = ?", [mid])
            teams = self.db.execute("DELETE FROM team_member WHERE member_id = ?", [mid]).rowcount
            self.db.execute("DELETE FROM member WHERE id = ?", [mid])
            if member["personal_conversation_id"] is not None:
                self.db.execute(
                    "DELETE FROM conversation WHERE id = ? AND kind = 'personal'",
                    [member["personal_conversation_id"]],
                )
            AuditStore(self.db).unlink(f"{platform}:{user_id}")
        return {"answers": answers, "roles": roles, "teams": teams}
