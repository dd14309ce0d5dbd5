"""The demo: a whole project lifecycle on an accelerated clock, through production code."""

from __future__ import annotations

import heapq
import json
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
from bot.db import open_db
from bot.digest import compare_view, round_digest
from bot.export import write_export
from bot.interactions import Interactions
from bot.lifecycle import Lifecycle
from bot.messages import Actor, AnswersSubmitted, ConversationRef, FormRequested
from bot.models import Anonymity, RoleName, RoundStatus
from bot.settings import Settings
from prompts.render import render
from scheduler.summary import format_moment

DEMO_FILE = Path(__file__).resolve().parent.parent / "prompts" / "demo.yaml"


@dataclass
class DemoResult:
    """What the demo produced."""

    db_path: Path
    digest_path: Path
    rounds: int
    answers: int
    messages: int


def _answer_value(
    kind: str, options: list[str], phase: str, rng: random.Random, texts: list[str]
) -> str:
    if kind == "scale":
        # Teams usually grow closer over a project; the digest comparison should show that.
        centre = {"start": 2.6, "freshup": 3.3, "wrapup": 3.9}.get(phase, 3.0)
        return str(min(5, max(1, round(rng.gauss(centre, 0.9)))))
    if kind == "choice":
        return rng.choice(options)
    return rng.choice(texts)


async def run_demo(
    out: Path, seed: int = 1, write: Callable[[str, str], None] | None = None
) -> DemoResult:
    """Run two teams through start, fresh-up and wrap-up, and write the results to ``out``.

    Args:
        out: Folder for ``reflectiebot.db``, ``digest.md`` and ``responses.csv``.
        seed: Seed of the simulated answers; the same seed gives the same outcome.
        write: Receives every chat message as ``(where, text)``.
    """
    data: dict[str, Any] = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "reflectiebot.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = open_db(db_path)
    plan = data["plan"]
    clock = ManualClock(
        datetime.combine(
            date.fromisoformat(plan["start"]) - timedelta(days=3), datetime.min.time(), tzinfo=UTC
        )
    )
    settings = Settings(db=db_path, env="dev")
    zone = ZoneInfo(settings.timezone)

    def stamped(where: str, text: str) -> None:
        if write:
            write(f"{format_moment(clock.now(), zone, settings.locale)} {where}", text)

    console = ConsoleAdapter(stamped)
    lc = Lifecycle(db, settings, clock, ports={"console": console})
    core = Interactions(lc)
    prog = data["programme"]
    lc.directory.ensure_programme(prog["id"], prog["name"])
    people: dict[str, list[Actor]] = {}
    staff = [
        Actor(platform="console", user_id=p["user_id"], display_name=p["name"])
        for p in (data["manager"], data["coach"])
    ]
    for spec in data["teams"]:
        ref = ConversationRef(platform="console", external_id=spec["id"], name=spec["id"])
        conv = lc.directory.upsert_conversation(ref)
        lc.directory.create_team(
            spec["id"],
            spec["name"],
            prog["id"],
            conv,
            "console",
            clock.now(),
            anonymity=Anonymity(spec["anonymity"]).value,
        )
        people[spec["id"]] = [
            Actor(platform="console", user_id=name.lower(), display_name=name)
            for name in spec["members"]
        ]
        console.rosters[spec["id"]] = people[spec["id"]]
    for actor, role in zip(staff, (RoleName.MANAGER, RoleName.COACH), strict=True):
        lc.directory.grant(lc.directory.upsert_member(actor).id, "programme", prog["id"], role)
    for spec in data["teams"]:
        lc.plan(
            spec["id"],
            date.fromisoformat(plan["start"]),
            [date.fromisoformat(d) for d in plan["freshups"]],
            date.fromisoformat(plan["end"]),
            clock.now(),
        )
    texts = data["texts"]["nl"]
    sim: list[tuple[datetime, int, str, int]] = []  # (when, tiebreak, user, round)
    answers = 0
    counter = 0
    while True:
        upcoming = [when for _, _, when in lc.upcoming(clock.now())]
        next_times = ([min(upcoming)] if upcoming else []) + ([sim[0][0]] if sim else [])
        if not next_times:
            break
        clock.set(max(min(next_times), clock.now()))
        report = await lc.reconcile(clock.now())
        for round_id in report.opened + report.reminded:
            rnd = lc.store.round(round_id)
            assert rnd is not None
            pending = {m.external_user_id for m in lc.store.pending_members(round_id)}
            chance = 0.7 if round_id in report.opened else 0.5
            for actor in people[rnd.team_id]:
                if actor.user_id in pending and rng.random() < chance:
                    delay = timedelta(hours=rng.uniform(0.5, 30))
                    if clock.now() + delay < rnd.closes_at:
                        counter += 1
                        heapq.heappush(sim, (clock.now() + delay, counter, actor.user_id, round_id))
        while sim and sim[0][0] <= clock.now():
            _, _, user, round_id = heapq.heappop(sim)
            rnd = lc.store.round(round_id)
            if rnd is None or rnd.status is not RoundStatus.OPEN:
                continue
            actor = next(a for a in people[rnd.team_id] if a.user_id == user)
            await core.handle(FormRequested(actor=actor, round_id=round_id))
            given = {
                q.question_id: _answer_value(
                    q.kind,
                    [o["id"] for o in json.loads(q.options_json)],
                    rnd.phase.value,
                    rng,
                    texts,
                )
                for q in lc.store.round_questions(round_id)
            }
            reply = await core.handle(
                AnswersSubmitted(actor=actor, round_id=round_id, answers=given)
            )
            await core.drain()  # the channel counter is updated after the reply
            answers += len(given) if reply.ok else 0
    digest_path = _write_digest(lc, out / "digest.md")
    write_export(lc.store.export_rows(), "csv", (out / "responses.csv").open("w", encoding="utf-8"))
    rounds = sum(
        1
        for t in lc.directory.teams()
        for r in lc.store.rounds_of(t.id)
        if r.status is RoundStatus.CLOSED
    )
    db.close()
    return DemoResult(db_path, digest_path, rounds, answers, len(console.transcript))


def _write_digest(lc: Lifecycle, path: Path) -> Path:
    """Write every closed round's digest and each team's phase comparison as Markdown and HTML."""
    parts, teams = [], []
    for team in lc.directory.teams():
        locale = team.locale
        digests = [
            round_digest(lc, rnd.id, locale)
            for rnd in lc.store.rounds_of(team.id)
            if rnd.status is RoundStatus.CLOSED
        ]
        compare = compare_view(lc, team, locale)
        parts += [render("markdown", "digest", locale, digest=d).text for d in digests]
        parts.append(render("markdown", "compare", locale, compare=compare).text)
        teams.append({"digests": digests, "compare": compare})
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    html = render("html", "report", lc.settings.locale, teams=teams).text
    path.with_suffix(".html").write_text(html + "\n", encoding="utf-8")
    return path
