"""Households (党员联户) and their visits: the only SQL about them. Residents' names and phones are read and
written here and shown to the people with the right; they are never logged."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.domain.models import Change
from bot.store.db import Database, iso


@dataclass(frozen=True)
class Household:
    id: int
    head: str
    building: str
    entrance: str
    room: str
    phone: str | None
    people: int | None
    member_id: int | None
    note: str | None
    created_at: datetime
    last_visit_at: datetime | None
    member_name: str = ""
    unit_id: int | None = None  # the linked member's unit

    @property
    def since(self) -> datetime:
        """Since when it waits for a visit: the last visit, or when it was first listed."""
        return self.last_visit_at or self.created_at


@dataclass(frozen=True)
class HouseholdRecord:
    """What the import writes for one household."""

    head: str
    building: str
    entrance: str
    room: str
    phone: str | None
    people: int | None
    member_id: int
    note: str | None


@dataclass(frozen=True)
class Visit:
    id: int
    household_id: int
    member_id: int
    found: str
    at: datetime
    local_date: date


_SELECT = (
    "SELECT h.*, m.name AS member_name, m.unit_id AS unit_id FROM households h "
    "LEFT JOIN members m ON m.id = h.member_id"
)


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _household(r: aiosqlite.Row) -> Household:
    created = datetime.fromisoformat(r["created_at"])
    return Household(
        r["id"],
        r["head"],
        r["building"],
        r["entrance"],
        r["room"],
        r["phone"],
        r["people"],
        r["member_id"],
        r["note"],
        created,
        _when(r["last_visit_at"]),
        r["member_name"] or "",
        r["unit_id"],
    )


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


class HouseholdRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, household_id: int) -> Household | None:
        row = await self.db.fetchone(f"{_SELECT} WHERE h.id = ?", (household_id,))
        return _household(row) if row else None

    async def of_member(self, member_id: int) -> list[Household]:
        """A member's households, the longest waiting first."""
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE h.member_id = ? ORDER BY COALESCE(h.last_visit_at, h.created_at), h.id", (member_id,)
        )
        return [_household(r) for r in rows]

    async def in_units(self, units: Collection[int]) -> list[Household]:
        """The households whose member is in one of `units` (active members), by member then waiting time."""
        ids = sorted(units)
        if not ids:
            return []
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE m.unit_id IN ({_marks(ids)}) AND m.active "
            "ORDER BY m.name, m.id, COALESCE(h.last_visit_at, h.created_at), h.id",
            tuple(ids),
        )
        return [_household(r) for r in rows]

    async def headed(self, head: str) -> list[Household]:
        rows = await self.db.fetchall(f"{_SELECT} WHERE h.head = ? ORDER BY h.id", (head,))
        return [_household(r) for r in rows]

    async def stale_of(self, member_ids: Sequence[int]) -> list[Household]:
        """The households of these members, for the weekly reminder (the rule picks the stale ones)."""
        if not member_ids:
            return []
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE h.member_id IN ({_marks(member_ids)}) "
            "ORDER BY COALESCE(h.last_visit_at, h.created_at), h.id",
            tuple(member_ids),
        )
        return [_household(r) for r in rows]

    async def each(self, units: Collection[int] | None) -> AsyncGenerator[Household, None]:
        where, params = ("", ()) if units is None else (f"WHERE m.unit_id IN ({_marks(list(units))})", tuple(units))
        async for row in self.db.stream(f"{_SELECT} {where} ORDER BY h.id", params):
            yield _household(row)

    async def each_visit(
        self, units: Collection[int] | None
    ) -> AsyncGenerator[tuple[Visit, str, str, int | None], None]:
        """Every visit with the household's head, the visitor's name and unit."""
        where, params = ("", ()) if units is None else (f"WHERE m.unit_id IN ({_marks(list(units))})", tuple(units))
        async for r in self.db.stream(
            "SELECT v.*, h.head, m.name AS member_name, m.unit_id FROM visits v "
            "JOIN households h ON h.id = v.household_id JOIN members m ON m.id = v.member_id "
            f"{where} ORDER BY v.id",
            params,
        ):
            yield (
                Visit(
                    r["id"],
                    r["household_id"],
                    r["member_id"],
                    r["found"],
                    datetime.fromisoformat(r["at"]),
                    date.fromisoformat(r["local_date"]),
                ),
                r["head"],
                r["member_name"],
                r["unit_id"],
            )


class HouseholdWrites:
    """Households and visits written inside a unit of work (`Store.unit_of_work`): an import, all or nothing;
    a visit with the request it raised."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def upsert(self, record: HouseholdRecord, now: datetime) -> Change:
        """Create the household or bring it in line with the file."""
        key = (record.head, record.building, record.entrance, record.room)
        async with self._conn.execute(
            "SELECT id, phone, people, member_id, note FROM households "
            "WHERE head = ? AND building = ? AND entrance = ? AND room = ?",
            key,
        ) as cur:
            found = await cur.fetchone()
        values = (record.phone, record.people, record.member_id, record.note)
        if found is None:
            await self._conn.execute(
                "INSERT INTO households (head, building, entrance, room, phone, people, member_id, note, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*key, *values, iso(now), iso(now)),
            )
            return Change.CREATED
        if tuple(found)[1:] == values:
            return Change.UNCHANGED
        await self._conn.execute(
            "UPDATE households SET phone = ?, people = ?, member_id = ?, note = ?, updated_at = ? WHERE id = ?",
            (*values, iso(now), found["id"]),
        )
        return Change.UPDATED

    async def keys(self) -> set[tuple[str, str, str, str]]:
        """Every household's (户主, 楼栋, 单元, 房号)."""
        async with self._conn.execute("SELECT head, building, entrance, room FROM households") as cur:
            return {(r[0], r[1], r[2], r[3]) for r in await cur.fetchall()}

    async def add_visit(self, household_id: int, member_id: int, found: str, now: datetime, local_date: date) -> int:
        """A visit, and the household's last visit moved to it (never back)."""
        cur = await self._conn.execute(
            "INSERT INTO visits (household_id, member_id, found, at, local_date) VALUES (?, ?, ?, ?, ?)",
            (household_id, member_id, found, iso(now), local_date.isoformat()),
        )
        await self._conn.execute(
            "UPDATE households SET last_visit_at = ? WHERE id = ? AND (last_visit_at IS NULL OR last_visit_at < ?)",
            (iso(now), household_id, iso(now)),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid
