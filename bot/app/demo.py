"""The demo: a whole project lifecycle on an accelerated clock, through production code."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.core import Core
from bot.digests.export import write_export
from bot.digests.report import team_report
from bot.interactions import Interactions
from bot.messages import (
    Actor,
    AnswersSubmitted,
    CommandInvoked,
    ConversationRef,
    FormRequested,
)
from bot.models import Anonymity, AuditAction, Phase, RoleName, RoundStatus
from bot.questions import Kind
from bot.rounds.service import RoundService
from bot.settings import Settings
from bot.storage.store import open_store
from prompts.library import load_library
from prompts.render import render
from prompts.schedule_text import format_moment

DEMO_FILE = Path(__file__).resolve().parents[2] / "prompts" / "demo.yaml"


@dataclass
class DemoResult:
    """What the demo produced."""

    db_path: Path
    digest_path: Path
    reports: list[Path]
    rounds: int
    answers: int
    messages: int


def _answer_value(
    kind: Kind, options: list[str], phase: Phase, rng: random.Random, texts: list[str]
) -> str:
    if kind is Kind.SCALE:
        # Teams usually grow closer over a project; the digest comparison should show that.
        centre = {Phase.START: 2.6, Phase.FRESHUP: 3.3, Phase.WRAPUP: 3.9}.get(phase, 3.0)
        return str(min(5, max(1, round(rng.gauss(centre, 0.9)))))
    if kind is Kind.CHOICE:
        return rng.choice(options)
    return rng.choice(texts)


async def run_demo(
    out: Path,
    seed: int = 1,
    write: Callable[[str, str], None] | None = None,
    locale: str = "nl",
) -> DemoResult:
    """Run two teams through start, fresh-up and wrap-up, and write the results to ``out``.

    Args:
        out: Folder for ``reflectiebot.db``, ``digest.md``, ``compare.md``, one coach's report
            ``<team>.html`` per team and ``responses.csv``.
        seed: Seed of the simulated answers and pseudonyms; the same seed, the same outcome.
        write: Receives every chat message as ``(where, text)``.
        locale: The language of the teams, so of every message and report.
    """
    data: dict[str, Any] = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "reflectiebot.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    # A stream of its own for pseudonyms and response keys, so they do not shift the answers.
    store = open_store(db_path, seeded=random.Random(f"ids-{seed}"))
    plan = data["plan"]
    clock = ManualClock(
        datetime.combine(
            date.fromisoformat(plan["start"]) - timedelta(days=3), datetime.min.time(), tzinfo=UTC
        )
    )
    settings = Settings(db=db_path, env="dev", locale="en" if locale == "en" else "nl")
    zone = ZoneInfo(settings.timezone)

    def stamped(where: str, text: str) -> None:
        if write:
            write(f"{format_moment(clock.now(), zone, settings.locale)} {where}", text)

    console = ConsoleAdapter(stamped)
    core = Core(store, load_library(), settings, clock, ports={"console": console})
    rounds = RoundService(core)
    door = Interactions(core, rounds)
    prog = data["programme"]
    store.directory.ensure_programme(prog["id"], prog["name"])
    people: dict[str, list[Actor]] = {}
    staff = [
        Actor(platform="console", user_id=p["user_id"], display_name=p["name"])
        for p in (data["manager"], data["coach"])
    ]
    for spec in data["teams"]:
        ref = ConversationRef(platform="console", external_id=spec["id"], name=spec["id"])
        conv = store.directory.upsert_conversation(ref)
        store.directory.create_team(
            spec["id"],
            spec["name"],
            prog["id"],
            conv,
            "console",
            clock.now(),
            anonymity=Anonymity(spec["anonymity"]).value,
            locale=locale,
        )
        people[spec["id"]] = [
            Actor(platform="console", user_id=name.lower(), display_name=name)
            for name in spec["members"]
        ]
        console.rosters[spec["id"]] = people[spec["id"]]
    for actor, role in zip(staff, (RoleName.MANAGER, RoleName.COACH), strict=True):
        store.people.grant(store.people.upsert_member(actor).id, "programme", prog["id"], role)
    # The manager plans each team as a person would, so the audit log has the demo's events.
    freshups = "".join(f" opfris {d}" for d in plan["freshups"])
    timeline = f"plan {plan['start']}{freshups} afronding {plan['end']}"
    for spec in data["teams"]:
        planned = await door.handle(_command(staff[0], spec["id"], timeline))
        assert planned.ok, planned
    texts = data["texts"].get(locale) or data["texts"]["nl"]
    sim: list[tuple[datetime, int, str, int]] = []  # (when, tiebreak, user, round)
    answers = 0
    counter = 0
    while True:
        upcoming = [when for _, _, when in await rounds.upcoming(clock.now())]
        next_times = ([min(upcoming)] if upcoming else []) + ([sim[0][0]] if sim else [])
        if not next_times:
            break
        clock.set(max(min(next_times), clock.now()))
        report = await rounds.reconcile(clock.now())
        for round_id in report.opened + report.reminded:
            rnd = store.rounds.round(round_id)
            assert rnd is not None
            pending = {m.external_user_id for m in store.answers.pending_members(round_id)}
            chance = 0.7 if round_id in report.opened else 0.5
            for actor in people[rnd.team_id]:
                if actor.user_id in pending and rng.random() < chance:
                    delay = timedelta(hours=rng.uniform(0.5, 30))
                    if clock.now() + delay < rnd.closes_at:
                        counter += 1
                        heapq.heappush(sim, (clock.now() + delay, counter, actor.user_id, round_id))
        while sim and sim[0][0] <= clock.now():
            _, _, user, round_id = heapq.heappop(sim)
            rnd = store.rounds.round(round_id)
            if rnd is None or rnd.status is not RoundStatus.OPEN:
                continue
            actor = next(a for a in people[rnd.team_id] if a.user_id == user)
            form = await door.handle(FormRequested(actor=actor, round_id=round_id))
            given = {
                q.question_id: _answer_value(q.kind, q.option_ids(), rnd.phase, rng, texts)
                for q in store.answers.round_questions(round_id)
            }
            reply = await door.handle(
                AnswersSubmitted(
                    actor=actor, round_id=round_id, answers=given, form_token=form.form_token
                )
            )
            await door.drain()  # the channel counter is updated after the reply
            answers += len(given) if reply.ok else 0
    for spec in data["teams"]:
        await door.handle(_command(staff[1], spec["id"], "digest"))  # the coach reads back
    digest_path, reports = write_reports(core, out, locale)
    store.audit.record(clock.now(), "demo", AuditAction.EXPORT, detail="csv")
    with (out / "responses.csv").open("w", encoding="utf-8") as csv_file:
        write_export(store.answers.export_rows(), "csv", csv_file, settings.suppression_threshold)
    closed = sum(
        1
        for t in store.directory.teams()
        for r in store.rounds.rounds_of(t.id)
        if r.status is RoundStatus.CLOSED
    )
    store.close()
    return DemoResult(db_path, digest_path, reports, closed, answers, len(console.transcript))


def _command(actor: Actor, channel: str, text: str) -> CommandInvoked:
    ref = ConversationRef(platform="console", external_id=channel, name=channel)
    return CommandInvoked(actor=actor, conversation=ref, text=text)


def write_reports(core: Core, out: Path, locale: str | None = None) -> tuple[Path, list[Path]]:
    """Write every team's digests as Markdown, the phase comparisons and one HTML report per team.

    Args:
        core: The wired context on the demo's database.
        out: The folder to write ``digest.md``, ``compare.md`` and ``<team>.html`` to.
        locale: The reports' language; None takes each team's own.

    Returns:
        The path of ``digest.md`` and of each team's HTML report.
    """
    digests, comparisons, reports = [], [], []
    for team in core.store.directory.teams():
        lang = locale or team.locale
        report = team_report(core, team, lang)
        digests += [render("markdown", "digest", lang, digest=d).text for d in report.rounds]
        comparisons.append(render("markdown", "compare", lang, compare=report.compare).text)
        html = out / f"{team.id}.html"
        html.write_text(render("html", "report", lang, report=report).text + "\n", encoding="utf-8")
        reports.append(html)
    digest_path = out / "digest.md"
    digest_path.write_text("\n\n".join(digests + comparisons) + "\n", encoding="utf-8")
    (out / "compare.md").write_text("\n\n".join(comparisons) + "\n", encoding="utf-8")
    return digest_path, reports
