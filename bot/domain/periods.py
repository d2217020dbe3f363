"""Report periods and their deadlines (docs/PRODUCT.md §6). Pure functions; times are aware datetimes.

A period is a calendar month (`2026-11`) or quarter (`2026-Q4`); its deadline is its last day at 23:59
local time. Only periods that end after the member left (`migrant_since`) are owed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONTHLY = "monthly"
QUARTERLY = "quarterly"
REMIND_AT = time(9, 0)  # reminders are due at this local time of their day
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
MAX_YEAR = 9998  # a period's end and the one after it stay within `date`


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # last day, inclusive
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), _month_end(year, month), f"{year:04d}-{month:02d}")


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(date(year, first, 1), _month_end(year, first + 2), f"{year:04d}-Q{quarter}")


def period_of(day: date, cadence: str) -> Period:
    if cadence == QUARTERLY:
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    return month_period(day.year, day.month)


def next_period(period: Period, cadence: str) -> Period:
    return period_of(period.end + timedelta(days=1), cadence)


def previous_period(period: Period, cadence: str) -> Period:
    return period_of(period.start - timedelta(days=1), cadence)


def parse_period(text: str) -> Period | None:
    """`2026-11` or `2026-Q4`; None when it is neither."""
    text = text.strip()
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        return month_period(year, month) if 1 <= month <= 12 and 2000 <= year <= MAX_YEAR else None
    if match := _QUARTER.match(text):
        year = int(match.group(1))
        return quarter_period(year, int(match.group(2))) if 2000 <= year <= MAX_YEAR else None
    return None


def deadline(period: Period, tz: ZoneInfo) -> datetime:
    """The period's last day at 23:59 local time."""
    return datetime.combine(period.end, time(23, 59), tzinfo=tz)


def at_local(day: date, tz: ZoneInfo, moment: time = REMIND_AT) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz)


def mobile_since(migrant_since: str | date | None, recorded_at: str | None, tz: ZoneInfo) -> date | None:
    """When the member left: `migrant_since`, else when the roster first said they are mobile."""
    if isinstance(migrant_since, date):
        return migrant_since
    if migrant_since:
        return date.fromisoformat(migrant_since)
    if recorded_at:
        return datetime.fromisoformat(recorded_at).astimezone(tz).date()
    return None


def is_owed(period: Period, since: date | None) -> bool:
    """Owed when it ends after the member left (or was first recorded as mobile)."""
    return since is not None and period.end > since


@dataclass(frozen=True)
class OpenPeriod:
    """The period a mobile member's next report is for: the last ended one while it is overdue and
    unsubmitted (a late report is still welcome), else the current one."""

    period: Period
    overdue: bool


def open_period(
    cadence: str, since: date | None, submitted: set[str], now: datetime, tz: ZoneInfo
) -> OpenPeriod | None:
    if since is None:
        return None
    today = now.astimezone(tz).date()
    current = period_of(today, cadence)
    previous = previous_period(current, cadence)
    if is_owed(previous, since) and previous.label not in submitted:
        return OpenPeriod(previous, overdue=True)
    if is_owed(current, since) and current.label not in submitted:
        return OpenPeriod(current, overdue=False)
    return None


@dataclass(frozen=True)
class Owed:
    """The reports a mobile member owes as of a day: how many periods owed (`is_owed`) have ended without a
    report, the earliest of them and the latest."""

    count: int
    first: Period
    last: Period


def _index(period: Period, cadence: str) -> int:
    if cadence == QUARTERLY:
        return period.start.year * 4 + (period.start.month - 1) // 3
    return period.start.year * 12 + period.start.month - 1


def owed(cadence: str, since: date | None, submitted: set[str], today: date) -> Owed | None:
    """Every period owed since `since` that ended before `today`'s without a report (a report of the other
    cadence, from before the member's cadence changed, does not count for one); None when there is none.
    Counted, not walked: a member away for twenty years costs what one away for a month does."""
    if since is None or since.year >= MAX_YEAR:
        return None
    last = previous_period(period_of(today, cadence), cadence)
    first = period_of(since, cadence)
    if not is_owed(first, since):
        first = next_period(first, cadence)
    if first > last:
        return None
    done = set()
    for label in submitted:
        period = parse_period(label)
        if period is not None and first <= period <= last and period_of(period.start, cadence) == period:
            done.add(period.label)
    count = _index(last, cadence) - _index(first, cadence) + 1 - len(done)
    if count <= 0:
        return None
    while first.label in done:
        first = next_period(first, cadence)
    return Owed(count, first, last)


