"""The roster import's writes to members, inside its unit of work (`Store.unit_of_work`), so that an import
is all or nothing: create or update a member with their roles, offices and posts, set
liaisons, deactivate those who left the roster, release a Telegram id held by someone who left."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

import aiosqlite

from bot.domain.models import INSPECTOR, Change, RosterEntry, RosterRecord
from bot.domain.organisation import OFFICES
from bot.store.aiosqlite_compat import on_db_thread

_ENTRY = "SELECT id, name, unit_id, group_id, telegram_id, active FROM members"
_CHUNK = 500


def _entry(row: sqlite3.Row) -> RosterEntry:
    return RosterEntry(
        id=row["id"],
        name=row["name"],
        unit_id=row["unit_id"],
        group_id=row["group_id"],
        telegram_id=row["telegram_id"],
        active=bool(row["active"]),
    )


def _values(record: RosterRecord) -> dict[str, object]:
    """The members columns an import writes from the roster's own fields, as stored."""
    return {
        "unit_id": record.unit_id,
        "group_id": record.group_id,
        "category": record.category,
        "report_cadence": record.report_cadence,
        "migrant_since": record.migrant_since.isoformat() if record.migrant_since else None,
        "phone": record.phone,
        "building": record.building,
        "membership": record.membership,
        "joined": record.joined.isoformat() if record.joined else None,
        "confirmed": record.confirmed.isoformat() if record.confirmed else None,
        "relation": record.relation,
        "note": record.note,
        "duty": record.duty,
        "activity_group_id": record.activity_group_id,
    }


@dataclass(frozen=True)
class Placed:
    """What `RosterWrites.place` did with the records it was given, in order: (member id, what changed) for each
    one placed; `taken`, when it stopped at a record whose Telegram id an active member elsewhere holds, is that
    record's index and the holder's name (nothing of that record was written)."""

    done: list[tuple[int, Change]]
    taken: tuple[int, str] | None = None


def _holder(raw: sqlite3.Connection, telegram_id: int) -> RosterEntry | None:
    row = raw.execute(f"{_ENTRY} WHERE telegram_id = ?", (telegram_id,)).fetchone()
    return _entry(row) if row else None


def _place(raw: sqlite3.Connection, records: Sequence[RosterRecord], now: str) -> Placed:
    """Each record in turn, as the import did it one statement per hand-over: a Telegram id held by someone who
    left is released; one held by an active member elsewhere stops the import there."""
    done: list[tuple[int, Change]] = []
    for index, record in enumerate(records):
        if record.telegram_id is not None:
            holder = _holder(raw, record.telegram_id)
            if holder is not None and (holder.unit_id, holder.name) != (record.unit_id, record.name):
                if holder.active:
                    return Placed(done, (index, holder.name))
                raw.execute(
                    "UPDATE members SET telegram_id = NULL, linked_at = NULL, updated_at = ? WHERE id = ? "
                    "AND active = 0",
                    (now, holder.id),
                )
        done.append(_upsert(raw, record, now))
    return Placed(done)


def _upsert(raw: sqlite3.Connection, record: RosterRecord, now: str) -> tuple[int, Change]:
    values = _values(record)
    current = raw.execute(
        "SELECT * FROM members WHERE unit_id = ? AND name = ?", (record.unit_id, record.name)
    ).fetchone()
    if current is None:
        columns = {
            **values,
            "name": record.name,
            "telegram_id": record.telegram_id,
            "created_at": now,
            "updated_at": now,
            "mobile_recorded_at": now if record.category == "migrant" else None,
        }
        cur = raw.execute(
            f"INSERT INTO members ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            tuple(columns.values()),
        )
        assert cur.lastrowid is not None
        _set_many(raw, cur.lastrowid, record)
        return cur.lastrowid, Change.CREATED
    member_id = int(current["id"])
    diff = {k: v for k, v in values.items() if current[k] != v}
    if record.telegram_id is not None and current["telegram_id"] != record.telegram_id:
        diff["telegram_id"] = record.telegram_id
        diff["linked_at"] = None
    if record.category == "migrant" and current["mobile_recorded_at"] is None:
        diff["mobile_recorded_at"] = now
    if not current["active"]:
        diff["active"] = 1
        diff["deactivated_at"] = None
    if diff:
        diff["updated_at"] = now
        sets = ", ".join(f"{k} = ?" for k in diff)
        raw.execute(f"UPDATE members SET {sets} WHERE id = ?", (*diff.values(), member_id))
    changed = _set_many(raw, member_id, record)
    return member_id, Change.UPDATED if diff or changed else Change.UNCHANGED


