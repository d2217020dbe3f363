"""When a mobile member's reminder chain may next have something new to send: pure functions, times are
aware datetimes. (A meeting's moments are its stages' starts: `bot.services.notices.due`; a mediation's,
its follow-up day.)

The rules of what is due (`periods.open_period`, `member_stage`, `escalation_due`, the 30-day no-contact
warning) gain no new key between now and the moment below unless the data changes — and a change marks the
chain "look now" (the triggers of migration 0007). So looking at a chain at that moment, and whenever its
data changes, sends exactly what looking at it at every sweep would. A moment too early costs a look that
finds nothing; a moment too late would lose a reminder, so when in doubt the earlier is taken.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import periods

WEEK = timedelta(days=7)


def steps_after(origin: datetime, step: timedelta, now: datetime) -> datetime:
    """The first `origin + k·step` (k ≥ 0) after `now`. Counted both on the wall clock of `origin`'s zone and
    in absolute time (the rules subtract datetimes of the same zone on the wall clock, of different zones
    absolutely), and the earlier taken: across a change to or from summer time a look may come an hour
    early, never late."""
    if origin > now:
        return origin
    steps = (now.astimezone(UTC) - origin.astimezone(UTC)) // step + 1
    absolute = (origin.astimezone(UTC) + steps * step).astimezone(origin.tzinfo)
    wall = origin + max(steps - 1, 0) * step
    while wall <= now:
        wall += step
    return min(absolute, wall)


@dataclass(frozen=True)
class Reporter:
    """What a mobile member's report chain depends on: their cadence, the day they became mobile, the periods
    they reported for, and their last contact (None: never)."""

    cadence: str
    since: date | None
    submitted: Set[str]
    last: datetime | None


@dataclass(frozen=True)
class LookRules:
    """The settings the chain is worked out with: the zone, how many days before a deadline the `before`
    reminder goes (`REPORT_REMINDER_DAYS_BEFORE`), and how long without contact is warned of."""

    tz: ZoneInfo
    days_before: int
    no_contact: timedelta


def next_report_look(reporter: Reporter, rules: LookRules, now: datetime) -> datetime:
    """The next moment a mobile member's chain may have a new key, the data staying as it is: within the
    open period's time (up to the end of the current period) the first of — for an overdue period, its
    stages after its deadline (`periods.OVERDUE_DAYS`; the escalation falls due with the first); for the
    current period, its `before` stage (not before it opens) and its deadline day — and if none, the same in
    the period after, with the open period it will then have; the next 30 days without contact since
    `last`; and six months after `since` (`periods.transfer_moment`)."""
    cadence, since, submitted, last = reporter.cadence, reporter.since, reporter.submitted, reporter.last
    tz, no_contact = rules.tz, rules.no_contact
    moments: list[datetime] = []
    transfer = periods.transfer_moment(since, tz)  # the once-only 组织关系转接 reminder to the secretaries
    if transfer is not None and transfer > now:
        moments.append(transfer)
    if last is not None:
        moments.append(steps_after(last + no_contact, no_contact, now))
    start = now
    for _ in range(_AHEAD):
        open_ = periods.open_period(cadence, since, set(submitted), start, tz)
        ends = datetime.combine(
            periods.period_of(start.astimezone(tz).date(), cadence).end + timedelta(days=1), time(0), tzinfo=tz
        )
        found = _first_new(open_, start, now, rules)
        if found is not None and found < ends:
            moments.append(found)
            break
        start = ends
    else:
        moments.append(start)  # nothing owed for a while (or ever): look again then
    return min(moments)


_AHEAD = 3  # periods looked through for the next stage: an owed period has one in each


def _first_new(open_: periods.OpenPeriod | None, start: datetime, now: datetime, rules: LookRules) -> datetime | None:
    """The first moment after `now`, from `start` on, at which this open period's stage gains a key."""
    if open_ is None:
        return None
    tz, days_before = rules.tz, rules.days_before
    period = open_.period
    if open_.overdue:
        return next((m for m in periods.overdue_moments(period, tz) if m > now), None)
    moments = [periods.at_local(period.end, tz)]
    if days_before > 0:
        moments.append(max(periods.at_local(period.end - timedelta(days=days_before), tz), start))
    later = [m for m in moments if m > now and m >= start]
    return min(later) if later else None
