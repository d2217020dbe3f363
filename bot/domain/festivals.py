"""The festivals before which secretaries get their list of members to visit (关爱帮扶): the format of the
CARE_FESTIVALS setting (春节, or a month and day such as 07-01) and which festivals are coming. Pure: the settings
validate the setting with `parse_festivals`, the care rules (bot.services.care.rules) use the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


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
