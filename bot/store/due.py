"""Due rows: for each chain of reminders that may still fall due, the next moment to look at it (the `due`
table of migration 0007, where the kinds are described).

The rows are kept up to date by triggers in the transaction of every change that can alter what is due (a
report filed, a member heard from, a roster import, a notice published or cancelled, a follow-up recorded),
so no writer has to remember them. The sweep reads the rows whose moment has come, a chunk at a time, and
settles each chunk — the messages it queues and the rows' next moments — in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.store.db import Database, iso
from bot.store.digest import DigestEntry, add_in
from bot.store.outbox import Outgoing, enqueue_in

#: "Look now": earlier than any moment (also written by the triggers of migration 0007).
ASAP = "0001-01-01T00:00:00+00:00"
#: "Parked": nothing falls due until something changes (a trigger then marks the row ASAP).
PARKED = "9999-12-31T00:00:00+00:00"
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
assert iso(NEVER) == PARKED

_COLUMNS = "id, kind, subject, member_id, due_at, mark, version"


@dataclass(frozen=True)
class DueRow:
    """One chain. `cursor` is not stored: where the sweep goes on within a long chain in this sweep."""

    id: int
    kind: str
    subject: int
    member_id: int | None
    due_at: str
    mark: int | None
    version: int
    cursor: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Move:
    """Where a row goes after a sweep looked at it: `due_at` None deletes it (its chain is over)."""

    row: DueRow
    due_at: str | None
    mark: int | None


def _row(r: Iterable[object]) -> DueRow:
    id_, kind, subject, member_id, due_at, mark, version = r
    return DueRow(id_, kind, subject, member_id, due_at, mark, version)  # type: ignore[arg-type]


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


class DueRepo:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._rules: str | None = None  # the fingerprint this process last checked

    async def due(self, now: datetime, kinds: Sequence[str], after: tuple[str, int] | None, limit: int) -> list[DueRow]:
        """Up to `limit` rows of these kinds due at `now`, in time order, after `after` (due_at, id): one
        range of the time index."""
        start = after or ("", 0)
        return [
            _row(r)
            for r in await self.db.fetchall_tuples(
                # `+kind`: the kind is checked on the rows the time index gives, never used to pick an index
                f"SELECT {_COLUMNS} FROM due WHERE due_at <= ? AND (due_at, id) > (?, ?) "
                f"AND +kind IN ({_marks(kinds)}) ORDER BY due_at, id LIMIT ?",
                (iso(now), *start, *kinds, limit),
            )
        ]

    async def rows(self, ids: Sequence[int]) -> list[DueRow]:
        if not ids:
            return []
        return [
            _row(r)
            for r in await self.db.fetchall_tuples(
                f"SELECT {_COLUMNS} FROM due WHERE id IN ({_marks(ids)}) ORDER BY due_at, id", tuple(ids)
            )
        ]

    async def of(self, kind: str, subject: int) -> DueRow | None:
        found = await self.db.fetchall_tuples(
            f"SELECT {_COLUMNS} FROM due WHERE kind = ? AND subject = ?", (kind, subject)
        )
        return _row(found[0]) if found else None

    async def count_due(self, now: datetime) -> int:
        row = await self.db.fetchone("SELECT count(*) FROM due WHERE due_at <= ?", (iso(now),))
        return int(row[0]) if row else 0

    async def settle(
        self, moves: Sequence[Move], messages: Sequence[Outgoing], items: Sequence[tuple[Outgoing, DigestEntry]] = ()
    ) -> int:
        """Queue the messages (a key already queued is skipped), record the digest items (`bot.store.digest`)
        and move the rows, in ONE transaction; how many messages were queued. A row changed meanwhile (its
        version moved on) is left as the change made it: it is looked at again."""
        if not moves and not messages and not items:
            return 0
        async with self.db.transaction() as conn:
            queued = await enqueue_in(conn, messages)
            await add_in(conn, items)
            await _move(conn, moves)
        return queued

    async def look_again(self, member_id: int | None = None) -> int:
        """Mark rows "look now": every row, or one member's own chains (after a repair by hand)."""
        async with self.db.transaction() as conn:
            return await look_again_in(conn, member_id)

    async def check_rules(self, fingerprint: str) -> bool:
        """Whether the settings that due times depend on changed since the rows were worked out; if so every
        row is looked at again (once, by the next sweep). Read once per process."""
        if self._rules == fingerprint:
            return False
        row = await self.db.fetchone("SELECT fingerprint FROM due_rules WHERE id = 1")
        changed = row is None or row[0] != fingerprint
        if changed:
            async with self.db.transaction() as conn:
                await look_again_in(conn)
                await conn.execute(
                    "INSERT INTO due_rules (id, fingerprint) VALUES (1, ?) "
                    "ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
                    (fingerprint,),
                )
        self._rules = fingerprint
        return changed


async def _move(conn: aiosqlite.Connection, moves: Sequence[Move]) -> None:
    gone = [(m.row.id, m.row.version) for m in moves if m.due_at is None]
    kept = [(m.due_at, m.mark, m.row.id, m.row.version) for m in moves if m.due_at is not None]
    if gone:
        await conn.executemany("DELETE FROM due WHERE id = ? AND version = ?", gone)
    if kept:
        await conn.executemany("UPDATE due SET due_at = ?, mark = ? WHERE id = ? AND version = ?", kept)


async def look_again_in(conn: aiosqlite.Connection, member_id: int | None = None) -> int:
    """Inside the caller's transaction: every row (or a member's own chains, and their report chain if they
    are a mobile member without one) is due now."""
    if member_id is None:
        cur = await conn.execute("UPDATE due SET due_at = ?, mark = NULL, version = version + 1", (ASAP,))
        return cur.rowcount
    await conn.execute(
        "INSERT OR IGNORE INTO due (kind, subject, member_id, due_at) SELECT 'report', id, id, ? FROM members "
        "WHERE id = ? AND category = 'migrant' AND report_cadence IS NOT NULL AND active",
        (ASAP, member_id),
    )
    cur = await conn.execute("UPDATE due SET due_at = ?, version = version + 1 WHERE member_id = ?", (ASAP, member_id))
    return cur.rowcount
