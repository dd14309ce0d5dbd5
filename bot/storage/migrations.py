"""Schema migrations; never edit one that has been applied, add a new one."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("reflectiebot")

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


_DELIVERY_V2 = """
CREATE TABLE delivery_v2 (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL
        CHECK (purpose IN ('open', 'remind', 'close', 'digest', 'missed', 'gone', 'failed')),
    conversation_id INTEGER NOT NULL DEFAULT 0,
    member_id INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    claimed_by TEXT,
    sent_at TEXT,
    message_id TEXT,
    error TEXT,
    UNIQUE (round_id, purpose, conversation_id, member_id)
) STRICT;
INSERT INTO delivery_v2 (id, round_id, purpose, conversation_id, member_id, status, attempts,
    next_attempt_at, claimed_at, sent_at, message_id, error)
    SELECT id, round_id, purpose, conversation_id, member_id, status, attempts,
    next_attempt_at, claimed_at, sent_at, message_id, error FROM delivery;
DROP TABLE delivery;
ALTER TABLE delivery_v2 RENAME TO delivery;
CREATE INDEX delivery_due ON delivery(next_attempt_at) WHERE status = 'pending';
CREATE INDEX delivery_sending ON delivery(claimed_at) WHERE status = 'sending';
CREATE INDEX delivery_by_target ON delivery(conversation_id, member_id, id)
    WHERE status IN ('pending', 'sending');
CREATE INDEX delivery_by_round ON delivery(round_id);
CREATE TABLE batch (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programme(id) ON DELETE CASCADE,
    set_id TEXT NOT NULL,
    created_by INTEGER REFERENCES member(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    teams INTEGER NOT NULL
) STRICT;
CREATE INDEX batch_by_programme ON batch(programme_id, created_at);
CREATE INDEX round_by_batch ON round(batch_id) WHERE batch_id IS NOT NULL;
CREATE TABLE instance_secret (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
"""


@migrations()
def m010_reliable_outbox(db: Database) -> None:
    """Deliveries can be skipped (their round stopped first) and report failures; batches.

    SQLite cannot change a CHECK constraint in place, so the delivery table is rebuilt
    (nothing references it). Batches record a programme-wide round with its set fixed; the
    instance secret signs the round ids in forms.
    """
    for statement in filter(None, (s.strip() for s in _DELIVERY_V2.split(";\n"))):
        db.execute(statement)


@migrations()
def m013_digest_settings(db: Database) -> None:
    """Per team: who gets the digest in chat and its anonymity threshold; digests read by round."""
    db.execute(
        "ALTER TABLE team ADD COLUMN digest_audience TEXT NOT NULL DEFAULT 'coach' "
        "CHECK (digest_audience IN ('coach', 'team'))"
    )
    # NULL: the operator's REFLECTIEBOT_SUPPRESSION_THRESHOLD applies.
    db.execute(
        "ALTER TABLE team ADD COLUMN suppression_threshold INTEGER "
        "CHECK (suppression_threshold BETWEEN 2 AND 50)"
    )
    db.execute("CREATE INDEX response_by_round ON response(round_id, question_id, value)")


_M016 = """
ALTER TABLE round ADD COLUMN step INTEGER CHECK (step >= 1);
CREATE INDEX round_by_set ON round(team_id, set_id, id) WHERE step IS NOT NULL;
CREATE TABLE agreement (
    id INTEGER PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES team(id) ON DELETE CASCADE,
    exercise TEXT NOT NULL,
    round_id INTEGER UNIQUE REFERENCES round(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    items_json TEXT NOT NULL
) STRICT;
CREATE INDEX agreement_by_team ON agreement(team_id, exercise, id);
CREATE TABLE team_event (
    id INTEGER PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES team(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('joined', 'task_changed')),
    at TEXT NOT NULL,
    member_id INTEGER REFERENCES member(id) ON DELETE SET NULL,
    note TEXT,
    round_id INTEGER REFERENCES round(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX team_event_by_team ON team_event(team_id, at);
CREATE TABLE delivery_v3 (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL
        CHECK (purpose IN ('open', 'remind', 'close', 'digest', 'missed', 'gone', 'failed',
                           'joined')),
    conversation_id INTEGER NOT NULL DEFAULT 0,
    member_id INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    claimed_by TEXT,
    sent_at TEXT,
    message_id TEXT,
    error TEXT,
    UNIQUE (round_id, purpose, conversation_id, member_id)
) STRICT;
INSERT INTO delivery_v3 (id, round_id, purpose, conversation_id, member_id, status, attempts,
    next_attempt_at, claimed_at, claimed_by, sent_at, message_id, error)
    SELECT id, round_id, purpose, conversation_id, member_id, status, attempts,
    next_attempt_at, claimed_at, claimed_by, sent_at, message_id, error FROM delivery;
DROP TABLE delivery;
ALTER TABLE delivery_v3 RENAME TO delivery;
CREATE INDEX delivery_due ON delivery(next_attempt_at) WHERE status = 'pending';
CREATE INDEX delivery_sending ON delivery(claimed_at) WHERE status = 'sending';
CREATE INDEX delivery_by_target ON delivery(conversation_id, member_id, id)
    WHERE status IN ('pending', 'sending');
CREATE INDEX delivery_by_round ON delivery(round_id);
"""


@migrations()
def m016_exercises(db: Database) -> None:
    """Exercises in steps, the team's agreements, its timeline of changes, the join offer.

    A round of a multi-step exercise carries its step (1 is the first); an agreement is what
    an exercise's last step produced, kept per team; ``team_event`` records joins and task
    changes. The delivery table is rebuilt (a CHECK cannot change in place) so a manager can
    be offered a re-contracting round when someone joins.
    """
    for statement in filter(None, (s.strip() for s in _M016.split(";\n"))):
        db.execute(statement)


@migrations()
def m012_hot_query_indexes(db: Database) -> None:
    """Indexes for the queries that read by a column other than a key (found by EXPLAIN).

    Also when each team's roster was last read from the platform.

    A programme's teams, the people holding a role in a team or programme, the daily
    retention of closed rounds (and the team events that point at them) and of the
    redelivery ledger: without these each read every
    row of a table that grows with use (``tests/integration/test_query_plans.py``).
    """
    db.execute("CREATE INDEX team_by_programme ON team(programme_id)")
    # When the team's roster was last read from the platform (membership events keep it
    # current in between), so a round opens without a Tier 4 call per team.
    db.execute("ALTER TABLE team ADD COLUMN roster_synced_at TEXT")
    db.execute("CREATE INDEX role_by_scope ON role(scope, scope_id, role)")
    db.execute("CREATE INDEX inbound_event_by_time ON inbound_event(seen_at)")
    # Deleting a round sets team_event.round_id to NULL (m016): found by index, not a scan.
    db.execute("CREATE INDEX team_event_by_round ON team_event(round_id)")
    db.execute(
        "CREATE INDEX round_ended_by_close ON round(closes_at) "
        "WHERE status IN ('closed', 'missed', 'cancelled')"
    )


@migrations()
def m011_member_reference(db: Database) -> None:
    """Per person: how to reach them directly (Teams: service URL, tenant and chat id)."""
    db.execute("ALTER TABLE member ADD COLUMN reference_json TEXT NOT NULL DEFAULT '{}'")


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
