"""Anonymity with no way back: after an anonymous round nothing links an answer to a person
or a moment, switching modes applies to new rounds, and switching back de-anonymises nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.messages import Actor
from bot.models import Round
from bot.rounds.answering import record_answers
from tests.conftest import make_team
from tests.harness import Bot
from tests.integration.test_commands_flow import MANAGER, say, text_of

# The columns of an answer row; everything finer than the round must be empty when anonymous.
ANSWER_COLUMNS = {
    "id",
    "round_id",
    "question_id",
    "respondent",
    "edit_key",
    "value",
    "answered_at",
    "edited_at",
}
PERSONAL_OR_MOMENT = ("respondent", "edit_key", "answered_at", "edited_at")


def db_count(lc: Bot, sql: str) -> int:
    return int(lc.store.db.execute(sql).fetchone()[0])


def _answer_all(lc: Bot, rnd: Round, who: Actor, text: str, now: datetime) -> None:
    given = {}
    for q in lc.store.answers.round_questions(rnd.id):
        options = q.option_ids()
        given[q.question_id] = text if q.kind == "text" else options[0] if options else "4"
    assert record_answers(lc.core, rnd.id, who, given, now, trusted=True).ok


async def test_after_an_anonymous_round_no_column_or_join_links_an_answer_to_a_person_or_moment(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members = make_team(lc, console, anonymity="anonymous")
    rnd = await lc.start_round("wijk", "start", None, clock.now())
    for i, m in enumerate(members[:4]):
        clock.advance(timedelta(hours=i + 1))  # hours apart: the moments would tell them apart
        _answer_all(lc, rnd, m, f"tekst {i}", clock.now())
    # While open, the answer status lives apart from the answers (for reminders only).
    assert lc.store.db["response_status"].count == 4
    assert all(r["answered_on"] is None for r in lc.store.db.query("SELECT * FROM response_status"))
    # An edit is still possible while open, and keeps no moment either.
    _answer_all(lc, rnd, members[0], "tekst 0, herzien", clock.now())
    assert rnd.remind_at is not None
    clock.set(rnd.remind_at)
    await lc.reconcile(clock.now())
    reminded = "SELECT COUNT(*) FROM delivery WHERE purpose = 'remind' AND member_id != 0"
    assert db_count(lc, reminded) == 2, "the two who had not answered were reminded"
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    db = lc.store.db

    # The schema: an answer row has these columns only, and points at nothing but its round.
    assert {c.name for c in db["response"].columns} == ANSWER_COLUMNS
    assert {fk.other_table for fk in db["response"].foreign_keys} == {"round"}
    assert not [
        (t, fk.column)
        for t in db.table_names()
        for fk in db[t].foreign_keys
        if fk.other_table == "response"
    ], "no table refers to an answer"
    # WITHOUT ROWID and random keys: the storage order says nothing about who came first.
    assert (
        db.execute("SELECT sql FROM sqlite_master WHERE name = 'response'")
        .fetchone()[0]
        .rstrip()
        .endswith("WITHOUT ROWID")
    )

    # The rows: nothing finer than the round.
    rows = list(db.query("SELECT * FROM response WHERE round_id = ?", [rnd.id]))
    assert rows and all(r[c] is None for r in rows for c in PERSONAL_OR_MOMENT)
    assert db["response_status"].count == 0, "the answer status went when the round closed"
    assert db_count(lc, reminded) == 0, "so did who was reminded, which said the same"
    assert lc.store.rounds.secret(rnd.id) is None, "the edit keys cannot be recomputed"
    ids = {r["id"] for r in rows}
    for table in db.table_names():
        if table == "response":
            continue
        for row in db.query(f"SELECT * FROM [{table}]"):
            assert not ids & {str(v) for v in row.values()}, f"{table} holds an answer's id"
    assert lc.store.answers.answered_count(rnd.id) == 4, "only the count survives"


async def test_switching_to_anonymous_applies_to_new_rounds_and_back_never_deanonymises(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members = make_team(lc, console, anonymity="named")
    named = await lc.start_round("wijk", "start", None, clock.now())
    reply = await say(lc, MANAGER, "instellingen anonimiteit anoniem")
    assert "geldt voor rondes die hierna openen" in text_of(reply)
    # The running round keeps the mode it was opened with.
    _answer_all(lc, named, members[0], "op naam", clock.now())
    rows = [r for r in lc.store.db.query("SELECT * FROM response") if r["value"] == "op naam"]
    assert rows and all(r["respondent"] == "p1" and r["answered_at"] for r in rows)
    clock.set(named.closes_at)
    await lc.reconcile(clock.now())

    anonymous = await lc.start_round("wijk", "freshup", None, clock.now())
    _answer_all(lc, anonymous, members[0], "zonder naam", clock.now())
    clock.set(anonymous.closes_at)
    await lc.reconcile(clock.now())
    back = await say(lc, MANAGER, "instellingen anonimiteit naam")
    assert "nooit alsnog aan namen gekoppeld" in text_of(back)
    later = await lc.start_round("wijk", "wrapup", None, clock.now())
    _answer_all(lc, later, members[0], "weer op naam", clock.now())
    every = list(lc.store.db.query("SELECT * FROM response"))
    unnamed = [r for r in every if r["value"] == "zonder naam"]
    assert unnamed and all(r["respondent"] is None and r["answered_at"] is None for r in unnamed)
    assert all(r["respondent"] == "p1" for r in every if r["value"] in ("op naam", "weer op naam"))
