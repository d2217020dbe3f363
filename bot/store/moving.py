"""Members who move, the rest of issue 27: the member file's fields (`member_details`), the 流动党员活动证 read for
its reminder, 在职党员 到社区报到 (`community_service`) and 学时 (meetings attended, `notices.study_hours`, and
`study_records`).

The 身份证号 is a field like the others in `member_details`, but every read here leaves it out except `id_number`,
which the member file alone calls: no list, sheet, export or log reads it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.store.db import Database, iso
from bot.store.outbox import Outgoing, enqueue_in

ID_FIELD = "id_number"


@dataclass(frozen=True)
class Card:
    """A member's 流动党员活动证 as the roster gives it."""

    member_id: int
    name: str
    unit_id: int
    number: str
    until: date


@dataclass(frozen=True)
class Service:
    """One 报到 or activity of an 在职党员 for the community."""

    id: int
    member_id: int
    name: str
    unit_id: int
    kind: str
    on: date
    what: str
    hours: float


@dataclass(frozen=True)
class Attended:
    """A meeting a member was present at (checked in or registered present), with its 学时 when set."""

    member_id: int
    notice_id: int
    kind: str
    starts_at: datetime
    topic: str
    hours: float | None


@dataclass(frozen=True)
class Studied:
    """Study outside the branch's meetings, entered by a secretary."""

    member_id: int
    on: date
    hours: float
    what: str


@dataclass(frozen=True)
class Entry:
    """What a write records: the member, the day, what and how many hours, and who entered it."""

    member_id: int
    on: date
    what: str
    hours: float
    by: int | None


def _marks(ids: Collection[int]) -> str:
    return ",".join("?" * len(ids))


class MovingRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------------ the member file's fields

    async def details(self, member_id: int) -> dict[str, str]:
        """The member's file fields, without the 身份证号."""
        return (await self.details_of([member_id])).get(member_id, {})

    async def details_of(self, member_ids: Collection[int]) -> dict[int, dict[str, str]]:
        """The file fields of these members (for the sheets), without the 身份证号."""
        out: dict[int, dict[str, str]] = {}
        ids = sorted(member_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = await self.db.fetchall(
                f"SELECT member_id, field, value FROM member_details WHERE member_id IN ({_marks(chunk)}) "
                "AND field <> ?",
                (*chunk, ID_FIELD),
            )
            for r in rows:
                out.setdefault(int(r[0]), {})[str(r[1])] = str(r[2])
        return out

    async def id_number(self, member_id: int) -> str | None:
        """The 身份证号, for the member file only."""
        row = await self.db.fetchone(
            "SELECT value FROM member_details WHERE member_id = ? AND field = ?", (member_id, ID_FIELD)
        )
        return str(row[0]) if row else None

    async def keep_id_numbers(self, keep: bool) -> int:
        """STORE_ID_NUMBERS: when false, every 身份证号 kept before is removed. How many."""
        if keep:
            return 0
        async with self.db.transaction() as conn:
            cur = await conn.execute("DELETE FROM member_details WHERE field = ?", (ID_FIELD,))
            return cur.rowcount

    async def cards(self) -> list[Card]:
        """Every active member's 流动党员活动证 that has a last day."""
        rows = await self.db.fetchall(
            "SELECT m.id, m.name, m.unit_id, COALESCE(n.value, '') AS number, u.value AS until "
            "FROM member_details u JOIN members m ON m.id = u.member_id AND m.active = 1 "
            "LEFT JOIN member_details n ON n.member_id = m.id AND n.field = 'card_no' "
            "WHERE u.field = 'card_until' ORDER BY u.value, m.id"
        )
        return [Card(r["id"], r["name"], r["unit_id"], r["number"], date.fromisoformat(r["until"])) for r in rows]

    async def separated(self) -> list[tuple[int, str, int, int, str]]:
        """(id, name, unit id, liaison id, last heard from) of each active 人户分离 member with a liaison: the last
        contact logged, thought report or status (`last_seen_at`), else when they came on the roster."""
        rows = await self.db.fetchall(
            "SELECT id, name, unit_id, liaison_id, COALESCE(last_seen_at, created_at) AS seen FROM members "
            "WHERE category = 'separated' AND active = 1 AND liaison_id IS NOT NULL ORDER BY id"
        )
        return [(int(r[0]), str(r[1]), int(r[2]), int(r[3]), str(r[4])) for r in rows]

    # ------------------------------------------------------------------ 在职党员 到社区报到

    async def serving(self, unit_ids: Collection[int] | None = None) -> list[tuple[int, str, int]]:
        """(id, name, unit id) of the active 在职党员 whose relation is with their employer (of these units)."""
        where: str = ""
        params: tuple[int, ...] = ()
        if unit_ids is not None:
            where, params = f" AND unit_id IN ({_marks(unit_ids)})", tuple(sorted(unit_ids))
        rows = await self.db.fetchall(
            "SELECT id, name, unit_id FROM members WHERE active = 1 AND category = 'employed' AND relation <> 'here'"
            + where
            + " ORDER BY unit_id, id",
            params,
        )
        return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]

    async def add_service(self, kind: str, entry: Entry, now: datetime, tell: Sequence[Outgoing] = ()) -> int:
        """Record a 报到, an activity or a 流入地 activity, queueing `tell` (the liaison's message) with it."""
        async with self.db.transaction() as conn:
            await enqueue_in(conn, tell)
            cur = await conn.execute(
                "INSERT INTO community_service (member_id, kind, on_day, what, hours, recorded_by, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (entry.member_id, kind, entry.on.isoformat(), entry.what, entry.hours, entry.by, iso(now)),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    async def service(self, member_ids: Collection[int], first: date, last: date) -> list[Service]:
        """The 报到 and activities of these members between two days (both kept), oldest first."""
        if not member_ids:
            return []
        ids = sorted(member_ids)
        rows = await self.db.fetchall(
            "SELECT s.*, m.name, m.unit_id FROM community_service s JOIN members m ON m.id = s.member_id "
            f"WHERE s.member_id IN ({_marks(ids)}) AND s.on_day BETWEEN ? AND ? ORDER BY s.on_day, s.id",
            (*ids, first.isoformat(), last.isoformat()),
        )
        return [
            Service(
                r["id"],
                r["member_id"],
                r["name"],
                r["unit_id"],
                r["kind"],
                date.fromisoformat(r["on_day"]),
                r["what"],
                float(r["hours"]),
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ 学时

    async def attended(self, member_ids: Collection[int], start: datetime, end: datetime) -> list[Attended]:
        """The meetings (not cancelled) these members were present at, starting in [start, end)."""
        return await self._present("checkins", member_ids, (start, end))

    async def made_up(self, member_ids: Collection[int], start: datetime, end: datetime) -> list[Attended]:
        """The meetings these members made up later (补学), for STUDY_COUNTS_MAKEUP."""
        return await self._present("makeups", member_ids, (start, end))

    async def _present(
        self, table: Literal["checkins", "makeups"], member_ids: Collection[int], span: tuple[datetime, datetime]
    ) -> list[Attended]:
        """The meetings (not cancelled) starting in [span) that `table` records these members for: one query for
        attendance and 补学, the table name being one of two literals, never input."""
        if table not in ("checkins", "makeups"):
            raise ValueError(f"not a table of presence: {table!r}")
        if not member_ids:
            return []
        ids = sorted(member_ids)
        rows = await self.db.fetchall(
            f"SELECT k.member_id, n.id, n.kind, n.starts_at, n.topic, n.study_hours FROM {table} k "
            "JOIN notices n ON n.id = k.notice_id AND n.cancelled_at IS NULL "
            f"WHERE k.member_id IN ({_marks(ids)}) AND n.starts_at >= ? AND n.starts_at < ? ORDER BY n.starts_at",
            (*ids, iso(span[0]), iso(span[1])),
        )
        return [
            Attended(
                int(r[0]),
                int(r[1]),
                str(r[2]),
                datetime.fromisoformat(str(r[3])),
                str(r[4]),
                None if r[5] is None else float(r[5]),
            )
            for r in rows
        ]

    async def set_hours(self, notice_id: int, hours: float | None) -> bool:
        """A meeting's own 学时 (None: its type's default). Whether the meeting exists."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("UPDATE notices SET study_hours = ? WHERE id = ?", (hours, notice_id))
            return cur.rowcount > 0

    async def add_study(self, entry: Entry, now: datetime) -> int:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO study_records (member_id, on_day, hours, what, recorded_by, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (entry.member_id, entry.on.isoformat(), entry.hours, entry.what, entry.by, iso(now)),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    async def studied(self, member_ids: Collection[int], first: date, last: date) -> list[Studied]:
        if not member_ids:
            return []
        ids = sorted(member_ids)
        rows = await self.db.fetchall(
            f"SELECT member_id, on_day, hours, what FROM study_records WHERE member_id IN ({_marks(ids)}) "
            "AND on_day BETWEEN ? AND ? ORDER BY on_day, id",
            (*ids, first.isoformat(), last.isoformat()),
        )
        return [Studied(int(r[0]), date.fromisoformat(r[1]), float(r[2]), str(r[3])) for r in rows]
