"""The reminder engine: one repeating sweep finds what is due through indexed due times, and queues it.

Most reminders belong to a *chain* with a row in the `due` table (`bot.store.due`): a mobile member's
thought reports, a meeting's reminder stages, a mediation's follow-up. The row holds the next moment the
chain may have something to send; triggers mark it "look now" when data it depends on changes. A sweep reads
only the rows whose moment has come (so a sweep with nothing due costs the same for 100 members as for
100 000), a chunk at a time: the chain's *due source* works out what to send now with the pure rules and when
to look next; the messages are queued and the rows moved in one transaction; then the sweep yields to the
event loop before the next chunk, so a sweep with much to send never holds the loop for long.

A few checks are cheap by nature and stay plain *sources* (a function returning what is due now), read
through their own index. Both kinds are listed once, in `bot.services.registry.REMINDER_SOURCES`.

Every message has a unique key (kind, member, period, stage), and the outbox's unique key is the sent-log: a
reminder is queued once, never again after a restart, and one that fell due while the bot was down is queued
at the next sweep. In quiet hours only urgent messages go; a chain that had others is looked at again when
the quiet hours end.

A due with a `digest` entry is not sent alone: it is recorded, under its key, for its recipient's daily digest
(`bot.services.kernel.digest`), in the same transaction that would have queued it. The digest itself is a plain
source listed last; plain sources run after the chains, each settled in turn, so a digest carries what this
very sweep recorded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from bot.config import Settings
from bot.services.kernel.turns import in_turns
from bot.store import Store
from bot.store.db import iso
from bot.store.digest import DigestEntry
from bot.store.due import DueRow, Move
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)

#: Due rows read and worked out per step. A step's work on the event loop (the rules, the rendering) is about
#: 10 ms of CPU at this size on a slow core (bench/sweep.py measures it); the database work runs on
#: aiosqlite's thread, and the loop is free while it waits.
CHUNK = 50


@dataclass(frozen=True)
class Due:
    """A reminder or alert that is due. `urgent` ones are sent in quiet hours too.

    `digest`: an escalation for a secretary or liaison that waits for their daily digest instead of going
    alone (`message` says to whom, under which key, and what it would have said); never urgent.
    `includes`: this message IS a digest, carrying these digest items (marked in the transaction queueing it).
    """

    message: Outgoing
    urgent: bool = False
    digest: DigestEntry | None = None
    includes: tuple[int, ...] = ()


ReminderSource = Callable[[Store, Settings, datetime], Awaitable[list[Due]]]


@dataclass(frozen=True)
class Handled:
    """What a chain has now: the messages due, and when to look again — None: the chain is over (its row
    goes); a moment not after `now`: at the next sweep (it is stored, so it tells the source when the row
    came due); `NEVER`: when something it depends on changes.
    `mark` is stored with the row for the source's own use. `again`: there is more to send now (a long list,
    taken in steps): the row is handed back in this sweep with this cursor (the source's own position)."""

    dues: list[Due] = field(default_factory=list)
    next_at: datetime | None = None
    mark: int | None = None
    again: tuple[int, ...] | None = None


DueHandler = Callable[[Store, Settings, datetime, Sequence[DueRow]], Awaitable[Mapping[int, Handled]]]


@dataclass(frozen=True)
class DueSource:
    """The rules of one kind of chain: given its due rows, what each has now (`Handled` by row id)."""

    kind: str
    handle: DueHandler


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


def quiet_end(now: datetime, settings: Settings) -> datetime:
    """The first moment after `now` outside the quiet window (`now` is in it)."""
    quiet = settings.quiet
    assert quiet is not None
    local = now.astimezone(settings.tz)
    end = datetime.combine(local.date(), quiet[1], tzinfo=settings.tz)
    return end if end > local else end + timedelta(days=1)


def rules_fingerprint(settings: Settings) -> str:
    """The settings due times are worked out with: when they change, every chain is looked at again."""
    stages = ",".join(str(int(s.total_seconds())) for s in settings.meeting_stages)
    return f"{settings.tz.key}|{settings.report_reminder_days_before}|{stages}"


def _stored(moment: datetime) -> str:
    """A due time as stored (whole seconds), rounded up: a row never comes due before its moment."""
    if moment.microsecond:
        moment += timedelta(microseconds=1_000_000 - moment.microsecond)
    return iso(moment)


async def collect(store: Store, settings: Settings, now: datetime, sources: Sequence[ReminderSource]) -> list[Due]:
    due: list[Due] = []
    for source in sources:
        try:
            due.extend(await source(store, settings, now))
        except Exception:  # one broken kind of reminder must not stop the others
            log.exception("reminder source %s failed", getattr(source, "__name__", source))
    return due


async def sweep(store: Store, settings: Settings, now: datetime, sources: Sequence[ReminderSource | DueSource]) -> int:
    """Queue every reminder due at `now` that was not queued before; returns how many were queued."""
    quiet = in_quiet_hours(now.astimezone(settings.tz).time(), settings.quiet)
    plain = [s for s in sources if not isinstance(s, DueSource)]
    chains = {s.kind: s for s in sources if isinstance(s, DueSource)}
    queued = 0
    if chains:
        await store.due.check_rules(rules_fingerprint(settings))
        queued += await _chains(_Sweep(store, settings, now, quiet), chains)
    for source in plain:  # each settled before the next: the digest, listed last, carries what they recorded
        due = await collect(store, settings, now, [source])
        if quiet:
            due = [d for d in due if d.urgent]
        # a transaction per chunk, the loop let go between them (January's pledge asks: one per member); a sweep
        # stopped half-way leaves the rest to the next, which skips the keys queued already
        async for part in in_turns(due):
            known = await store.outbox.existing_keys(d.message.key for d in part)
            fresh = [d for d in part if d.message.key not in known]
            queued += await store.digest.settle(
                [d.message for d in fresh if d.digest is None and not d.includes],
                [(d.message, d.digest) for d in fresh if d.digest is not None],
                {d.message.key: (d.message, d.includes) for d in fresh if d.includes},
            )
    return queued


@dataclass(frozen=True)
class _Sweep:
    """One sweep of the due chains: where it reads and writes, the settings, its moment, and whether that is
    in the quiet hours."""

    store: Store
    settings: Settings
    now: datetime
    quiet: bool


async def _chains(sweep: _Sweep, chains: Mapping[str, DueSource]) -> int:
    """Every due row, a chunk at a time in time order; a chain with more to send now goes on at once."""
    store, now = sweep.store, sweep.now
    queued = 0
    after: tuple[str, int] | None = None
    kinds = sorted(chains)
    while rows := await store.due.due(now, kinds, after, CHUNK):
        after = (rows[-1].due_at, rows[-1].id)
        while rows:
            count, again = await _step(sweep, chains, rows)
            queued += count
            await asyncio.sleep(0)  # the chunk is settled: let updates in before the next one
            fresh = {r.id: r for r in await store.due.rows(list(again))}
            rows = [replace(fresh[i], cursor=c) for i, c in again.items() if i in fresh]
    return queued


async def _step(
    sweep: _Sweep, chains: Mapping[str, DueSource], rows: Sequence[DueRow]
) -> tuple[int, dict[int, tuple[int, ...]]]:
    """Work out one chunk, then queue its messages and move its rows in one transaction; (queued, the rows
    with more to send now → their cursors)."""
    store, settings, now, quiet = sweep.store, sweep.settings, sweep.now, sweep.quiet
    handled: list[tuple[DueRow, Handled]] = []
    for kind, source in chains.items():
        group = [r for r in rows if r.kind == kind]
        if not group:
            continue
        try:
            found = await source.handle(store, settings, now, group)
        except Exception:  # its rows stay due and are tried again next sweep; the other kinds go on
            log.exception("due source %s failed", kind)
            continue
        handled.extend((row, found[row.id]) for row in group if row.id in found)
    messages: list[Outgoing] = []
    items: list[tuple[Outgoing, DigestEntry]] = []
    moves: list[Move] = []
    again: dict[int, tuple[int, ...]] = {}
    for row, result in handled:
        dues, next_at, mark, more = result.dues, result.next_at, result.mark, result.again
        if quiet and any(not d.urgent for d in dues):  # held till morning: the chain is looked at again then
            dues = [d for d in dues if d.urgent]
            wake = quiet_end(now, settings)
            next_at = wake if next_at is None or next_at > wake else next_at
            mark, more = None, None  # worked out afresh then, whatever the source had reached
        messages.extend(d.message for d in dues if d.digest is None)
        items.extend((d.message, d.digest) for d in dues if d.digest is not None)
        # a moment already come is looked at by the next sweep (or, when the row moved past where this sweep
        # has read, once more by this one)
        moves.append(Move(row, None if next_at is None else _stored(next_at), mark))
        if more is not None:
            again[row.id] = more
    return await store.due.settle(moves, messages, items), again
