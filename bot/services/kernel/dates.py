"""Dates and times as people read them (issue 30): 「12月10日（周四）上午9:00」, in English "Thu 10 Dec, 9:00 am".
Every message that shows a moment, a day or a time of day goes through here; what people type (`2026-03-12
15:00`, the examples of input) and the exports stay ISO. Give a local datetime (`.astimezone(tz)` first) or a
date; the words come from the catalogue (`dates.*`), so each language reads naturally.

The year is left out, as people say it: what is shown is near (a meeting within the year, a deadline of this
month or quarter, a check-in today). Months keep it (`month`, `month_span`: 「2026年10月—11月」, "October–November
2026"): the months a payment covers may be a year back or ahead. Dates kept in a record (入党时间, 出生年月, a
card's validity) read as a file writes them, with the year and no weekday (`recorded`: 「2019年7月1日」, 「1958年3月」).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.i18n import t

#: Parts of the day (zh): 凌晨 0–5, 上午 6–11, 中午 12, 下午 13–17, 晚上 18–23; in English am / pm.
_PARTS = ((6, "dawn"), (12, "morning"), (13, "noon"), (18, "afternoon"), (24, "evening"))


def _part(hour: int) -> str:
    return next(name for end, name in _PARTS if hour < end)


def clock(lang: str, local: datetime) -> str:
    """The time of day: `上午9:00`, `下午3:30`, `晚上11:59`, `凌晨0:30`; `9:00 am`, `3:30 pm`."""
    part = _part(local.hour)
    hour = local.hour if part == "dawn" and lang == "zh" else (local.hour % 12 or 12)
    return t(lang, "dates.clock", part=t(lang, f"dates.part.{part}"), hour=hour, minute=f"{local.minute:02d}")


def day(lang: str, on: date) -> str:
    """The day with its weekday: `12月10日（周四）`; `Thu 10 Dec`."""
    weekday = t(lang, "dates.weekdays").split(",")[on.weekday()]
    month = t(lang, "dates.months").split(",")[on.month - 1]
    return t(lang, "dates.day", month=month, day=on.day, weekday=weekday)


def day_near(lang: str, on: date, today: date) -> str:
    """`day`, with the year when it is not this year's: `12月10日（周四）`, `2025年3月12日（周三）`;
    `Wed 12 Mar 2025`."""
    return day(lang, on) if on.year == today.year else day_year(lang, on)


def day_year(lang: str, on: date) -> str:
    """`day` with its year, for a day whose year matters (a term's end, since when someone is away):
    `2026年12月10日（周四）`; `Thu 10 Dec 2026`."""
    weekday = t(lang, "dates.weekdays").split(",")[on.weekday()]
    month = t(lang, "dates.months").split(",")[on.month - 1]
    return t(lang, "dates.day_year", year=on.year, month=month, day=on.day, weekday=weekday)


def dated(lang: str, on: date) -> str:
    """A day of a record, as a file writes it, with its year and without a weekday: `2019年7月1日`; `1 Jul 2019`."""
    month = t(lang, "dates.months").split(",")[on.month - 1]
    return t(lang, "dates.dated", year=on.year, month=month, day=on.day)


def dated_span(lang: str, first: date, last: date) -> tuple[str, str]:
    """The two ends of a span as a record writes them, the second without the year when it is the first's:
    (`2026年10月12日`, `10月16日`), (`2026年10月20日`, `2027年10月20日`); for a narrow column of the 台账."""
    if first.year != last.year:
        return dated(lang, first), dated(lang, last)
    month = t(lang, "dates.months").split(",")[last.month - 1]
    return dated(lang, first), t(lang, "dates.dated_in_year", month=month, day=last.day)


def recorded(lang: str, text: str | date | None, blank: str = "—") -> str:
    """A date kept as text in a record (`2019-07-01`, `2019-07`, `2019-07-01T10:00:00+08:00`) in words: `2019年7月1日`,
    `2019年7月`; anything else as it was typed (an old roster's `2019年`), and `blank` for nothing."""
    if isinstance(text, date):
        return dated(lang, text)
    value = (text or "").strip()
    if not value:
        return blank
    try:
        return dated(lang, date.fromisoformat(value[:10]))
    except ValueError:
        pass
    try:
        return month(lang, date.fromisoformat(value[:7] + "-01")) if len(value) == 7 else value
    except ValueError:
        return value


def moment(lang: str, local: datetime) -> str:
    """A day and a time: `12月10日（周四）上午9:00`; `Thu 10 Dec, 9:00 am`."""
    return t(lang, "dates.moment", day=day(lang, local.date()), clock=clock(lang, local))


def moment_in(lang: str, when: datetime, tz: ZoneInfo) -> str:
    """`moment` of an aware datetime, in the bot's time zone."""
    return moment(lang, when.astimezone(tz))


def clock_in(lang: str, when: datetime, tz: ZoneInfo) -> str:
    """`clock` of an aware datetime, in the bot's time zone."""
    return clock(lang, when.astimezone(tz))


class YearMonth(Protocol):
    """A calendar month: `bot.domain.dues.Month`, a `date` (its day left out)."""

    @property
    def year(self) -> int: ...

    @property
    def month(self) -> int: ...


def _month_name(lang: str, month: int) -> str:
    return t(lang, "dates.month_names").split(",")[month - 1]


def month(lang: str, when: YearMonth) -> str:
    """A month with its year: `2026年10月`; `October 2026`."""
    return t(lang, "dates.month", year=when.year, month=_month_name(lang, when.month))


def month_span(lang: str, first: YearMonth, last: YearMonth) -> str:
    """The months from `first` to `last` as people say them: one month `2026年10月`; within a year `2026年10月—11月`;
    across years `2026年12月—2027年2月`. In English `October 2026`, `October–November 2026`,
    `December 2026–February 2027`."""
    if (first.year, first.month) == (last.year, last.month):
        return month(lang, first)
    if first.year == last.year:
        return t(
            lang,
            "dates.month_span",
            year=first.year,
            first=_month_name(lang, first.month),
            last=_month_name(lang, last.month),
        )
    return t(lang, "dates.month_span_years", first=month(lang, first), last=month(lang, last))