def _set_many(raw: sqlite3.Connection, member_id: int, record: RosterRecord) -> bool:
    """Roles, offices and posts exactly as the roster has them; whether anything changed."""
    changed = False
    for table, column, wanted in (
        ("member_roles", "role", record.roles - OFFICES - {INSPECTOR}),
        ("member_offices", "office", record.roles & OFFICES),
        ("member_posts", "post", record.posts),
    ):
        have = {r[0] for r in raw.execute(f"SELECT {column} FROM {table} WHERE member_id = ?", (member_id,))}
        if have != set(wanted):
            raw.execute(f"DELETE FROM {table} WHERE member_id = ?", (member_id,))
            raw.executemany(
                f"INSERT INTO {table} (member_id, {column}) VALUES (?, ?)", [(member_id, v) for v in sorted(wanted)]
            )
            changed = True
    return changed


def _set_seats(raw: sqlite3.Connection, member_id: int, seats: Iterable[tuple[int, str]]) -> bool:
    wanted = set(seats)
    have = {
        (int(r[0]), str(r[1]))
        for r in raw.execute("SELECT unit_id, office FROM committee_seats WHERE member_id = ?", (member_id,))
    }
    if have == wanted:
        return False
    raw.execute("DELETE FROM committee_seats WHERE member_id = ?", (member_id,))
    raw.executemany(
        "INSERT INTO committee_seats (unit_id, member_id, office) VALUES (?, ?, ?)",
        [(unit, member_id, office) for unit, office in sorted(wanted)],
    )
    return True


def _set_liaison(raw: sqlite3.Connection, member_id: int, liaison_id: int | None, now: str) -> bool:
    cur = raw.execute(
        "UPDATE members SET liaison_id = ?, updated_at = ? WHERE id = ? AND liaison_id IS NOT ?",
        (liaison_id, now, member_id, liaison_id),
    )
    return cur.rowcount > 0


def _set_oversight(raw: sqlite3.Connection, member_id: int, unit_id: int | None) -> bool:
    row = raw.execute("SELECT unit_id FROM inspectors WHERE member_id = ?", (member_id,)).fetchone()
    have = int(row[0]) if row else None
    if have == unit_id:
        return False
    raw.execute("DELETE FROM inspectors WHERE member_id = ?", (member_id,))
    if unit_id is not None:
        raw.execute("INSERT INTO inspectors (member_id, unit_id) VALUES (?, ?)", (member_id, unit_id))
    return True


def _details(raw: sqlite3.Connection, pairs: Sequence[tuple[int, tuple[tuple[str, str], ...]]]) -> set[int]:
    """`RosterWrites.set_details_many` on the database thread: one read for the chunk, writes where it differs."""
    ids = [member_id for member_id, _ in pairs]
    have: dict[int, dict[str, str]] = {}
    sql = f"SELECT member_id, field, value FROM member_details WHERE member_id IN ({','.join('?' * len(ids))})"
    for member_id, field, value in raw.execute(sql, ids):
        have.setdefault(int(member_id), {})[str(field)] = str(value)
    changed: set[int] = set()
    for member_id, details in pairs:
        wanted = dict(details)
        if have.get(member_id, {}) != wanted:
            raw.execute("DELETE FROM member_details WHERE member_id = ?", (member_id,))
            raw.executemany(
                "INSERT INTO member_details (member_id, field, value) VALUES (?, ?, ?)",
                [(member_id, k, v) for k, v in sorted(wanted.items())],
            )
            changed.add(member_id)
    return changed


def _link(raw: sqlite3.Connection, links: Sequence[Link], now: str) -> set[int]:
    changed: set[int] = set()
    for member_id, liaison_id, oversees, seats in links:
        if _set_liaison(raw, member_id, liaison_id, now):
            changed.add(member_id)
        if _set_oversight(raw, member_id, oversees):
            changed.add(member_id)
        if _set_seats(raw, member_id, seats):
            changed.add(member_id)
    return changed


#: (member id, liaison id, the unit overseen by a reader from above, committee seats) of one roster row, for
#: `RosterWrites.link`.
Link = tuple[int, int | None, int | None, tuple[tuple[int, str], ...]]


