"""The reminder engine: what is due is derived from the database by one repeating sweep.

Each capability has a *source*: an async function that, given the store, the settings and the time,
returns the reminders due now, each under a unique key (kind, member, period, stage). The sources are
listed once, in `bot.services.core.REMINDER_SOURCES`. The sweep enqueues what they return in the outbox,
whose unique key is the sent-log: a reminder is queued once, never again after a restart, and one that
fell due while the bot was down is queued at the next sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from bot.config import Settings
from bot.store import Store
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """A reminder or alert that is due. `urgent` ones are sent in quiet hours too."""

    message: Outgoing
    urgent: bool = False


ReminderSource = Callable[[Store, Settings, datetime], Awaitable[list[Due]]]


def in_quiet_hours(local: time, quiet: tuple[time, time] | None) -> bool:
    """Whether a local time falls in the quiet window, which may cross midnight (21:00-08:00)."""
    if quiet is None:
        return False
    start, end = quiet
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


async def collect(store: Store, settings: Settings, now: datetime, sources: Sequence[ReminderSource]) -> list[Due]:
    due: list[Due] = []
    for source in sources:
        try:
            due.extend(await source(store, settings, now))
        except Exception:  # one broken kind of reminder must not stop the others
            log.exception("reminder source %s failed", getattr(source, "__name__", source))
    return due


async def sweep(store: Store, settings: Settings, now: datetime, sources: Sequence[ReminderSource]) -> int:
    """Queue every reminder due at `now` that was not queued before; returns how many were queued."""
    due = await collect(store, settings, now, sources)
    if in_quiet_hours(now.astimezone(settings.tz).time(), settings.quiet):
        due = [d for d in due if d.urgent]
    if not due:
        return 0
    known = await store.outbox.existing_keys(d.message.key for d in due)
    fresh = [d.message for d in due if d.message.key not in known]
    if not fresh:
        return 0
    return await store.outbox.enqueue(fresh)
