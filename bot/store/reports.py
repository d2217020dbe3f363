"""Status reports, thought reports and liaison contacts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import aiosqlite

from bot.store.db import Database, Statement, iso
from bot.store.outbox import OUTBOX_INSERT_SQL, Outgoing, outbox_rows
from bot.store.reports_marks import MarksRepo, chunked, marks

#: Rows made into records between two turns of the event loop.
_ROWS_PER_TURN = 2000


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    telegram_id: int | None
    language: str | None
    reachable: bool


@dataclass(frozen=True)
class MobileRow:
    id: int
    name: str
    unit_id: int
    telegram_id: int | None
    linked: bool
    language: str | None
    liaison_id: int | None
    cadence: str
    migrant_since: str | None
    recorded_at: str | None
    periods: frozenset[str]
    last_touch: datetime | None


@dataclass(frozen=True)
class StatusReport:
    id: int
    member_id: int
    state: str
    location: str | None
    note: str | None
    at: datetime


@dataclass(frozen=True)
class ThoughtReport:
    id: int
    member_id: int
    period: str
    text: str  # '' for a voice report
    submitted_at: datetime
    replaced: int
    voice: str | None = None  # Telegram's file id of a voice report
    seconds: int | None = None  # its length


@dataclass(frozen=True)
class Contact:
    id: int
    member_id: int
    liaison_id: int
    note: str
    at: datetime


def _status(r: aiosqlite.Row) -> StatusReport:
    return StatusReport(r["id"], r["member_id"], r["state"], r["location"], r["note"], datetime.fromisoformat(r["at"]))


def _thought(r: aiosqlite.Row) -> ThoughtReport:
    return ThoughtReport(
        r["id"],
        r["member_id"],
        r["period"],
        r["text"],
        datetime.fromisoformat(r["submitted_at"]),
        r["replaced"],
        r["voice_file_id"],
        r["voice_seconds"],
    )


SEEN_SQL = "UPDATE members SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)"


async def _seen(conn: aiosqlite.Connection, member_id: int, at: datetime) -> None:
    """The member was heard from (a report, a status, a contact by their liaison)."""
    await conn.execute(SEEN_SQL, (iso(at), member_id, iso(at)))


_marks = marks


def _authored(table: str, units: Collection[int] | None) -> tuple[str, tuple[object, ...]]:
    """Every row of a report table (of members whose branch is in `units`, when given), oldest first, with the
    member's name and branch."""
    where = ""
    params: tuple[object, ...] = ()
    if units is not None:
        ids = tuple(sorted(set(units))) or (-1,)
        where, params = f"WHERE m.unit_id IN ({_marks(ids)})", ids
    return (
        f"SELECT r.*, m.name AS member_name, m.unit_id AS member_unit FROM {table} r "
        f"JOIN members m ON m.id = r.member_id {where} ORDER BY r.id",
        params,
    )


