"""The roster import's writes to members, inside its unit of work (`Store.unit_of_work`), so that an import
is all or nothing: create or update a member with their roles, offices and posts, set
liaisons, deactivate those who left the roster, release a Telegram id held by someone who left."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import aiosqlite

from bot.domain.models import INSPECTOR, Change, RosterEntry, RosterRecord
from bot.domain.organisation import OFFICES

_ENTRY = "SELECT id, name, unit_id, group_id, telegram_id, active FROM members"
_CHUNK = 500


def _entry(row: aiosqlite.Row) -> RosterEntry:
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


async def _one(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...]) -> aiosqlite.Row | None:
    async with conn.execute(sql, params) as cur:
        return await cur.fetchone()


class RosterWrites:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def entries(self, *, active: bool = True) -> list[RosterEntry]:
        """Every active member (or every one who left), as the import matches them."""
        async with self._conn.execute(f"{_ENTRY} WHERE active = ? ORDER BY unit_id, id", (int(active),)) as cur:
            return [_entry(r) for r in await cur.fetchall()]

    async def holder(self, telegram_id: int) -> RosterEntry | None:
        """Who holds this Telegram id, active or not."""
        row = await _one(self._conn, f"{_ENTRY} WHERE telegram_id = ?", (telegram_id,))
        return _entry(row) if row else None

    async def release_telegram_id(self, member_id: int, now: str) -> None:
        """A member who left the roster gives up their Telegram id (someone on the roster now has it)."""
        await self._conn.execute(
            "UPDATE members SET telegram_id = NULL, linked_at = NULL, updated_at = ? WHERE id = ? AND active = 0",
            (now, member_id),
        )

    async def upsert(self, record: RosterRecord, now: str) -> tuple[int, Change]:
        """Create the member, or bring them in line with the roster (active again if they had left);
        their roles and posts become exactly the roster's. (member id, what changed)."""
        values = _values(record)
        current = await _one(
            self._conn, "SELECT * FROM members WHERE unit_id = ? AND name = ?", (record.unit_id, record.name)
        )
        if current is None:
            columns = {
                **values,
                "name": record.name,
                "telegram_id": record.telegram_id,
                "created_at": now,
                "updated_at": now,
                "mobile_recorded_at": now if record.category == "migrant" else None,
            }
            cur = await self._conn.execute(
                f"INSERT INTO members ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                tuple(columns.values()),
            )
            assert cur.lastrowid is not None
            await self._set_many(cur.lastrowid, record)
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
            await self._conn.execute(f"UPDATE members SET {sets} WHERE id = ?", (*diff.values(), member_id))
        changed = await self._set_many(member_id, record)
        return member_id, Change.UPDATED if diff or changed else Change.UNCHANGED

    async def _set_many(self, member_id: int, record: RosterRecord) -> bool:
        """Roles, offices and posts exactly as the roster has them; whether anything changed."""
        changed = False
        for table, column, wanted in (
            ("member_roles", "role", record.roles - OFFICES - {INSPECTOR}),
            ("member_offices", "office", record.roles & OFFICES),
            ("member_posts", "post", record.posts),
        ):
            async with self._conn.execute(f"SELECT {column} FROM {table} WHERE member_id = ?", (member_id,)) as cur:
                have = {r[0] for r in await cur.fetchall()}
            if have != set(wanted):
                await self._conn.execute(f"DELETE FROM {table} WHERE member_id = ?", (member_id,))
                await self._conn.executemany(
                    f"INSERT INTO {table} (member_id, {column}) VALUES (?, ?)", [(member_id, v) for v in sorted(wanted)]
                )
                changed = True
        return changed

    async def set_oversight(self, member_id: int, unit_id: int | None) -> bool:
        """上级党委 (read-only): the unit this member oversees exactly as the roster has it (None: not a reader);
        whether anything changed."""
        async with self._conn.execute("SELECT unit_id FROM inspectors WHERE member_id = ?", (member_id,)) as cur:
            row = await cur.fetchone()
        have = int(row[0]) if row else None
        if have == unit_id:
            return False
        await self._conn.execute("DELETE FROM inspectors WHERE member_id = ?", (member_id,))
        if unit_id is not None:
            await self._conn.execute("INSERT INTO inspectors (member_id, unit_id) VALUES (?, ?)", (member_id, unit_id))
        return True

    async def set_seats(self, member_id: int, seats: Iterable[tuple[int, str]]) -> bool:
        """The member's committee seats exactly as the roster has them (unit, office); whether anything changed."""
        wanted = set(seats)
        async with self._conn.execute(
            "SELECT unit_id, office FROM committee_seats WHERE member_id = ?", (member_id,)
        ) as cur:
            have = {(int(r[0]), str(r[1])) for r in await cur.fetchall()}
        if have == wanted:
            return False
        await self._conn.execute("DELETE FROM committee_seats WHERE member_id = ?", (member_id,))
        await self._conn.executemany(
            "INSERT INTO committee_seats (unit_id, member_id, office) VALUES (?, ?, ?)",
            [(unit, member_id, office) for unit, office in sorted(wanted)],
        )
        return True

    async def set_liaison(self, member_id: int, liaison_id: int | None, now: str) -> bool:
        """Whether it changed."""
        cur = await self._conn.execute(
            "UPDATE members SET liaison_id = ?, updated_at = ? WHERE id = ? AND liaison_id IS NOT ?",
            (liaison_id, now, member_id, liaison_id),
        )
        return cur.rowcount > 0

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
