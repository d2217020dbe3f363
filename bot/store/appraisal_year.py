"""The reads and writes of the branch's year added after its first round (issue 26): what prompts a 谈心谈话
(ratings of 基本合格 / 不合格, talks since a day), 对照检查材料 and 自评 handed in as a voice message or a file, and
a 组织生活会's 批评和自我批评 and 民主评议 in its minutes."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection
from dataclasses import dataclass
from datetime import date, datetime

from bot.store.db import Database, Statement, iso


@dataclass(frozen=True)
class HandedFile:
    """A material or 自评 handed in as a file: whose, its kind (`voice`, `document`) and Telegram file id."""

    member_id: int
    member_name: str
    kind: str
    file_id: str
    at: datetime


@dataclass(frozen=True)
class Criticism:
    """One member's 批评和自我批评 at a 组织生活会."""

    member_id: int
    member_name: str
    self_text: str
    received: str


@dataclass(frozen=True)
class LifeAppraisal:
    """What the minutes of a 组织生活会 say of the 民主评议: held with it, or not and why."""

    held: bool
    reason: str


@dataclass(frozen=True)
class TalkRow:
    """A talk as the CSV gives it: who, with whom, when, 形式 (never its 内容 or note)."""

    unit_id: int
    held_on: date
    a_name: str
    b_name: str
    form: str


def _marks(ids: Collection[object]) -> str:
    return ",".join("?" * len(ids))


class YearRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _write(self, sql: str, params: tuple[object, ...]) -> None:
        await self.db.write([Statement(sql, params)])

    # what prompts a 谈心谈话

    async def follow_up_ratings(self, since: date) -> list[tuple[int, int, int, str, datetime]]:
        """(appraisal id, member id, unit id, grade, when rated) of each 基本合格 / 不合格 rated from `since`."""
        rows = await self.db.fetchall(
            "SELECT r.appraisal_id, r.member_id, a.unit_id, r.grade, r.rated_at "
            "FROM appraisal_ratings r JOIN appraisals a ON a.id = r.appraisal_id "
            "WHERE r.grade IN ('basic', 'unqualified') AND r.rated_at >= ? ORDER BY r.appraisal_id, r.member_id",
            (since.isoformat(),),
        )
        return [(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]

    async def talks_since(self, since: date) -> list[tuple[int, int, date]]:
        """(a, b, day) of every talk held from `since` (the index by unit and day is not needed: a few rows)."""
        rows = await self.db.fetchall("SELECT a_id, b_id, held_on FROM talks WHERE held_on >= ?", (since.isoformat(),))
        return [(r[0], r[1], date.fromisoformat(r[2])) for r in rows]

    # 对照检查材料 and 自评 as a voice message or a file

    async def material_file(self, key: tuple[int, int, int], kind: str, file_id: str, now: datetime) -> None:
        """The material of (unit, year, member) as a file; it replaces a text or an earlier file."""
        unit_id, year, member_id = key
        await self._write(
            "INSERT INTO rectify_materials (unit_id, year, member_id, text, at, file_id, file_kind) "
            "VALUES (?, ?, ?, '', ?, ?, ?) ON CONFLICT (unit_id, year, member_id) DO UPDATE SET text = '', "
            "at = excluded.at, file_id = excluded.file_id, file_kind = excluded.file_kind",
            (unit_id, year, member_id, iso(now), file_id, kind),
        )

    async def self_file(self, appraisal_id: int, member_id: int, kind: str, file_id: str, now: datetime) -> None:
        await self._write(
            "INSERT INTO appraisal_selfs (appraisal_id, member_id, text, at, file_id, file_kind) "
            "VALUES (?, ?, '', ?, ?, ?) ON CONFLICT (appraisal_id, member_id) DO UPDATE SET text = '', "
            "at = excluded.at, file_id = excluded.file_id, file_kind = excluded.file_kind",
            (appraisal_id, member_id, iso(now), file_id, kind),
        )

    async def material_files(self, unit_id: int, year: int) -> list[HandedFile]:
        rows = await self.db.fetchall(
            "SELECT x.member_id, m.name, x.file_kind, x.file_id, x.at FROM rectify_materials x "
            "JOIN members m ON m.id = x.member_id WHERE x.unit_id = ? AND x.year = ? AND x.file_id IS NOT NULL "
            "ORDER BY m.id",
            (unit_id, year),
        )
        return [HandedFile(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]

    async def self_files(self, appraisal_id: int) -> list[HandedFile]:
        rows = await self.db.fetchall(
            "SELECT x.member_id, m.name, x.file_kind, x.file_id, x.at FROM appraisal_selfs x "
            "JOIN members m ON m.id = x.member_id WHERE x.appraisal_id = ? AND x.file_id IS NOT NULL ORDER BY m.id",
            (appraisal_id,),
        )
        return [HandedFile(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]

    # 征求意见 before a 组织生活会

    async def add_opinion(self, unit_year: tuple[int, int], text: str, by: int | None, now: datetime) -> None:
        unit_id, year = unit_year
        await self._write(
            "INSERT INTO rectify_opinions (unit_id, year, text, by, at) VALUES (?, ?, ?, ?, ?)",
            (unit_id, year, text, by, iso(now)),
        )

    async def opinions(self, unit_id: int, year: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT text FROM rectify_opinions WHERE unit_id = ? AND year = ? ORDER BY id", (unit_id, year)
        )
        return [r[0] for r in rows]

    # a 组织生活会's minutes: 批评和自我批评, 民主评议

    async def criticise(self, notice_id: int, said: Criticism, by: int | None, now: datetime) -> None:
        """A member's 批评和自我批评 recorded (again: the later replaces the earlier)."""
        await self._write(
            "INSERT INTO minute_criticism (notice_id, member_id, self_text, received, by, at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (notice_id, member_id) DO UPDATE SET "
            "self_text = excluded.self_text, received = excluded.received, by = excluded.by, at = excluded.at",
            (notice_id, said.member_id, said.self_text, said.received, by, iso(now)),
        )

    async def criticism(self, notice_id: int) -> list[Criticism]:
        rows = await self.db.fetchall(
            "SELECT c.member_id, m.name, c.self_text, c.received FROM minute_criticism c "
            "JOIN members m ON m.id = c.member_id WHERE c.notice_id = ? ORDER BY m.id",
            (notice_id,),
        )
        return [Criticism(r[0], r[1], r[2], r[3]) for r in rows]

    async def set_life_appraisal(self, notice_id: int, said: LifeAppraisal, by: int | None, now: datetime) -> None:
        await self._write(
            "INSERT INTO minute_appraisal (notice_id, held, reason, by, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (notice_id) DO UPDATE SET held = excluded.held, reason = excluded.reason, "
            "by = excluded.by, at = excluded.at",
            (notice_id, int(said.held), said.reason, by, iso(now)),
        )

    async def life_appraisal(self, notice_id: int) -> LifeAppraisal | None:
        r = await self.db.fetchone("SELECT held, reason FROM minute_appraisal WHERE notice_id = ?", (notice_id,))
        return LifeAppraisal(bool(r[0]), r[1]) if r is not None else None

    async def each_life_record(
        self, units: Collection[int] | None
    ) -> AsyncGenerator[tuple[int, LifeAppraisal | None, Criticism | None], None]:
        """For the 会议记录 sheet: each 组织生活会 of these units with a 民主评议 line or 批评和自我批评, as
        (notice id, the 民主评议 — on the first row of a meeting —, one member's criticism or None)."""
        where = f"AND n.unit_id IN ({_marks(units) or 'NULL'}) " if units is not None else ""
        sql = (
            "SELECT n.id, a.held, a.reason, c.member_id, m.name, c.self_text, c.received FROM notices n "
            "LEFT JOIN minute_appraisal a ON a.notice_id = n.id "
            "LEFT JOIN minute_criticism c ON c.notice_id = n.id LEFT JOIN members m ON m.id = c.member_id "
            f"WHERE n.kind = 'life' AND (a.notice_id IS NOT NULL OR c.notice_id IS NOT NULL) {where}"
            "ORDER BY n.id, m.id"
        )
        async for r in self.db.stream(sql, tuple(units or ())):
            noted = LifeAppraisal(bool(r[1]), r[2]) if r[1] is not None else None
            said = Criticism(r[3], r[4], r[5], r[6]) if r[3] is not None else None
            yield r[0], noted, said

    # the CSV of the talks: no 内容, no note

    async def each_talk_row(self, units: Collection[int] | None) -> AsyncGenerator[TalkRow, None]:
        where = f"WHERE t.unit_id IN ({_marks(units) or 'NULL'}) " if units is not None else ""
        sql = (
            "SELECT t.unit_id, t.held_on, a.name, b.name, t.form FROM talks t JOIN members a ON a.id = t.a_id "
            f"JOIN members b ON b.id = t.b_id {where}ORDER BY t.held_on, t.id"
        )
        async for r in self.db.stream(sql, tuple(units or ())):
            yield TalkRow(r[0], date.fromisoformat(r[1]), r[2], r[3], r[4])
