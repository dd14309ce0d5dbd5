"""Migrations m001-m003: the first schema, the due indexes, the reason a conversation went."""

from __future__ import annotations

from sqlite_utils import Database

from bot.storage.migrations.registry import migrations

_CORE = """
CREATE TABLE programme (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;
CREATE TABLE conversation (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    external_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('channel', 'personal')),
    name TEXT,
    reference_json TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'gone')),
    UNIQUE (platform, external_id)
) STRICT;
CREATE TABLE team (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    programme_id TEXT NOT NULL REFERENCES programme(id),
    platform TEXT NOT NULL,
    conversation_id INTEGER UNIQUE REFERENCES conversation(id),
    locale TEXT NOT NULL DEFAULT 'nl' CHECK (locale IN ('nl', 'en')),
    timezone TEXT NOT NULL DEFAULT 'Europe/Amsterdam',
    anonymity TEXT NOT NULL DEFAULT 'anonymous'
        CHECK (anonymity IN ('named', 'pseudonymous', 'anonymous')),
    open_days INTEGER NOT NULL DEFAULT 5 CHECK (open_days BETWEEN 1 AND 20),
    link_code TEXT UNIQUE,
    created_at TEXT NOT NULL
) STRICT;
CREATE TABLE member (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    external_user_id TEXT NOT NULL,
    display_name TEXT,
    locale TEXT,
    personal_conversation_id INTEGER REFERENCES conversation(id),
    UNIQUE (platform, external_user_id)
) STRICT;
CREATE TABLE team_member (
    team_id TEXT NOT NULL REFERENCES team(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    pseudonym TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (team_id, member_id)
) STRICT;
CREATE TABLE role (
    member_id INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('team', 'programme')),
    scope_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('manager', 'coach', 'member')),
    PRIMARY KEY (member_id, scope, scope_id, role)
) STRICT;
CREATE TABLE milestone (
    team_id TEXT NOT NULL REFERENCES team(id) ON DELETE CASCADE,
    phase TEXT NOT NULL CHECK (phase IN ('start', 'freshup', 'wrapup')),
    seq INTEGER NOT NULL,
    date TEXT NOT NULL,
    PRIMARY KEY (team_id, phase, seq)
) STRICT;
CREATE TABLE round (
    id INTEGER PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES team(id) ON DELETE CASCADE,
    phase TEXT NOT NULL CHECK (phase IN ('start', 'freshup', 'wrapup', 'adhoc')),
    seq INTEGER NOT NULL DEFAULT 0,
    set_id TEXT NOT NULL,
    theme TEXT,
    batch_id TEXT,
    opens_at TEXT NOT NULL,
    remind_at TEXT,
    closes_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'planned'
        CHECK (status IN ('planned', 'open', 'closed', 'missed', 'cancelled')),
    anonymity TEXT NOT NULL,
    secret TEXT,
    message_id TEXT,
    created_by INTEGER REFERENCES member(id) ON DELETE SET NULL,
    opened_at TEXT,
    reminded_at TEXT,
    closed_at TEXT,
    member_count INTEGER,
    answered_count INTEGER
) STRICT;
CREATE UNIQUE INDEX round_one_open ON round(team_id) WHERE status = 'open';
CREATE INDEX round_due_open ON round(opens_at) WHERE status = 'planned';
CREATE INDEX round_due_close ON round(closes_at) WHERE status = 'open';
CREATE TABLE round_question (
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('scale', 'choice', 'text')),
    theme TEXT NOT NULL,
    text_nl TEXT NOT NULL,
    text_en TEXT NOT NULL,
    options_json TEXT NOT NULL DEFAULT '[]',
    extra_json TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (round_id, question_id)
) STRICT;
CREATE TABLE round_member (
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, member_id)
) STRICT;
CREATE TABLE delivery (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL
        CHECK (purpose IN ('open', 'remind', 'close', 'digest', 'missed', 'gone')),
    conversation_id INTEGER NOT NULL DEFAULT 0,
    member_id INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT,
    message_id TEXT,
    error TEXT,
    UNIQUE (round_id, purpose, conversation_id, member_id)
) STRICT;
CREATE INDEX delivery_due ON delivery(next_attempt_at) WHERE status = 'pending';
CREATE TABLE response (
    id TEXT PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    respondent TEXT,
    edit_key TEXT,
    value TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    edited_at TEXT
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX response_by_editor ON response(round_id, edit_key, question_id)
    WHERE edit_key IS NOT NULL;
CREATE TABLE response_status (
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    answered_on TEXT NOT NULL,
    PRIMARY KEY (round_id, member_id)
) STRICT;
CREATE TABLE inbound_event (
    platform TEXT NOT NULL,
    event_id TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (platform, event_id)
) STRICT;
"""


@migrations()
def m001_core(db: Database) -> None:
    """Create the tables of the domain model (DESIGN section 4)."""
    for statement in filter(None, (s.strip() for s in _CORE.split(";\n"))):
        db.execute(statement)


@migrations()
def m002_due_indexes(db: Database) -> None:
    """Indexes so a tick and a team's round list read only what they need."""
    db.execute("CREATE INDEX round_by_team ON round(team_id, opens_at)")
    db.execute(
        "CREATE INDEX round_due_remind ON round(remind_at) "
        "WHERE status = 'open' AND reminded_at IS NULL"
    )
    db.execute("CREATE INDEX delivery_sending ON delivery(claimed_at) WHERE status = 'sending'")


@migrations()
def m003_gone_reason(db: Database) -> None:
    """Keep the platform's reason when a conversation is gone, for the managers' notice."""
    db.execute("ALTER TABLE conversation ADD COLUMN gone_reason TEXT")
