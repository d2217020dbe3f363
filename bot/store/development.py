"""发展党员: the register of people on their way into the Party and the steps recorded on them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.store.db import Database, iso
from bot.store.development_reports import DevelopmentReportsRepo


@dataclass(frozen=True)
class StepRow:
    id: int
    step: str
    on: date
    months: int
    people: str
    note: str
    recorded_by: int | None
    recorded_by_name: str | None
    meeting: tuple[int, int] | None = None  # the 支部党员大会's notice and resolution number it was taken by
    recorded_at: datetime | None = None
    ends_on: date | None = None  # 公示: the 公示期's last day
    period: str | None = None  # a 思想汇报 handed in through the bot: the quarter it was filed under (`2026-Q2`)


@dataclass(frozen=True)
class Person:
    """One record of the register with its steps, oldest first."""

    id: int
    unit_id: int
    name: str
    birth: date | None
    stage: str
    stage_on: date
    steps: tuple[StepRow, ...]
    telegram_id: int | None = None  # the roster's: the person's private chat (their 思想汇报, its reminders)
    language: str | None = None  # chosen with /lang in that chat


@dataclass(frozen=True)
class Write:
    """A step to record: what the rules allowed, and the stage it makes."""

    step: str
    on: date
    months: int
    people: str
    note: str
    stage: str
    stage_on: date
    birth: date | None = None  # 入党申请 on a record the roster made: the birth day it was missing
    meeting: tuple[int, int] | None = None  # 接收 / 转正: the notice and the resolution's number (its minutes)
    ends_on: date | None = None  # 公示: the 公示期's last day


#: What a step does to the person's row in `members` (member status follows the record).
BECOMES_PROBATIONARY, BECOMES_FULL, LEAVES = "approve", "confirm", "cancel"


def _step(r: aiosqlite.Row) -> StepRow:
    return StepRow(
        r["id"],
        r["step"],
        date.fromisoformat(r["on_day"]),
        r["months"],
        r["people"],
        r["note"],
        r["recorded_by"],
        r["recorder"],
        (r["notice_id"], r["resolution_seq"]) if r["notice_id"] is not None else None,
        datetime.fromisoformat(r["recorded_at"]),
        date.fromisoformat(r["ends_on"]) if r["ends_on"] else None,
        r["period"],
    )


class DevelopmentRepo(DevelopmentReportsRepo):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _people(self, where: str, params: tuple[object, ...]) -> list[Person]:
        rows = await self.db.fetchall(f"SELECT * FROM development WHERE {where} ORDER BY unit_id, id", params)
        if not rows:
            return []
        ids = tuple(r["id"] for r in rows)
        steps = await self.db.fetchall(
            "SELECT s.*, m.name AS recorder, r.period FROM development_steps s "
            "LEFT JOIN members m ON m.id = s.recorded_by LEFT JOIN development_reports r ON r.step_id = s.id "
            f"WHERE s.person_id IN ({','.join('?' * len(ids))}) ORDER BY s.id",
            ids,
        )
        by_person: dict[int, list[StepRow]] = {}
        for s in steps:
            by_person.setdefault(s["person_id"], []).append(_step(s))
        return [
            Person(
                r["id"],
                r["unit_id"],
                r["name"],
                date.fromisoformat(r["birth"]) if r["birth"] else None,
                r["stage"],
                date.fromisoformat(r["stage_on"]),
                tuple(by_person.get(r["id"], ())),
                r["telegram_id"],
                r["language"],
            )
            for r in rows
        ]

    async def named(self, name: str, units: Collection[int]) -> list[Person]:
        ids = tuple(sorted(set(units))) or (-1,)
        return await self._people(f"name = ? AND unit_id IN ({','.join('?' * len(ids))})", (name, *ids))

    async def in_units(self, units: Collection[int] | None) -> list[Person]:
        """Every record of these units (all when None), by unit then as entered."""
        if units is None:
            return await self._people("1", ())
        ids = tuple(sorted(set(units))) or (-1,)
        return await self._people(f"unit_id IN ({','.join('?' * len(ids))})", ids)

    async def get(self, person_id: int) -> Person | None:
        found = await self._people("id = ?", (person_id,))
        return found[0] if found else None

    async def by_telegram(self, telegram_id: int) -> list[Person]:
        """The records whose person the roster gave this Telegram id (through its partial index): more than one
        when the person was imported into another branch too."""
        return await self._people("telegram_id = ?", (telegram_id,))

    async def set_language(self, telegram_id: int, language: str) -> None:
        """/lang in the private chat of a person of the register: every record with their Telegram id."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE development SET language = ? WHERE telegram_id = ?", (language, telegram_id))

    async def report_days(self, person_ids: Collection[int]) -> dict[int, list[datetime]]:
        """The days each record's person handed in a 思想汇报 (as 预备党员 and after, when they are a member of the
        same branch under the same name), for the 积极分子 register's count per quarter."""
        ids = tuple(sorted(set(person_ids))) or (-1,)
        rows = await self.db.fetchall_tuples(
            "SELECT d.id, r.submitted_at FROM development d "
            "JOIN members m ON m.unit_id = d.unit_id AND m.name = d.name "
            f"JOIN thought_reports r ON r.member_id = m.id WHERE d.id IN ({','.join('?' * len(ids))}) "
            "ORDER BY r.submitted_at",
            ids,
        )
        found: dict[int, list[datetime]] = {}
        for person_id, at in rows:
            found.setdefault(int(str(person_id)), []).append(datetime.fromisoformat(str(at)))
        return found

    async def running(self, stages: Collection[str]) -> list[Person]:
        """Records at a stage whose timers run (through the stage index): what the sweep reads."""
        ids = tuple(sorted(stages))
        return await self._people(f"stage IN ({','.join('?' * len(ids))})", ids)

    async def apply(
        self, unit_id: int, name: str, birth: date | None, write: Write, by: int | None, at: datetime
    ) -> int | None:
        """A new record with its application; None when the unit has a record of this name already."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT OR IGNORE INTO development (unit_id, name, birth, stage, stage_on, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (unit_id, name, birth.isoformat() if birth else None, write.stage, write.stage_on.isoformat(), iso(at)),
            )
            if cur.rowcount == 0 or cur.lastrowid is None:
                return None
            await self._add(conn, cur.lastrowid, write, by, at)
            return cur.lastrowid

    async def record(self, person: Person, write: Write, by: int | None, at: datetime) -> bool:
        """Record a step on a record still as the caller read it (its last step the same), move its stage, and
        make the member row follow: 审批 writes them as 预备党员 (入党时间 the 支部大会's day), 转正 as 正式党员
        (转正时间), 取消 deactivates them. False when the record changed in between."""
        last = person.steps[-1].id if person.steps else 0
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT coalesce(max(id), 0) FROM development_steps WHERE person_id = ?", (person.id,)
            ) as cur:
                row = await cur.fetchone()
            if row is None or row[0] != last:
                return False
            await self._add(conn, person.id, write, by, at)
            await conn.execute(
                "UPDATE development SET stage = ?, stage_on = ?, birth = coalesce(?, birth) WHERE id = ?",
                (write.stage, write.stage_on.isoformat(), write.birth.isoformat() if write.birth else None, person.id),
            )
            await self._follow(conn, person, write, at)
            return True

    async def _add(
        self, conn: aiosqlite.Connection, person_id: int, write: Write, by: int | None, at: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO development_steps (person_id, step, on_day, months, people, note, recorded_by, recorded_at, "
            "notice_id, resolution_seq, ends_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                person_id,
                write.step,
                write.on.isoformat(),
                write.months,
                write.people,
                write.note,
                by,
                iso(at),
                *(write.meeting or (None, None)),
                write.ends_on.isoformat() if write.ends_on else None,
            ),
        )

    async def _follow(self, conn: aiosqlite.Connection, person: Person, write: Write, at: datetime) -> None:
        stamp = iso(at)
        if write.step == BECOMES_PROBATIONARY:
            await conn.execute(
                "INSERT INTO members (name, unit_id, membership, joined, created_at, updated_at) "
                "VALUES (?, ?, 'probationary', ?, ?, ?) ON CONFLICT (unit_id, name) DO UPDATE SET "
                "membership = 'probationary', joined = excluded.joined, confirmed = NULL, active = 1, "
                "updated_at = excluded.updated_at",
                (person.name, person.unit_id, write.stage_on.isoformat(), stamp, stamp),
            )
        elif write.step == BECOMES_FULL:
            await conn.execute(
                "UPDATE members SET membership = 'full', confirmed = ?, updated_at = ? WHERE unit_id = ? AND name = ?",
                (write.on.isoformat(), stamp, person.unit_id, person.name),
            )
        elif write.step == LEAVES:
            await conn.execute(
                "UPDATE members SET active = 0, deactivated_at = ?, updated_at = ? "
                "WHERE unit_id = ? AND name = ? AND membership = 'probationary'",
                (stamp, stamp, person.unit_id, person.name),
            )


class DevelopmentWrites:
    """The roster's 入党申请人, 积极分子 and 发展对象 (issue 24), written in the import's transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def from_roster(self, unit_id: int, name: str, stage: str, telegram_id: int | None, at: datetime) -> str:
        """Put the person in the register at the roster's stage, from today, when they are not in it yet; a record
        without steps (思想汇报 aside) follows the roster's stage; one with steps keeps its own (the steps are the
        record). The Telegram id is the roster's. `created`, `updated` or `unchanged`."""
        async with self._conn.execute(
            "SELECT d.id, d.stage, d.telegram_id, EXISTS (SELECT 1 FROM development_steps s "
            "WHERE s.person_id = d.id AND s.step <> 'report') "
            "FROM development d WHERE d.unit_id = ? AND d.name = ?",
            (unit_id, name),
        ) as cur:
            row = await cur.fetchone()
        day = at.date().isoformat()
        if row is None:
            await self._conn.execute(
                "INSERT INTO development (unit_id, name, stage, stage_on, created_at, telegram_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (unit_id, name, stage, day, iso(at), telegram_id),
            )
            return "created"
        person_id, current, known, stepped = row
        follows = not stepped and current != stage
        if not follows and known == telegram_id:
            return "unchanged"
        await self._conn.execute(
            "UPDATE development SET telegram_id = ?, stage = CASE WHEN ? THEN ? ELSE stage END, "
            "stage_on = CASE WHEN ? THEN ? ELSE stage_on END WHERE id = ?",
            (telegram_id, follows, stage, follows, day, person_id),
        )
        return "updated"
