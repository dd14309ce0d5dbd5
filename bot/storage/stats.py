"""SQL for operational figures: what the database holds, for /metrics (never any content)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.storage.db import rows


@dataclass
class Figures:
    """Counts read in one go, for a metrics scrape."""

    rounds: dict[str, int] = field(default_factory=dict)
    answers: int = 0
    deliveries: dict[tuple[str, str], int] = field(default_factory=dict)
    retries: dict[str, int] = field(default_factory=dict)
    outbox_depth: int = 0


class StatsStore:
    """Counts for monitoring; each a single aggregate query over an index.

    Args:
        db: The open database.
    """

    def __init__(self, db: Database):
        self.db = db

    def figures(self) -> Figures:
        """Return rounds per status, answers, deliveries per platform and status, retries."""
        out = Figures()
        for r in rows(self.db, "SELECT status, COUNT(*) AS n FROM round GROUP BY status"):
            out.rounds[str(r["status"])] = int(r["n"])
        out.answers = int(rows(self.db, "SELECT COUNT(*) AS n FROM response")[0]["n"])
        for r in rows(
            self.db,
            "SELECT t.platform, d.status, COUNT(*) AS n, SUM(MAX(d.attempts - 1, 0)) AS retries "
            "FROM delivery d JOIN round r ON r.id = d.round_id JOIN team t ON t.id = r.team_id "
            "GROUP BY t.platform, d.status",
        ):
            platform, status = str(r["platform"]), str(r["status"])
            out.deliveries[(platform, status)] = int(r["n"])
            out.retries[platform] = out.retries.get(platform, 0) + int(r["retries"] or 0)
            if status in ("pending", "sending"):
                out.outbox_depth += int(r["n"])
        return out

    def reachable(self) -> bool:
        """A read that writes nothing: the database answers."""
        return rows(self.db, "SELECT 1 AS ok")[0]["ok"] == 1
