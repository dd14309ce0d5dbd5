"""Migrations m010-m016: the reliable outbox, digest settings, exercises, indexes, references."""

from __future__ import annotations

from sqlite_utils import Database

from bot.storage.migrations.registry import migrations

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
