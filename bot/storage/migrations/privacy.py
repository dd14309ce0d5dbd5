"""Migrations m014, m017, m018: anonymous answers, the audit log, retention and its indexes."""

from __future__ import annotations

from sqlite_utils import Database

from bot.storage.migrations.registry import migrations

_PRIVACY = """
CREATE TABLE response_v2 (
    id TEXT PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    respondent TEXT,
    edit_key TEXT,
    value TEXT NOT NULL,
    answered_at TEXT,
    edited_at TEXT
) STRICT, WITHOUT ROWID;
INSERT INTO response_v2 (id, round_id, question_id, respondent, edit_key, value, answered_at,
    edited_at)
    SELECT p.id, p.round_id, p.question_id,
    CASE WHEN r.anonymity = 'anonymous' THEN NULL ELSE p.respondent END, p.edit_key, p.value,
    CASE WHEN r.anonymity = 'anonymous' THEN NULL ELSE p.answered_at END,
    CASE WHEN r.anonymity = 'anonymous' THEN NULL ELSE p.edited_at END
    FROM response p JOIN round r ON r.id = p.round_id;
DROP TABLE response;
ALTER TABLE response_v2 RENAME TO response;
CREATE UNIQUE INDEX response_by_editor ON response(round_id, edit_key, question_id)
    WHERE edit_key IS NOT NULL;
CREATE INDEX response_by_round ON response(round_id, question_id, value);
CREATE TABLE response_status_v2 (
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    answered_on TEXT,
    PRIMARY KEY (round_id, member_id)
) STRICT;
INSERT INTO response_status_v2 (round_id, member_id, answered_on)
    SELECT s.round_id, s.member_id,
    CASE WHEN r.anonymity = 'anonymous' THEN NULL ELSE s.answered_on END
    FROM response_status s JOIN round r ON r.id = s.round_id;
DROP TABLE response_status;
ALTER TABLE response_status_v2 RENAME TO response_status;
ALTER TABLE team ADD COLUMN retention_days INTEGER CHECK (retention_days BETWEEN 1 AND 3650);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    team_id TEXT,
    detail TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_by_time ON audit(at)
"""


@migrations()
def m014_anonymous_answers_and_audit(db: Database) -> None:
    """Anonymous answers keep nothing finer than their round; per-team retention; the audit log.

    The answer and answer-status tables are rebuilt so their times may be empty (SQLite cannot
    drop NOT NULL in place); the anonymous rows already stored lose their day and any
    respondent. The audit log records who did what and when, never content.
    """
    for statement in filter(None, (s.strip() for s in _PRIVACY.split(";\n"))):
        db.execute(statement)


@migrations(transactional=False)
def m014_reclaim_space(db: Database) -> None:
    """Rewrite the file so the pages that held the old answer times are gone, not just free.

    VACUUM cannot run inside a transaction, hence a step of its own.
    """
    db.execute("VACUUM")


@migrations()
def m017_history_retention_indexes(db: Database) -> None:
    """The daily retention finds old agreements, timeline entries and own periods by index."""
    db.execute("CREATE INDEX agreement_by_created ON agreement(created_at)")
    db.execute("CREATE INDEX team_event_by_time ON team_event(at)")
    # Only the few teams with their own period (``instellingen bewaartermijn``).
    db.execute("CREATE INDEX team_own_retention ON team(id) WHERE retention_days IS NOT NULL")


@migrations()
def m018_member_seen_on(db: Database) -> None:
    """People carry the day they last did something, so retention never takes one mid-action."""
    db.execute("ALTER TABLE member ADD COLUMN seen_on TEXT")
    # Whoever is known at the upgrade counts as seen today: one grace period, then the rule.
    db.execute("UPDATE member SET seen_on = date('now')")
    # Retention's "in no team, no round" checks and the cascades of deleting a person look
    # people up by member in these tables: without these, every person scans both.
    db.execute("CREATE INDEX team_member_by_member ON team_member(member_id)")
    db.execute("CREATE INDEX round_member_by_member ON round_member(member_id)")