@dataclass(frozen=True)
class Stage:
    """A reminder stage for a period: its name and the moment it falls due."""

    name: str
    due: datetime


#: The member's reminders after a missed deadline, in days after it: the day after (when the liaison and the
#: secretary are told too) and two weeks later. Then no more: the liaison follows it up in person, and the
#: 30-day no-contact warning still comes. (It was once a week for as long as the period stayed open.)
OVERDUE_DAYS = (1, 15)
#: How long the last overdue stage may still be sent (a bot that was down); later it is dropped.
LAST_WINDOW = timedelta(days=7)


def overdue_moments(period: Period, tz: ZoneInfo) -> list[datetime]:
    """The moments the overdue stages of a missed period fall due (`OVERDUE_DAYS` after its last day)."""
    return [at_local(period.end + timedelta(days=days), tz) for days in OVERDUE_DAYS]


def member_stage(open_: OpenPeriod, now: datetime, tz: ZoneInfo, days_before: int) -> Stage | None:
    """The one reminder stage whose window holds `now` (so a missed stage is not sent late next to a
    newer one): `before` from N days before the deadline, `deadline` on the deadline day, then `overdue-K`
    at each of `OVERDUE_DAYS` after the deadline (the last one for a week at the most)."""
    period = open_.period
    end = deadline(period, tz)
    deadline_day = at_local(period.end, tz)
    if open_.overdue:
        moments = overdue_moments(period, tz)
        ends = [*moments[1:], moments[-1] + LAST_WINDOW]
        for k, (start, stop) in enumerate(zip(moments, ends, strict=True)):
            if start <= now < stop:
                return Stage(f"overdue-{k}", start)
        return None
    if deadline_day <= now <= end:
        return Stage("deadline", deadline_day)
    if days_before > 0:
        before = at_local(period.end - timedelta(days=days_before), tz)
        if before <= now < deadline_day:
            return Stage("before", before)
    return None


#: After this long as a mobile member the secretary is reminded once to consider 组织关系转接.
TRANSFER_MONTHS = 6


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 Aug + 6 → 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, _month_end(year, month + 1).day))


def whole_months(start: date, today: date) -> int:
    """Whole months from `start` to `today`, a month complete on the same day of the month (`months_after`):
    19 from 10 April 2025 to 10 November 2026, 18 on the 9th; 0 when `today` is not after `start`."""
    months = (today.year - start.year) * 12 + today.month - start.month
    if months > 0 and months_after(start, months) > today:
        months -= 1
    return max(months, 0)


@dataclass(frozen=True)
class Away:
    """A mobile member's absence as of a day: since when, and how many whole months that is."""

    since: date
    months: int

    @classmethod
    def on(cls, since: date, today: date) -> Away:
        return cls(since, whole_months(since, today))


def transfer_moment(since: date | None, tz: ZoneInfo) -> datetime | None:
    """When the secretary is reminded to consider a mobile member's 组织关系转接: `TRANSFER_MONTHS` after
    they left, at 09:00 local time."""
    if since is None or since.year >= MAX_YEAR:
        return None
    return at_local(months_after(since, TRANSFER_MONTHS), tz)


def escalation_due(open_: OpenPeriod, now: datetime, tz: ZoneInfo) -> bool:
    """The liaison and the secretary are told from the day after a missed deadline."""
    return open_.overdue and now >= at_local(open_.period.end + timedelta(days=1), tz)


def report_status(period: Period, submitted: bool, now: datetime, tz: ZoneInfo) -> str:
    """`submitted`, `overdue` (deadline passed), or `missing` (not yet in, deadline ahead)."""
    if submitted:
        return "submitted"
    return "overdue" if now > deadline(period, tz) else "missing"
