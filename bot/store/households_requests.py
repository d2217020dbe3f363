"""Residents' requests (民情诉求) and their steps: the only SQL about them."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.store.db import Database, iso
from bot.store.outbox import Outgoing, enqueue_in

OPEN_STATES = ("received", "in_progress", "passed_up", "committee")


@dataclass(frozen=True)
class Request:
    id: int
    household_id: int
    visit_id: int | None
    logged_by: int | None
    handler_id: int | None
    unit_id: int
    text: str
    state: str
    advice: str | None
    resolution: str | None
    satisfaction: str | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    head: str = ""  # the household's 户主
    household_member_id: int | None = None  # the member linked to the household
    handler_name: str = ""
    source: str | None = None  # 来源: visit, hearing, letter, walkin, call (None: logged before it was recorded)
    notice_id: int | None = None  # the 恳谈会 that raised it
    kind: str = "request"  # or `agency`: a 代办, its handler the agent (代办员)
    deadline: date | None = None  # a 代办's

    @property
    def open(self) -> bool:
        return self.state != "resolved"


@dataclass(frozen=True)
class Step:
    request_id: int
    member_id: int | None
    member_name: str
    action: str
    note: str | None
    at: datetime


@dataclass(frozen=True)
class NewRequest:
    household_id: int
    visit_id: int | None
    logged_by: int
    handler_id: int
    unit_id: int
    text: str
    source: str | None = None
    notice_id: int | None = None
    kind: str = "request"
    deadline: date | None = None


_SELECT = (
    "SELECT r.*, h.head AS head, h.member_id AS household_member_id, m.name AS handler_name "
    "FROM requests r JOIN households h ON h.id = r.household_id LEFT JOIN members m ON m.id = r.handler_id"
)


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _request(r: aiosqlite.Row) -> Request:
    deadline = r["deadline"]
    return Request(
        r["id"],
        r["household_id"],
        r["visit_id"],
        r["logged_by"],
        r["handler_id"],
        r["unit_id"],
        r["text"],
        r["state"],
        r["advice"],
        r["resolution"],
        r["satisfaction"],
        datetime.fromisoformat(r["created_at"]),
        datetime.fromisoformat(r["updated_at"]),
        _when(r["resolved_at"]),
        r["head"],
        r["household_member_id"],
        r["handler_name"] or "",
        r["source"],
        r["notice_id"],
        r["kind"],
        date.fromisoformat(deadline) if deadline else None,
    )


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


async def add_step(
    conn: aiosqlite.Connection, request_id: int, member_id: int | None, action: str, note: str | None, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO request_steps (request_id, member_id, action, note, at) VALUES (?, ?, ?, ?, ?)",
        (request_id, member_id, action, note, iso(now)),
    )


class RequestRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, request_id: int) -> Request | None:
        row = await self.db.fetchone(f"{_SELECT} WHERE r.id = ?", (request_id,))
        return _request(row) if row else None

    async def by_ids(self, request_ids: Sequence[int]) -> dict[int, Request]:
        if not request_ids:
            return {}
        rows = await self.db.fetchall(f"{_SELECT} WHERE r.id IN ({_marks(request_ids)})", tuple(request_ids))
        return {r["id"]: _request(r) for r in rows}

    async def open_for(self, handler_id: int | None, units: Collection[int]) -> list[Request]:
        """Open requests this member handles, or that belong to `units`; the oldest first."""
        ids = sorted(units)
        where = ["r.handler_id = ?"] if handler_id is not None else []
        if ids:
            where.append(f"r.unit_id IN ({_marks(ids)})")
        if not where:
            return []
        params = ((handler_id,) if handler_id is not None else ()) + tuple(ids)
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE r.state != 'resolved' AND ({' OR '.join(where)}) ORDER BY r.created_at, r.id", params
        )
        return [_request(r) for r in rows]

    async def of_notice(self, notice_id: int) -> list[Request]:
        """The requests a 恳谈会 raised, in the order they were logged."""
        rows = await self.db.fetchall(f"{_SELECT} WHERE r.notice_id = ? ORDER BY r.id", (notice_id,))
        return [_request(r) for r in rows]

    async def hearing_counts(self, units: Collection[int], start: datetime, end: datetime) -> tuple[int, int, int]:
        """民情恳谈 of these units between `start` and `end`: (恳谈会 held — not cancelled —, issues raised as
        requests, of them 办结)."""
        ids = sorted(units) or [-1]
        marks = _marks(ids)
        row = await self.db.fetchone(
            "WITH held AS (SELECT id FROM notices WHERE hearing = 1 AND cancelled_at IS NULL "
            f"AND unit_id IN ({marks}) AND starts_at >= ? AND starts_at < ?) "
            "SELECT (SELECT count(*) FROM held), "
            "(SELECT count(*) FROM requests WHERE notice_id IN (SELECT id FROM held)), "
            "(SELECT count(*) FROM requests WHERE notice_id IN (SELECT id FROM held) AND state = 'resolved')",
            (*ids, iso(start), iso(end)),
        )
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    async def figures(self, units: Collection[int], since: datetime, stale_before: datetime, today: date) -> list[int]:
        """The 诉求 figures of these units: [open, open since before `stale_before`, 代办 open past their deadline
        (before `today`), resolved since `since`]."""
        ids = sorted(units) or [-1]
        row = await self.db.fetchone(
            "SELECT sum(state != 'resolved'), sum(state != 'resolved' AND created_at < ?), "
            "sum(state != 'resolved' AND kind = 'agency' AND deadline < ?), "
            "sum(state = 'resolved' AND resolved_at >= ?) "
            f"FROM requests WHERE unit_id IN ({_marks(ids)})",
            (iso(stale_before), today.isoformat(), iso(since), *ids),
        )
        assert row is not None
        return [int(v or 0) for v in row]

    async def agencies_until(self, last: date) -> list[Request]:
        """Open 代办 whose deadline is `last` or earlier: the reminders of their agents."""
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE r.kind = 'agency' AND r.state != 'resolved' AND r.deadline <= ? ORDER BY r.id",
            (last.isoformat(),),
        )
        return [_request(r) for r in rows]

    async def note(self, request_id: int, member_id: int, note: str, now: datetime) -> bool:
        """A progress note (进展) on an open request: a step of its history; False once it is resolved."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE requests SET updated_at = ? WHERE id = ? AND state != 'resolved'", (iso(now), request_id)
            )
            if cur.rowcount != 1:
                return False
            await add_step(conn, request_id, member_id, "note", note, now)
            return True

    async def steps(self, request_id: int) -> list[Step]:
        rows = await self.db.fetchall(
            "SELECT s.*, m.name AS member_name FROM request_steps s LEFT JOIN members m ON m.id = s.member_id "
            "WHERE s.request_id = ? ORDER BY s.id",
            (request_id,),
        )
        return [
            Step(
                r["request_id"],
                r["member_id"],
                r["member_name"] or "",
                r["action"],
                r["note"],
                datetime.fromisoformat(r["at"]),
            )
            for r in rows
        ]

    async def move(
        self,
        request_id: int,
        expected_state: str,
        member_id: int,
        action: str,
        now: datetime,
        *,
        state: str,
        handler_id: int | None,
        note: str | None = None,
        advice: str | None = None,
        resolution: str | None = None,
        messages: Iterable[Outgoing] = (),
    ) -> int | None:
        """Move the request on when it is still in `expected_state` (a second press of a stale button changes
        nothing): the new state and handler, a step in its history, and the messages to others, in one
        transaction. None when it had moved already; else how many messages were queued."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE requests SET state = ?, handler_id = ?, updated_at = ?, advice = COALESCE(?, advice), "
                "resolution = COALESCE(?, resolution), resolved_at = CASE WHEN ? = 'resolved' THEN ? "
                "ELSE resolved_at END WHERE id = ? AND state = ?",
                (state, handler_id, iso(now), advice, resolution, state, iso(now), request_id, expected_state),
            )
            if cur.rowcount != 1:
                return None
            await add_step(conn, request_id, member_id, action, note, now)
            return await enqueue_in(conn, messages)

    async def rate(self, request_id: int, member_id: int, satisfaction: str, now: datetime) -> bool:
        """The resident's satisfaction, once, on a resolved request."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE requests SET satisfaction = ?, updated_at = ? "
                "WHERE id = ? AND state = 'resolved' AND satisfaction IS NULL",
                (satisfaction, iso(now), request_id),
            )
            if cur.rowcount != 1:
                return False
            await add_step(conn, request_id, member_id, "rated", satisfaction, now)
            return True

    async def secretaries_of(self, unit_id: int) -> list[int]:
        """The active secretaries of a unit (member ids)."""
        rows = await self.db.fetchall(
            "SELECT m.id FROM members m JOIN member_roles r ON r.member_id = m.id AND r.role = 'secretary' "
            "WHERE m.unit_id = ? AND m.active ORDER BY m.id",
            (unit_id,),
        )
        return [int(r[0]) for r in rows]

    async def each(self, units: Collection[int] | None) -> AsyncGenerator[Request, None]:
        where, params = ("", ()) if units is None else (f"WHERE r.unit_id IN ({_marks(list(units))})", tuple(units))
        async for row in self.db.stream(f"{_SELECT} {where} ORDER BY r.id", params):
            yield _request(row)


