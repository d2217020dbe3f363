"""The pure rules of care for members in hardship (关爱帮扶): the festivals before which secretaries get their
list of members to visit, who is on that list, visit dates as typed, and when a case has been quiet too long."""

from __future__ import annotations

import re
from datetime import date, timedelta

# The festivals are read by the settings too (CARE_FESTIVALS), so they live in the domain; named here as well.
from bot.domain.festivals import LUNAR_NEW_YEAR as LUNAR_NEW_YEAR
from bot.domain.festivals import SPRING_FESTIVAL as SPRING_FESTIVAL
from bot.domain.festivals import Festival as Festival
from bot.domain.festivals import coming as coming
from bot.domain.festivals import parse_festivals as parse_festivals
from bot.domain.organisation import party_years, party_years_unknown, whole_years

#: Years of Party membership (党龄) that put a member on the festival list whether or not they have a case.
OLD_MEMBER_YEARS = 50
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def is_old_member(confirmed: date | None, membership: str, on: date) -> bool:
    """50 years and more of Party membership on `on`, counted from 转正 (`party_years`)."""
    years = party_years(confirmed, membership, on)
    return years is not None and years >= OLD_MEMBER_YEARS


def may_be_old_member(joined: date | None, confirmed: date | None, membership: str, on: date) -> bool:
    """A full member without 转正时间 who joined more than 50 years ago (转正 comes a year or more after 入党):
    listed with the festival's old members, their 党龄 said to be unknown rather than guessed."""
    since = whole_years(joined, on)
    return party_years_unknown(confirmed, membership, on) and since is not None and since > OLD_MEMBER_YEARS


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
