"""A coach's report on one team: every closed round, the phases side by side, and the kit."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core import Core
from bot.digests.aggregate import threshold_of
from bot.digests.compare import compare_from
from bot.digests.kit import kit_for
from bot.digests.round_digest import closed_rounds, digest_view, round_data, start_before
from bot.digests.summary import report_summary
from bot.models import Team
from bot.presenters.digest import anonymity_label, local_iso
from prompts.catalog import t
from prompts.digest_views import ReportView
from prompts.schedule_text import format_day, format_moment


def find_team(core: Core, key: str) -> Team | None:
    """Return the team whose id is ``key`` (as ``export`` shows it), else whose name it is.

    A name is matched without regard to case or surrounding spaces; when two teams share a
    name, neither is returned (the id tells them apart).
    """
    found = core.store.directory.team(key)
    if found is not None:
        return found
    wanted = key.strip().casefold()
    named = [team for team in core.store.directory.teams() if team.name.casefold() == wanted]
    return named[0] if len(named) == 1 else None


def generated(core: Core, team: Team, locale: str) -> tuple[str, str]:
    """Return when a report is made, for the reader and as ISO 8601 in the team's zone."""
    now, zone = core.clock.now(), ZoneInfo(team.timezone)
    return format_moment(now, zone, locale), local_iso(now, zone)


def team_report(core: Core, team: Team, locale: str) -> ReportView:
    """Return everything a coach gets about a team, in ``locale``.

    Every closed round is read once; its digest, the comparison and the kit are built from
    the same numbers.
    """
    datas = [round_data(core, r, team, locale) for r in closed_rounds(core, team)]
    digests = [digest_view(core, d, team, locale, start_before(datas, d.rnd)) for d in datas]
    compare = compare_from(core, team, datas, locale)
    when, when_iso = generated(core, team, locale)
    latest_first = [d.cells for d in reversed(digests)]
    zone = ZoneInfo(team.timezone)
    span = t("digest.no_rounds", locale)
    if datas:
        opens = format_day(datas[0].rnd.opens_at.astimezone(zone).date(), locale)
        closes = format_day(datas[-1].rnd.closes_at.astimezone(zone).date(), locale)
        span = t("digest.period", locale, opens=opens, closes=closes)
    return ReportView(
        team_id=team.id,
        team_name=team.name,
        programme_name=core.store.directory.programme_name(team.programme_id) or "",
        anonymity=team.anonymity.value,
        anonymity_label=anonymity_label(team.anonymity, locale),
        threshold=threshold_of(core, team),
        generated=when,
        generated_at=when_iso,
        period=span,
        rounds=digests,
        compare=compare,
        summary=report_summary(digests, compare, locale),
        kit=kit_for(core.library, latest_first, locale),
    )
