"""An item as it is posted and printed: its kind, title, body, the 公示期 with weekdays, how to object, the unit
and the day — worded in the community's language (the group's), user text escaped."""

from __future__ import annotations

from datetime import date

from bot.domain.workdays import known_year
from bot.i18n import Html, escape, t
from bot.services.kernel.dates import day


def period_text(lang: str, starts: date, ends: date, days: int) -> str:
    return t(lang, "openness.period", start=day(lang, starts), end=day(lang, ends), days=days)


def post_text(lang: str, item: tuple[str, str, str], unit: str, span: tuple[date, date, int]) -> str:
    """The message to the group: (kind, title, body) of `unit` over the span (start, end, working days)."""
    kind, title, body = item
    starts, ends, days = span
    return t(
        lang,
        "openness.post",
        kind=t(lang, f"openness.kind.{kind}"),
        title=title,
        body=Html(escape(body)),
        period=Html(period_text(lang, starts, ends, days)),
        unit=unit,
    )


def calendar_note(lang: str, ends: date) -> str:
    """A warning when the period runs into a year whose official holiday calendar the bot does not have yet."""
    return "" if known_year(ends.year) else t(lang, "openness.unknown_year", year=ends.year)
