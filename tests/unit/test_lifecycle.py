"""Round lifecycle: answers, edits, refusals after close, anonymity in storage, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.models import RoundStatus
from bot.rounds.answering import record_answers
from bot.rounds.starting import ProgrammeOutcome
from bot.storage import answers as answer_store
from tests.conftest import make_team
from tests.harness import Bot


async def _open(lc: Bot, console: ConsoleAdapter, anonymity: str = "anonymous"):
    members = make_team(lc, console, anonymity=anonymity)
    rnd = await lc.start_round("wijk", "start", None, lc.core.clock.now())
    return rnd, members


def _answer_all(lc: Bot, rnd_id: int, scale: str = "3") -> dict[str, str]:
    answers = {}
    for q in lc.store.answers.round_questions(rnd_id):
        if q.kind == "scale":
            answers[q.question_id] = scale
        elif q.kind == "choice":
            answers[q.question_id] = q.option_ids()[0]
        else:
            answers[q.question_id] = "Een open antwoord"
    return answers


async def test_open_posts_round_and_snapshots_questions(lc: Bot, console: ConsoleAdapter) -> None:
    rnd, _ = await _open(lc, console)
    questions = lc.store.answers.round_questions(rnd.id)
    assert 3 <= len(questions) <= 6
    assert any(q.kind == "text" for q in questions)
    ((where, text),) = console.transcript
    assert where == "#wijk" and "0 van 6 beantwoord" in text


async def test_edit_before_close_is_kept_and_answer_after_close_refused(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    rnd, members = await _open(lc, console, "named")
    first = record_answers(
        lc.core, rnd.id, members[0], _answer_all(lc, rnd.id, "2"), clock.now(), trusted=True
    )
    assert first.ok and not first.updated
    clock.advance(timedelta(hours=2))
    second = record_answers(
        lc.core, rnd.id, members[0], _answer_all(lc, rnd.id, "5"), clock.now(), trusted=True
    )
    assert second.ok and second.updated and "bijgewerkt" in second.message
    scale = [r for r in lc.store.answers.responses(rnd.id) if r["value"] in {"2", "5"}]
    assert {r["value"] for r in scale} == {"5"}  # the edit replaced, nothing doubled
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    before = lc.store.answers.responses(rnd.id)
    late = record_answers(
        lc.core, rnd.id, members[1], _answer_all(lc, rnd.id), clock.now(), trusted=True
    )
    assert not late.ok and "gesloten" in late.message
    assert lc.store.answers.responses(rnd.id) == before


async def test_invalid_values_get_clear_messages_and_store_nothing(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    rnd, members = await _open(lc, console)
    answers = _answer_all(lc, rnd.id)
    scale_id = next(
        q.question_id for q in lc.store.answers.round_questions(rnd.id) if q.kind == "scale"
    )
    text_id = next(
        q.question_id for q in lc.store.answers.round_questions(rnd.id) if q.kind == "text"
    )
    answers[scale_id] = "7"
    answers[text_id] = "x" * 2001
    outcome = record_answers(lc.core, rnd.id, members[0], answers, clock.now(), trusted=True)
    assert not outcome.ok
    assert "1 tot en met 5" in outcome.errors[scale_id]
    assert "2001" in outcome.errors[text_id] and "2000" in outcome.errors[text_id]
    assert lc.store.answers.responses(rnd.id) == []


async def test_anonymous_round_leaves_no_link_from_answer_to_person(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    rnd, members = await _open(lc, console, "anonymous")
    for m in members[:4]:
        assert record_answers(
            lc.core, rnd.id, m, _answer_all(lc, rnd.id), clock.now(), trusted=True
        ).ok
    rows = list(lc.store.db.query("SELECT * FROM response"))
    assert all(r["respondent"] is None for r in rows)
    assert all(r["answered_at"] is None and r["edited_at"] is None for r in rows)  # no moment
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    assert lc.store.rounds.round(rnd.id).status is RoundStatus.CLOSED  # type: ignore[union-attr]
    rows = list(lc.store.db.query("SELECT * FROM response"))
    assert rows and all(r["edit_key"] is None and r["respondent"] is None for r in rows)
    assert list(lc.store.db.query("SELECT * FROM response_status")) == []
    assert lc.store.rounds.secret(rnd.id) is None
    # The response rate survives sealing.
    assert lc.store.answers.answered_count(rnd.id) == 4


async def test_named_and_pseudonymous_store_what_was_agreed(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    rnd, members = await _open(lc, console, "pseudonymous")
    record_answers(lc.core, rnd.id, members[0], _answer_all(lc, rnd.id), clock.now(), trusted=True)
    respondents = {r["respondent"] for r in lc.store.db.query("SELECT respondent FROM response")}
    assert len(respondents) == 1 and respondents.pop().startswith("p-")


async def test_reminder_goes_only_to_those_who_did_not_answer(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    rnd, members = await _open(lc, console)
    for m in members[:4]:
        record_answers(lc.core, rnd.id, m, _answer_all(lc, rnd.id), clock.now(), trusted=True)
    assert rnd.remind_at is not None
    clock.set(rnd.remind_at)
    await lc.reconcile(clock.now())
    await lc.reconcile(clock.now())  # a second tick must not remind again
    reminded = [where for where, _ in console.transcript if where.startswith("@")]
    assert sorted(reminded) == ["@Persoon 5", "@Persoon 6"]


async def test_close_sends_digest_to_the_coach_and_the_channel_once_when_the_team_chose_it(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    rnd, members = await _open(lc, console)
    lc.store.directory.update_team("wijk", digest_audience="team")
    for m in members:
        record_answers(lc.core, rnd.id, m, _answer_all(lc, rnd.id), clock.now(), trusted=True)
    clock.set(rnd.closes_at)
    report = await lc.reconcile(clock.now())
    again = await lc.reconcile(clock.now())
    assert report.closed == [rnd.id] and again.closed == []
    wheres = [where for where, _ in console.transcript]
    assert wheres.count("#wijk ↳") == 1 and wheres.count("@coach") == 1
    assert wheres.count("@mgr") == 0, "the coaches read the digest; managers ask for it"
    digest = dict(console.transcript)["#wijk ↳"]
    assert "6 van 6 (100%)" in digest


@pytest.mark.parametrize(
    "late_minutes, expected", [(60, RoundStatus.OPEN), (7 * 60, RoundStatus.MISSED)]
)
async def test_grace_window_opens_late_or_marks_missed(
    lc: Bot,
    console: ConsoleAdapter,
    clock: ManualClock,
    late_minutes: int,
    expected: RoundStatus,
) -> None:
    from datetime import date

    make_team(lc, console)
    lc.plan("wijk", date(2027, 1, 11), [], date(2027, 5, 28), clock.now())
    start = lc.store.rounds.rounds_of("wijk")[0]
    clock.set(start.opens_at + timedelta(minutes=late_minutes))
    await lc.reconcile(clock.now())
    assert lc.store.rounds.round(start.id).status is expected  # type: ignore[union-attr]
    if expected is RoundStatus.MISSED:
        assert [w for w, _ in console.transcript] == ["@mgr"]  # the manager is told, no post


async def test_retention_deletes_rounds_and_answers_after_the_set_days(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    rnd, members = await _open(lc, console)
    record_answers(lc.core, rnd.id, members[0], _answer_all(lc, rnd.id), clock.now(), trusted=True)
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    clock.advance(timedelta(days=lc.core.settings.retention_days - 1))
    await lc.reconcile(clock.now())
    assert lc.store.answers.responses(rnd.id) != []  # not yet
    clock.advance(timedelta(days=2))
    await lc.reconcile(clock.now())
    assert lc.store.rounds.round(rnd.id) is None
    assert list(lc.store.db.query("SELECT * FROM response")) == []


async def test_adhoc_round_started_after_closing_time_counts_from_the_next_day(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    lc.store.directory.update_team("wijk", open_days=1)
    clock.set(clock.now().replace(hour=17, minute=30))  # Monday 18:30 in Amsterdam
    rnd = await lc.start_round("wijk", "start", None, clock.now())
    assert rnd.closes_at.isoformat() == "2027-01-12T16:00:00+00:00"  # Tuesday 17:00
    assert rnd.remind_at is not None and clock.now() < rnd.remind_at < rnd.closes_at
    assert rnd.remind_at - clock.now() > timedelta(hours=1)


async def test_one_tick_closes_more_rounds_than_one_batch(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.rounds.reconcile

    monkeypatch.setattr(bot.rounds.reconcile, "BATCH", 2)
    rounds = []
    for i in range(5):
        make_team(lc, console, team_id=f"t{i}", size=2)
        rounds.append(await lc.start_round(f"t{i}", "start", None, clock.now()))
    clock.set(rounds[0].closes_at)
    report = await lc.reconcile(clock.now())
    assert sorted(report.closed) == sorted(r.id for r in rounds)


async def test_programme_round_opens_every_team_without_an_open_round(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    for i in range(20):
        make_team(lc, console, team_id=f"t{i:02}", size=2)
    busy = await lc.start_round("t00", "start", None, clock.now())
    started = await lc.start_programme("prog", "freshup", None, clock.now())
    assert len(started) == 19 and busy.id not in {r.id for r in started}
    assert len({r.batch_id for r in started}) == 1
    posts = [where for where, _ in console.transcript if not where.startswith("@")]
    assert sorted(posts) == [f"#t{i:02}" for i in range(20)]  # each channel once, none lost


async def test_a_programme_round_is_one_batch_whose_set_the_programme_decides(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    for i in range(4):
        make_team(lc, console, team_id=f"t{i}", size=2)
    # One team had its start already: the programme still gets the start round, not a
    # fresh-up taken from whichever team the command was typed in.
    early = await lc.start_round("t0", "start", None, clock.now())
    await lc.close_round(early.id, early.closes_at)
    clock.set(early.closes_at)
    first = lc.rounds.start_programme("prog", None, None, clock.now())
    assert first.outcome is ProgrammeOutcome.DONE and first.set_id == "freshup"
    assert len(first.started) == 4 and len({r.batch_id for r in first.started}) == 1
    # Asked again while the posts are still queued: nothing changes.
    again = lc.rounds.start_programme("prog", None, None, clock.now())
    assert again.outcome is ProgrammeOutcome.RUNNING and again.started == []
    await lc.rounds.deliver(clock.now())
    # A team added since (or one that had another round open) gets the same set, once.
    make_team(lc, console, team_id="t9", size=2)
    filled = lc.rounds.start_programme("prog", "freshup", None, clock.now())
    assert filled.outcome is ProgrammeOutcome.FILLED
    assert [r.team_id for r in filled.started] == ["t9"]
    assert filled.started[0].batch_id == first.started[0].batch_id
    await lc.rounds.deliver(clock.now())
    assert lc.rounds.start_programme("prog", None, None, clock.now()).outcome is (
        ProgrammeOutcome.EVERYWHERE
    )
    other = lc.rounds.start_programme("prog", "wrapup", None, clock.now())
    assert other.outcome is ProgrammeOutcome.OTHER_SET and other.started == []
    posts = [w for w, _ in console.transcript if w.startswith("#t") and w[-1] not in "↳✎"]
    assert sorted(posts) == sorted(["#t0", *(f"#t{i}" for i in range(4)), "#t9"])


async def test_the_snapshot_kept_in_memory_holds_no_round_secret(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    # Answers validate against an in-memory snapshot; the secret behind anonymous edit keys,
    # which the close erases from the database, must not live on in that cache.
    rnd, members = await _open(lc, console)
    secret = lc.store.rounds.secret(rnd.id)
    assert secret
    stored = record_answers(
        lc.core, rnd.id, members[0], _answer_all(lc, rnd.id), clock.now(), trusted=True
    )
    assert stored.ok
    cached = [key for key in answer_store._OPEN_SNAPSHOTS if key[0] == rnd.id]
    assert cached, "the submission validated against the kept snapshot"
    assert all(secret not in repr(key) and secret.encode() not in key[1] for key in cached)
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    assert not lc.store.rounds.secret(rnd.id)
