"""Working days (工作日) by the official holiday calendar: the 国务院办公厅's yearly notice of 放假调休 (部分节假日
安排), listed per year because it is decided each year, not computed. A weekday inside a holiday is not a working
day; a weekend day named 上班 (调休) is. A year beyond the table counts Monday to Friday only (docs/PRODUCT.md says
so) until its notice is added here. Pure: the 党务公开 公示期 (bot.services.openness) counts with it."""

from __future__ import annotations

from datetime import date, timedelta


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


#: 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）: the days off (放假调休).
HOLIDAYS: dict[int, frozenset[date]] = {
    2026: frozenset(
        _span(date(2026, 1, 1), date(2026, 1, 3))  # 元旦
        | _span(date(2026, 2, 15), date(2026, 2, 23))  # 春节
        | _span(date(2026, 4, 4), date(2026, 4, 6))  # 清明节
        | _span(date(2026, 5, 1), date(2026, 5, 5))  # 劳动节
        | _span(date(2026, 6, 19), date(2026, 6, 21))  # 端午节
        | _span(date(2026, 9, 25), date(2026, 9, 27))  # 中秋节
        | _span(date(2026, 10, 1), date(2026, 10, 7))  # 国庆节
    ),
}
#: The weekend days worked in their place (调休上班), from the same notice.
WORKED_WEEKENDS: dict[int, frozenset[date]] = {
    2026: frozenset(
        {
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        }
    ),
}
#: The most working days a 公示期 may be set to (a quarter's worth); the least is 1.
MAX_DAYS = 60


def known_year(year: int) -> bool:
    """Whether the official calendar of `year` is in the table."""
    return year in HOLIDAYS


def is_working_day(day: date) -> bool:
    if day in WORKED_WEEKENDS.get(day.year, frozenset()):
        return True
    if day in HOLIDAYS.get(day.year, frozenset()):
        return False
    return day.weekday() < 5


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def period(posted: date, days: int) -> tuple[date, date]:
    """The 公示期 of an item posted on `posted` lasting `days` working days: it starts on the posting day when
    that is a working day (else on the next one) and ends on its `days`-th working day, both counted."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a 公示期 is 1 to {MAX_DAYS} working days, not {days}")
    start = end = next_working_day(posted)
    for _ in range(days - 1):
        end = next_working_day(end + timedelta(days=1))
    return start, end


def working_days(first: date, last: date) -> int:
    """How many working days from `first` to `last`, both counted (0 when `last` is before `first`)."""
    return sum(1 for n in range((last - first).days + 1) if is_working_day(first + timedelta(days=n)))
