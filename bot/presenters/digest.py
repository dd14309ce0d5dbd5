"""The reader's words and numbers in a digest: bars with labels, periods, rounds and modes."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.models import Anonymity, Phase, Round, RoundQuestion
from bot.questions import SCALE_VALUES, Kind
from prompts.catalog import t
from prompts.digest_views import BarView, SourceView
from prompts.questions import Source
from prompts.schedule_text import format_day


def number(value: float | None, locale: str) -> str:
    """Return a number as the reader writes it (``2,5`` in Dutch, ``2.5`` in English)."""
    return "" if value is None else t("digest.number", locale, value=round(float(value), 1))


def signed(value: float, locale: str) -> str:
    """Return a change with its sign (``+1``, ``−0,5``, ``0``)."""
    text = number(abs(value), locale)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def round_label(rnd: Round, locale: str) -> str:
    """Return a round's moment as a column heading (``Opfrismoment 2`` for the second)."""
    label = t(f"round.phase.{rnd.phase.value}", locale)
    if rnd.phase is Phase.FRESHUP and rnd.seq:
        return f"{label} {rnd.seq + 1}"
    return label


def period(rnd: Round, zone: tzinfo, locale: str) -> str:
    """Return the days a round was open (``ma 11 jan 2027 – vr 15 jan 2027``)."""
    opens = format_day(rnd.opens_at.astimezone(zone).date(), locale)
    closes = format_day(rnd.closes_at.astimezone(zone).date(), locale)
    return opens if opens == closes else t("digest.period", locale, opens=opens, closes=closes)


def local_iso(moment: datetime, zone: tzinfo) -> str:
    """Return a moment as ISO 8601 in the team's zone, offset included."""
    return moment.astimezone(zone).isoformat(timespec="minutes")


def anonymity_label(mode: Anonymity, locale: str) -> str:
    """Return what a team's anonymity mode means for the reader of a digest."""
    return t(f"digest.mode.{mode.value}", locale)


def source_view(source: Source) -> SourceView:
    """Return a citation of the source documents for the templates."""
    return SourceView(file=source.file, lines=source.lines, quote=source.quote)


def bars(q: RoundQuestion, counts: dict[str, int], locale: str) -> list[BarView]:
    """Return one bar per possible answer, in the order asked, scaled to the answers given.

    Scales get the library's anchor labels on 1 and 5; choices their options' texts.
    """
    n = sum(counts.get(v, 0) for v in q.answer_values())

    def bar(value: str, label: str, anchor: str | None) -> BarView:
        count = counts.get(value, 0)
        pct = round(100 * count / n) if n else 0
        return BarView(
            value=value,
            label=label,
            anchor=anchor,
            count=count,
            share=pct,
            signal=q.signals_pitfall(value),
        )

    if q.kind is Kind.SCALE:
        anchors = {
            SCALE_VALUES[0]: q.labels.low.get(locale) if q.labels else None,
            SCALE_VALUES[-1]: q.labels.high.get(locale) if q.labels else None,
        }
        return [bar(v, v, anchors.get(v)) for v in SCALE_VALUES]
    return [bar(o.id, o.text.get(locale), None) for o in q.options]