class ReportRepo(MarksRepo):
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- status
    async def add_status(
        self,
        member_id: int,
        state: str,
        location: str | None,
        note: str | None,
        at: datetime,
        alerts: Iterable[Outgoing] = (),
        extra: Sequence[Statement] = (),
    ) -> int:
        """Save a status report and queue its alerts in the same transaction — in one hand-over to the
        database thread (the hot path of a busy hour: bench/updates.py). `extra` statements of other
        capabilities go in the same transaction (a care case opened by an illness or hardship)."""
        statements = [
            Statement(
                "INSERT INTO status_reports (member_id, state, location, note, at) VALUES (?, ?, ?, ?, ?)",
                (member_id, state, location, note, iso(at)),
            ),
            Statement(SEEN_SQL, (iso(at), member_id, iso(at))),
            *extra,
        ]
        queued = outbox_rows(alerts)
        if queued:
            statements.append(Statement(OUTBOX_INSERT_SQL, many=queued))
        status_id = (await self.db.write(statements))[0]
        assert status_id is not None
        return status_id

    async def latest_status(self, member_ids: Sequence[int]) -> dict[int, StatusReport]:
        if not member_ids:
            return {}
        rows = await self.db.fetchall(
            f"SELECT s.* FROM status_reports s JOIN (SELECT member_id, max(id) AS id FROM status_reports "
            f"WHERE member_id IN ({_marks(member_ids)}) GROUP BY member_id) l ON s.id = l.id",
            tuple(member_ids),
        )
        return {r["member_id"]: _status(r) for r in rows}

    async def all_status(self, member_ids: Sequence[int] | None = None) -> list[StatusReport]:
        if member_ids is None:
            rows = await self.db.fetchall("SELECT * FROM status_reports ORDER BY id")
        else:
            rows = await self.db.fetchall(
                f"SELECT * FROM status_reports WHERE member_id IN ({_marks(member_ids)}) ORDER BY id", tuple(member_ids)
            )
        return [_status(r) for r in rows]

    async def each_status(
        self,
        units: Collection[int] | None = None,
    ) -> AsyncGenerator[tuple[StatusReport, str, int], None]:
        """Every status report (of members whose branch is in `units`, when given) in the order of `all_status`,
        with the member's name and branch, streamed from a cursor: for exports."""
        async for row in self.db.stream(*_authored("status_reports", units)):
            yield _status(row), row["member_name"], row["member_unit"]

    async def each_thought(
        self,
        units: Collection[int] | None = None,
    ) -> AsyncGenerator[tuple[ThoughtReport, str, int], None]:
        """Every thought report, like `each_status`."""
        async for row in self.db.stream(*_authored("thought_reports", units)):
            yield _thought(row), row["member_name"], row["member_unit"]

    # ---- thought reports
    async def thought(self, member_id: int, period: str) -> ThoughtReport | None:
        row = await self.db.fetchone(
            "SELECT * FROM thought_reports WHERE member_id = ? AND period = ?", (member_id, period)
        )
        return _thought(row) if row else None

    async def thought_by_id(self, report_id: int) -> ThoughtReport | None:
        row = await self.db.fetchone("SELECT * FROM thought_reports WHERE id = ?", (report_id,))
        return _thought(row) if row else None

    async def save_thought(
        self, member_id: int, period: str, text: str, at: datetime, voice: str | None = None, seconds: int | None = None
    ) -> tuple[int, bool]:
        """Save the period's report (text, or a voice message: `text` '' and its file id), replacing an earlier
        one; (id, replaced)."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT id FROM thought_reports WHERE member_id = ? AND period = ?", (member_id, period)
            ) as cur:
                existing = await cur.fetchone()
            if existing:
                await conn.execute(
                    "UPDATE thought_reports SET text = ?, submitted_at = ?, replaced = replaced + 1, "
                    "voice_file_id = ?, voice_seconds = ? WHERE id = ?",
                    (text, iso(at), voice, seconds, existing[0]),
                )
                await _seen(conn, member_id, at)
                return int(existing[0]), True
            cur2 = await conn.execute(
                "INSERT INTO thought_reports (member_id, period, text, submitted_at, voice_file_id, voice_seconds) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (member_id, period, text, iso(at), voice, seconds),
            )
            assert cur2.lastrowid is not None
            await _seen(conn, member_id, at)
            return cur2.lastrowid, False

    async def thoughts_for(self, member_ids: Sequence[int], periods: Sequence[str]) -> list[ThoughtReport]:
        """The reports of these members for these periods (in chunks: a unit may have more members than SQLite
        takes parameters)."""
        if not member_ids or not periods:
            return []
        out: list[ThoughtReport] = []
        for chunk in chunked(member_ids):
            rows = await self.db.fetchall(
                f"SELECT * FROM thought_reports WHERE member_id IN ({_marks(chunk)}) AND period IN ({_marks(periods)})",
                (*chunk, *periods),
            )
            out.extend(_thought(r) for r in rows)
        return out

    async def all_thoughts(self, member_ids: Sequence[int] | None = None) -> list[ThoughtReport]:
        if member_ids is None:
            rows = await self.db.fetchall("SELECT * FROM thought_reports ORDER BY id")
        else:
            rows = await self.db.fetchall(
                f"SELECT * FROM thought_reports WHERE member_id IN ({_marks(member_ids)}) ORDER BY id",
                tuple(member_ids),
            )
        return [_thought(r) for r in rows]

    # ---- contacts
    async def add_contact(self, member_id: int, liaison_id: int, note: str, at: datetime) -> int:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO contacts (member_id, liaison_id, note, at) VALUES (?, ?, ?, ?)",
                (member_id, liaison_id, note, iso(at)),
            )
            assert cur.lastrowid is not None
            await _seen(conn, member_id, at)
            return cur.lastrowid

    # ---- for the reminder sweep: one query per kind, for every mobile member or for a chunk of them
    async def mobile_members(self, since_year: int = 0, member_ids: Sequence[int] | None = None) -> list[MobileRow]:
        """Every mobile member (or those of `member_ids` who are) with what the sweep needs: cadence, since,
        periods submitted from `since_year` on, and when the member was last heard from (contact, report or
        status)."""
        where = ""
        params: tuple[int, ...] = ()
        if member_ids is not None:
            if not member_ids:
                return []
            where, params = f" AND m.id IN ({_marks(member_ids)})", tuple(member_ids)
        rows = await self.db.fetchall_tuples(
            "SELECT m.id, m.name, m.unit_id, m.telegram_id, "
            "m.linked_at IS NOT NULL AND m.telegram_id IS NOT NULL AND NOT m.unreachable, "
            "m.language, m.liaison_id, m.report_cadence, m.migrant_since, "
            "COALESCE(m.mobile_recorded_at, m.created_at), "
            "(SELECT group_concat(period, ';') FROM thought_reports t WHERE t.member_id = m.id "
            " AND t.period >= ?), m.last_seen_at "
            "FROM members m WHERE m.category = 'migrant' AND m.report_cadence IS NOT NULL AND m.active" + where,
            (f"{since_year:04d}", *params),
        )
        parse = datetime.fromisoformat
        out: list[MobileRow] = []
        for start in range(0, len(rows), _ROWS_PER_TURN):  # 10 000 mobile members at 100 000: the loop let go
            if start:
                await asyncio.sleep(0)
            out += [
                MobileRow(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    bool(r[4]),
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    r[9],
                    frozenset(r[10].split(";")) if r[10] else frozenset(),
                    parse(r[11]) if r[11] else None,
                )
                for r in cast("list[tuple[Any, ...]]", rows[start : start + _ROWS_PER_TURN])
            ]
        return out

    async def people_index(self, ids: Sequence[int] | None = None) -> dict[int, Person]:
        """Id → how to reach each liaison of a mobile member and each secretary (or the active members of
        `ids`: the liaisons and secretaries a chunk of chains needs)."""
        reach = "linked_at IS NOT NULL AND telegram_id IS NOT NULL AND NOT unreachable"
        if ids is not None:
            if not ids:
                return {}
            rows = await self.db.fetchall_tuples(
                f"SELECT id, name, telegram_id, language, {reach} FROM members WHERE active AND id IN ({_marks(ids)})",
                tuple(ids),
            )
        else:
            rows = await self.db.fetchall_tuples(
                f"SELECT id, name, telegram_id, language, {reach} FROM members WHERE active AND id IN "
                "(SELECT liaison_id FROM members WHERE category = 'migrant' AND liaison_id IS NOT NULL AND active "
                " UNION SELECT member_id FROM member_roles WHERE role = 'secretary')"
            )
        return {r[0]: Person(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows}  # type: ignore[misc, arg-type]

    async def secretaries(self, unit_ids: Sequence[int] | None = None) -> list[tuple[int, int]]:
        """(member id, unit id) of every secretary (of these units)."""
        where = ""
        params: tuple[int, ...] = ()
        if unit_ids is not None:
            if not unit_ids:
                return []
            where, params = f" AND m.unit_id IN ({_marks(unit_ids)})", tuple(unit_ids)
        rows = await self.db.fetchall(
            "SELECT m.id, m.unit_id FROM members m JOIN member_roles r ON r.member_id = m.id "
            "WHERE r.role = 'secretary' AND m.active" + where,
            params,
        )
        return [(r[0], r[1]) for r in rows]
