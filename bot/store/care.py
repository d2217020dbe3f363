"""Care cases for members in hardship (关爱帮扶, 困难党员台账) and the visits logged on them."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.store.db import Database, Statement, iso
from bot.store.outbox import Outgoing, enqueue_in

#: Opening sources: a status (ill, hardship) or a secretary's /care.
SOURCES = ("ill", "hardship", "secretary")


@dataclass(frozen=True)
class CareCase:
    id: int
    member_id: int
    member_name: str
    unit_id: int
    source: str
    situation: str
    visitor_id: int | None
    visitor_name: str | None
    opened_by: int | None
    opened_at: datetime
    quiet_since: date
    closed_at: datetime | None
    closed_by: int | None
    outcome: str | None
    last_visit: date | None

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class CareVisit:
    id: int
    case_id: int
    member_name: str
    unit_id: int
    visitor_name: str | None
    visited_on: date
    brought: str
    next_step: str
    logged_at: datetime


_CASE_SQL = (
    "SELECT c.*, m.name AS member_name, m.unit_id AS member_unit, v.name AS visitor_name, "
    "(SELECT max(visited_on) FROM care_visits w WHERE w.case_id = c.id) AS last_visit "
    "FROM care_cases c JOIN members m ON m.id = c.member_id LEFT JOIN members v ON v.id = c.visitor_id "
)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _case(r: aiosqlite.Row) -> CareCase:
    return CareCase(
        r["id"],
        r["member_id"],
        r["member_name"],
        r["member_unit"],
        r["source"],
        r["situation"],
        r["visitor_id"],
        r["visitor_name"],
        r["opened_by"],
        datetime.fromisoformat(r["opened_at"]),
        date.fromisoformat(r["quiet_since"]),
        datetime.fromisoformat(r["closed_at"]) if r["closed_at"] else None,
        r["closed_by"],
        r["outcome"],
        _day(r["last_visit"]),
    )


def _visit(r: aiosqlite.Row) -> CareVisit:
    return CareVisit(
        r["id"],
        r["case_id"],
        r["member_name"],
        r["member_unit"],
        r["visitor_name"],
        date.fromisoformat(r["visited_on"]),
        r["brought"],
        r["next_step"],
        datetime.fromisoformat(r["logged_at"]),
    )


def _marks(ids: Sequence[object]) -> str:
    return ",".join("?" * len(ids))


def _in_units(units: Collection[int] | None, column: str = "m.unit_id") -> tuple[str, tuple[object, ...]]:
    if units is None:
        return "", ()
    ids = tuple(sorted(set(units))) or (-1,)
    return f"{column} IN ({_marks(ids)})", ids


def open_from_status(member_id: int, source: str, situation: str, at: datetime, today: date) -> Statement:
    """The statement that opens a case for an `ill` / `hardship` status, for the status's own write
    (`ReportRepo.add_status`): the member's liaison visits; a member with a case open already keeps that one
    (the unique index on open cases ignores the second)."""
    return Statement(
        "INSERT OR IGNORE INTO care_cases (member_id, source, situation, visitor_id, opened_at, quiet_since) "
        "SELECT id, ?, ?, liaison_id, ?, ? FROM members WHERE id = ? AND active",
        (source, situation, iso(at), today.isoformat(), member_id),
    )


class CareRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _cases(self, where: str, params: tuple[object, ...] = ()) -> list[CareCase]:
        rows = await self.db.fetchall(_CASE_SQL + where, params)
        return [_case(r) for r in rows]

    async def get(self, case_id: int) -> CareCase | None:
        found = await self._cases("WHERE c.id = ?", (case_id,))
        return found[0] if found else None

    async def open_for(self, member_id: int) -> CareCase | None:
        """The member's open case, if any."""
        found = await self._cases("WHERE c.member_id = ? AND c.closed_at IS NULL", (member_id,))
        return found[0] if found else None

    async def open_in_units(self, units: Collection[int] | None) -> list[CareCase]:
        """Open cases of active members whose branch is in `units` (all when None), by branch, oldest first."""
        where, params = _in_units(units)
        cond = f"AND {where} " if where else ""
        return await self._cases(f"WHERE c.closed_at IS NULL AND m.active {cond}ORDER BY m.unit_id, c.id", params)

    async def open_named(self, name: str) -> list[CareCase]:
        """Open cases of active members called `name`."""
        return await self._cases("WHERE c.closed_at IS NULL AND m.active AND m.name = ? ORDER BY c.id", (name,))

    async def open_visited_by(self, visitor_id: int) -> list[CareCase]:
        return await self._cases(
            "WHERE c.closed_at IS NULL AND m.active AND c.visitor_id = ? ORDER BY c.id", (visitor_id,)
        )

    async def open_case(
        self,
        member_id: int,
        source: str,
        situation: str,
        visitor_id: int | None,
        opened_by: int | None,
        at: datetime,
        today: date,
        messages: Iterable[Outgoing] = (),
    ) -> int | None:
        """Open a case and queue its messages in one transaction; None when the member has one open already."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM care_cases WHERE member_id = ? AND closed_at IS NULL", (member_id,)
            ) as cur:
                if await cur.fetchone():
                    return None
            cur2 = await conn.execute(
                "INSERT INTO care_cases (member_id, source, situation, visitor_id, opened_by, opened_at, quiet_since) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (member_id, source, situation, visitor_id, opened_by, iso(at), today.isoformat()),
            )
            await enqueue_in(conn, messages)
            assert cur2.lastrowid is not None
            return cur2.lastrowid

    async def add_visit(
        self, case_id: int, visitor_id: int | None, visited_on: date, brought: str, next_step: str, at: datetime
    ) -> int:
        """Log a visit; the case's quiet time restarts from the visit's day (a late entry for an older day
        leaves a later one in place)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO care_visits (case_id, visitor_id, visited_on, brought, next_step, logged_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (case_id, visitor_id, visited_on.isoformat(), brought, next_step, iso(at)),
            )
            await conn.execute(
                "UPDATE care_cases SET quiet_since = max(quiet_since, ?) WHERE id = ?",
                (visited_on.isoformat(), case_id),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    async def close(self, case_id: int, closed_by: int | None, outcome: str, at: datetime) -> bool:
        """Close an open case with its outcome; False when it was closed already."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE care_cases SET closed_at = ?, closed_by = ?, outcome = ? WHERE id = ? AND closed_at IS NULL",
                (iso(at), closed_by, outcome, case_id),
            )
            return cur.rowcount == 1

    async def quiet(self, silent_since: date) -> list[CareCase]:
        """Open cases of active members with nothing since `silent_since` or before (through the index)."""
        # The open cases by their own index, whatever the statistics say (the sweep asks every day; a plan from the
        # members' side reads them all).
        rows = await self.db.fetchall(
            _CASE_SQL.replace("FROM care_cases c ", "FROM care_cases c INDEXED BY care_cases_quiet ")
            + "WHERE c.closed_at IS NULL AND c.quiet_since <= ? AND m.active ORDER BY c.id",
            (silent_since.isoformat(),),
        )
        return [_case(r) for r in rows]

    async def last_visits(self, member_ids: Sequence[int]) -> dict[int, date]:
        """Member → the day of their latest care visit, on any case."""
        if not member_ids:
            return {}
        rows = await self.db.fetchall(
            f"SELECT c.member_id, max(v.visited_on) FROM care_visits v JOIN care_cases c ON c.id = v.case_id "
            f"WHERE c.member_id IN ({_marks(member_ids)}) GROUP BY c.member_id",
            tuple(member_ids),
        )
        return {r[0]: date.fromisoformat(r[1]) for r in rows}

    # ---- exports
    async def each_case(self, units: Collection[int] | None = None) -> AsyncGenerator[CareCase, None]:
        where, params = _in_units(units)
        async for row in self.db.stream(_CASE_SQL + (f"WHERE {where} " if where else "") + "ORDER BY c.id", params):
            yield _case(row)

    async def each_visit(self, units: Collection[int] | None = None) -> AsyncGenerator[CareVisit, None]:
        where, params = _in_units(units)
        sql = (
            "SELECT w.*, m.name AS member_name, m.unit_id AS member_unit, v.name AS visitor_name "
            "FROM care_visits w JOIN care_cases c ON c.id = w.case_id JOIN members m ON m.id = c.member_id "
            "LEFT JOIN members v ON v.id = w.visitor_id " + (f"WHERE {where} " if where else "") + "ORDER BY w.id"
        )
        async for row in self.db.stream(sql, params):
            yield _visit(row)