class RosterWrites:
    """The statements of an import run on the database thread, `_CHUNK` records per hand-over (10 000 rows
    took ~100 000 hand-overs one statement at a time: 10-30 s), the event loop let go between chunks."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def entries(self, *, active: bool = True) -> list[RosterEntry]:
        """Every active member (or every one who left), as the import matches them."""
        async with self._conn.execute(f"{_ENTRY} WHERE active = ? ORDER BY unit_id, id", (int(active),)) as cur:
            return [_entry(r) for r in await cur.fetchall()]

    async def holder(self, telegram_id: int) -> RosterEntry | None:
        """Who holds this Telegram id, active or not."""
        return await on_db_thread(self._conn, lambda raw: _holder(raw, telegram_id))

    async def place(self, records: Sequence[RosterRecord], now: str) -> Placed:
        """Create each member, or bring them in line with the roster (active again if they had left; their roles
        and posts exactly the roster's), in order, releasing a Telegram id held by someone who left; stops at a
        Telegram id an active member elsewhere holds (`Placed.taken`)."""
        done: list[tuple[int, Change]] = []
        for start in range(0, len(records), _CHUNK):
            chunk = records[start : start + _CHUNK]
            placed = await on_db_thread(self._conn, partial(_place, records=chunk, now=now))
            done += placed.done
            if placed.taken is not None:
                return Placed(done, (start + placed.taken[0], placed.taken[1]))
        return Placed(done)

    async def upsert(self, record: RosterRecord, now: str) -> tuple[int, Change]:
        """One record, as `place` does it (a Telegram id's holder not looked at)."""
        return await on_db_thread(self._conn, lambda raw: _upsert(raw, record, now))

    async def link(self, links: Sequence[Link], now: str) -> set[int]:
        """Each member's liaison, the unit they oversee (a reader from above) and committee seats as the roster has
        them; the members whose changed."""
        changed: set[int] = set()
        for start in range(0, len(links), _CHUNK):
            chunk = links[start : start + _CHUNK]
            changed |= await on_db_thread(self._conn, partial(_link, links=chunk, now=now))
        return changed

    async def set_oversight(self, member_id: int, unit_id: int | None) -> bool:
        """上级党委 (read-only): the unit this member oversees exactly as the roster has it (None: not a reader);
        whether anything changed."""
        return await on_db_thread(self._conn, lambda raw: _set_oversight(raw, member_id, unit_id))

    async def set_seats(self, member_id: int, seats: Iterable[tuple[int, str]]) -> bool:
        """The member's committee seats exactly as the roster has them (unit, office); whether anything changed."""
        wanted = tuple(seats)
        return await on_db_thread(self._conn, lambda raw: _set_seats(raw, member_id, wanted))

    async def set_details_many(self, pairs: Sequence[tuple[int, tuple[tuple[str, str], ...]]]) -> set[int]:
        """Each member's file fields exactly as the roster has them (issue 27), a chunk per hand-over to the database
        thread; the members whose fields changed."""
        changed: set[int] = set()
        for start in range(0, len(pairs), _CHUNK):
            changed |= await on_db_thread(self._conn, partial(_details, pairs=pairs[start : start + _CHUNK]))
        return changed

    async def set_details(self, member_id: int, details: Iterable[tuple[str, str]]) -> bool:
        """The member file's fields exactly as the roster has them (issue 27); whether anything changed."""
        wanted = dict(details)
        async with self._conn.execute(
            "SELECT field, value FROM member_details WHERE member_id = ?", (member_id,)
        ) as cur:
            have = {str(r[0]): str(r[1]) for r in await cur.fetchall()}
        if have == wanted:
            return False
        await self._conn.execute("DELETE FROM member_details WHERE member_id = ?", (member_id,))
        await self._conn.executemany(
            "INSERT INTO member_details (member_id, field, value) VALUES (?, ?, ?)",
            [(member_id, k, v) for k, v in sorted(wanted.items())],
        )
        return True

    async def set_liaison(self, member_id: int, liaison_id: int | None, now: str) -> bool:
        """Whether it changed."""
        return await on_db_thread(self._conn, lambda raw: _set_liaison(raw, member_id, liaison_id, now))

    async def deactivate(self, member_ids: Sequence[int], now: str) -> int:
        """They left the roster: every role, office and post gone, unused invite codes spent, messages not yet sent
        to them withdrawn. Their records stay, and so does their Telegram id (refused while inactive, linked
        again if the roster lists them again). How many were deactivated."""
        done = 0
        ids = list(member_ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            cur = await self._conn.execute(
                f"UPDATE members SET active = 0, deactivated_at = ?, updated_at = ? WHERE id IN ({marks}) "
                "AND active = 1",
                (now, now, *chunk),
            )
            done += cur.rowcount
            await self._conn.execute(f"DELETE FROM member_roles WHERE member_id IN ({marks})", tuple(chunk))
            await self._conn.execute(f"DELETE FROM member_offices WHERE member_id IN ({marks})", tuple(chunk))
            await self._conn.execute(f"DELETE FROM member_posts WHERE member_id IN ({marks})", tuple(chunk))
            await self._conn.execute(
                f"UPDATE invites SET used_at = ? WHERE member_id IN ({marks}) AND used_at IS NULL", (now, *chunk)
            )
            await self._conn.execute(
                f"UPDATE outbox SET status = 'cancelled' WHERE member_id IN ({marks}) AND status = 'pending'",
                tuple(chunk),
            )
        return done