class RequestWrites:
    """Requests written inside a unit of work (`Store.unit_of_work`), e.g. with the visit that raised them."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def enqueue(self, messages: Iterable[Outgoing]) -> int:
        """Messages about the request just written, in the same transaction; how many were queued."""
        return await enqueue_in(self._conn, messages)

    async def add(self, new: NewRequest, now: datetime) -> int:
        """A new request, received; its number."""
        number = await self.add_once(new, now)
        assert number is not None, "only a 恳谈会's request can be there already"
        return number

    async def add_once(self, new: NewRequest, now: datetime) -> int | None:
        """A new request, received; its number. None when the same 恳谈会 raised the same text for the same
        household already (`requests_hearing_once`: two saves of one record at once raise it once)."""
        deadline = new.deadline.isoformat() if new.deadline else None
        cur = await self._conn.execute(
            "INSERT INTO requests (household_id, visit_id, logged_by, handler_id, unit_id, text, state, "
            "created_at, updated_at, source, notice_id, kind, deadline) "
            "VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                new.household_id,
                new.visit_id,
                new.logged_by,
                new.handler_id,
                new.unit_id,
                new.text,
                iso(now),
                iso(now),
                new.source,
                new.notice_id,
                new.kind,
                deadline,
            ),
        )
        if cur.rowcount == 0:
            return None
        assert cur.lastrowid is not None
        await add_step(self._conn, cur.lastrowid, new.logged_by, "received", None, now)
        return cur.lastrowid
