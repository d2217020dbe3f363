"""The pure rules of care for members in hardship (关爱帮扶): the festivals before which secretaries get their
list of members to visit, who is on that list, visit dates as typed, and when a case has been quiet too long."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.organisation import party_years

#: 春节 (the first day of the lunar year) 2026–2035. The lunar calendar has no simple formula, so the dates
#: are listed; a year beyond the table has no 春节 list (docs/PRODUCT.md says so) until the table grows.
LUNAR_NEW_YEAR: dict[int, date] = {
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
SPRING_FESTIVAL = "春节"
#: Years of Party membership (党龄) that put a member on the festival list whether or not they have a case.
OLD_MEMBER_YEARS = 50
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


@dataclass(frozen=True)
class Festival:
    """A festival as set in CARE_FESTIVALS: 春节, or a fixed month and day (07-01 for 七一)."""

    label: str  # as written in the setting, normalised (春节, 07-01)
    month_day: tuple[int, int] | None = None  # None: 春节

    def on(self, year: int) -> date | None:
        """The festival's day in `year` (None: 春节 of a year beyond the table)."""
        if self.month_day is None:
            return LUNAR_NEW_YEAR.get(year)
        return date(year, *self.month_day)


def parse_festivals(text: str) -> list[Festival]:
    """`春节,07-01` → the festivals; raises ValueError naming a part that is neither 春节 nor MM-DD."""
    out: list[Festival] = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part == SPRING_FESTIVAL:
            out.append(Festival(SPRING_FESTIVAL))
            continue
        match = _MONTH_DAY.match(part)
        if match is None:
            raise ValueError(f"CARE_FESTIVALS: {part!r} is neither 春节 nor MM-DD (e.g. 07-01)")
        month, day = int(match.group(1)), int(match.group(2))
        try:
            date(2024, month, day)  # a leap year: 02-29 is a day, 02-30 is not
        except ValueError as exc:
            raise ValueError(f"CARE_FESTIVALS: {part!r} is not a day of the year") from exc
        out.append(Festival(f"{month:02d}-{day:02d}", (month, day)))
    return out


def coming(festivals: list[Festival], today: date, days_before: int) -> list[tuple[Festival, date]]:
    """The festivals falling within `days_before` days from `today` (today included), with their day."""
    out = []
    for festival in festivals:
        for year in (today.year, today.year + 1):
            day = festival.on(year)
            if day is not None and 0 <= (day - today).days <= days_before:
                out.append((festival, day))
                break
    return out


def is_old_member(joined: date | None, confirmed: date | None, membership: str, on: date) -> bool:
    """50 years and more of Party membership on `on`, when the roster knows the dates (`party_years`)."""
    years = party_years(joined, confirmed, membership, on)
    return years is not None and years >= OLD_MEMBER_YEARS


def parse_day(text: str, today: date) -> date | None:
    """A visit day as typed (YYYY-MM-DD, 2026-3-5 too), or None when it is not a day or is in the future."""
    text = text.strip()
    if not _DAY.match(text):
        return None
    year, month, day = (int(p) for p in text.split("-"))
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if value <= today else None


def quiet_cutoff(today: date, quiet_days: int) -> date:
    """A case whose last activity was on this day or before has been quiet `quiet_days` days."""
    return today - timedelta(days=quiet_days)
