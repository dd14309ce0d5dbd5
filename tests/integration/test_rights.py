"""The rights of the person in chat: ``mijn gegevens`` privately, ``vergeet mij`` after a yes."""

from __future__ import annotations

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.messages import Actor
from bot.models import Round
from bot.rounds.answering import record_answers
from tests.conftest import make_team
from tests.harness import Bot
from tests.integration.test_commands_flow import row_counts, say, text_of

OWN_ANSWER = "Ik mis overleg met de gemeente"


async def _answered(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock, anonymity: str
) -> tuple[list[Actor], Round]:
    members = make_team(lc, console, anonymity=anonymity)
    rnd = await lc.start_round("wijk", "start", None, clock.now())
    text_q = next(
        q.question_id for q in lc.store.answers.round_questions(rnd.id) if q.kind == "text"
    )
    for m in members[:3]:
        given = {text_q: OWN_ANSWER if m.user_id == "p1" else f"iets van {m.user_id}"}
        assert record_answers(lc.core, rnd.id, m, given, clock.now(), trusted=True).ok
    return members, rnd


async def test_my_data_shows_a_named_member_their_own_answers_privately(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members, _ = await _answered(lc, console, clock, "named")
    reply = await say(lc, members[0], "mijn gegevens", channel="dm-p1", kind="personal")
    text = text_of(reply)
    assert reply.ok and reply.public is None, "only the person sees it"
    assert "console-id p1" in text and "Persoon 1" in text
    assert OWN_ANSWER in text and "iets van p2" not in text, "never someone else's"
    reader = members[1].model_copy(update={"locale": "en"})  # the reader's language counts
    english = await say(lc, reader, "my data", channel="wijk")
    assert "This is what I keep about you" in text_of(english) and english.public is None


async def test_my_data_in_an_anonymous_team_finds_no_answer_because_none_is_linked(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members, _ = await _answered(lc, console, clock, "anonymous")
    text = text_of(await say(lc, members[0], "mijn gegevens"))
    assert OWN_ANSWER not in text
    assert "gekoppeld zijn (teams op naam of onder schuilnaam): 0" in text
    assert "zonder naam en zonder tijdstip" in text


async def test_forget_me_asks_first_and_changes_nothing_until_confirmed(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members, _ = await _answered(lc, console, clock, "named")
    before = row_counts(lc)
    ask = await say(lc, members[0], "vergeet mij")
    assert ask.confirm == "vergeet mij ja" and "niet terugdraaien" in text_of(ask)
    assert row_counts(lc) == before


async def test_forget_me_yes_erases_name_links_and_says_digests_are_not_recomputed(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members, _ = await _answered(lc, console, clock, "named")
    done = await say(lc, members[0], "vergeet mij ja", channel="dm-p1", kind="personal")
    text = text_of(done)
    assert done.ok and "1 antwoord," in text and "niet opnieuw uit" in text
    assert lc.store.people.member_by_user("console", "p1") is None
    values = {r["value"] for r in lc.store.db.query("SELECT value FROM response")}
    assert OWN_ANSWER not in values and "iets van p2" in values
    [entry] = [e for e in lc.store.audit.entries() if e["action"] == "forget"]
    assert entry["actor"] == "forgotten", "the log says it happened, not whom"
    again = await say(lc, members[0], "mijn gegevens")
    assert "Ik bewaar niets over jou" in text_of(again)


async def test_forget_me_during_an_open_anonymous_round_unlinks_the_answers_it_keeps(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members, rnd = await _answered(lc, console, clock, "anonymous")
    done = await say(lc, members[0].model_copy(update={"locale": "en"}), "forget me yes")
    assert done.ok and "not recomputed" in text_of(done)
    rows = list(lc.store.db.query("SELECT value, edit_key FROM response"))
    [mine] = [r for r in rows if r["value"] == OWN_ANSWER]
    assert mine["edit_key"] is None, "the answer still counts, but nobody can find it again"
    assert all(r["edit_key"] for r in rows if r["value"] != OWN_ANSWER)
    assert lc.store.answers.answered_count(rnd.id) == 2


async def test_a_garbled_rights_command_is_explained_and_changes_nothing(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members, _ = await _answered(lc, console, clock, "named")
    before = row_counts(lc)
    for text in ("mijn", "vergeet jou", "vergeet mij misschien", "forget me now"):
        reply = await say(lc, members[0], text)
        assert (
            not reply.ok and "mijn gegevens" in text_of(reply) and "vergeet mij" in text_of(reply)
        )
    assert row_counts(lc) == before


async def test_a_stranger_asking_for_their_data_learns_nothing_is_kept(lc: Bot) -> None:
    stranger = Actor(platform="console", user_id="nobody", display_name="Niemand")
    reply = await say(lc, stranger, "mijn gegevens", channel="dm", kind="personal")
    assert "Ik bewaar niets over jou" in text_of(reply)
    assert lc.store.people.member_by_user("console", "nobody") is None, "asking stores nothing"
    assert lc.store.audit.entries() == [], "not even in the audit log"
