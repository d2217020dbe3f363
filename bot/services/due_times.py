"""When a chain of reminders may next have something new to send: pure functions, times are aware datetimes.

The rules of what is due (`periods.member_stage`, `escalation_due`, the 30-day no-contact warning, a
meeting's stage windows) give the same answer between two of the moments below, unless the data changes —
and a change marks the chain "look now" (the triggers of migration 0007). (A meeting's moments are its
stages' starts: `bot.services.due_meetings`.) So looking at a chain at these
moments, and whenever its data changes, sends exactly what looking at it at every sweep would. A moment too
many costs a look that finds nothing; a moment missing would lose a reminder, so when in doubt a moment is
included.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services import periods

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


def next_report_look(cadence: str, last: datetime | None, now: datetime, tz: ZoneInfo, days_before: int,
                     no_contact: timedelta) -> datetime:
    """The next moment a mobile member's reminders may change: for the last, the current and the next
    period, the start of the `before` stage (not before the period opens), the deadline day, and the weekly
    overdue stages from the day after the deadline (when the escalation falls due too); and the next 30 days
    without contact since `last`."""
    today = now.astimezone(tz).date()
    current = periods.period_of(today, cadence)
    moments: list[datetime] = []
    for period in (periods.previous_period(current, cadence), current, periods.next_period(current, cadence)):
        opens = datetime.combine(period.start, time(0), tzinfo=tz)
        if days_before > 0:
            moments.append(max(periods.at_local(period.end - timedelta(days=days_before), tz), opens))
        moments.append(periods.at_local(period.end, tz))
        moments.append(steps_after(periods.at_local(period.end + timedelta(days=1), tz), WEEK, now))
    if last is not None:
        moments.append(steps_after(last + no_contact, no_contact, now))
    return min(m for m in moments if m > now)
