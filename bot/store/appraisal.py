"""The branch's year (issue 26): 谈心谈话, 民主评议党员 (自评, the secret 民主测评, 组织评定), the 组织生活会's
整改清单 and 对照检查材料, 党员承诺. A 民主测评 ballot is stored as two facts that nothing joins: that a voter
has voted on a member (to refuse a second vote) and one more count under a grade."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Iterable
from datetime import date, datetime

import aiosqlite

from bot.store.appraisal_rows import Appraisal, AppraisalRow, Pledge, Rating, RectifyItem, Round, Talk, TalkIn
from bot.store.db import Database, Statement, iso
from bot.store.outbox import Outgoing, enqueue_in


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _marks(ids: Collection[object]) -> str:
    return ",".join("?" * len(ids))


def _talk(r: aiosqlite.Row) -> Talk:
    return Talk(
        r["id"],
        r["unit_id"],
        r["a_id"],
        r["a_name"],
        r["b_id"],
        r["b_name"],
        date.fromisoformat(r["held_on"]),
        r["topic"],
        r["note"],
        r["form"],
    )


def _item(r: aiosqlite.Row) -> RectifyItem:
    return RectifyItem(
        r["id"],
        r["unit_id"],
        r["item"],
        r["measure"],
        r["responsible_id"],
        r["responsible_name"],
        date.fromisoformat(r["deadline"]),
        datetime.fromisoformat(r["created_at"]),
        datetime.fromisoformat(r["closed_at"]) if r["closed_at"] else None,
        r["close_note"],
    )


_TALK_SQL = (
    "SELECT t.*, a.name AS a_name, b.name AS b_name FROM talks t "
    "JOIN members a ON a.id = t.a_id JOIN members b ON b.id = t.b_id "
)
_ITEM_SQL = "SELECT i.*, m.name AS responsible_name FROM rectify_items i JOIN members m ON m.id = i.responsible_id "
_PLEDGE_SQL = (
    "SELECT p.*, m.name AS member_name, m.unit_id AS unit_id, "
    "(SELECT group_concat(text, char(31)) FROM (SELECT text FROM pledge_progress g WHERE g.pledge_id = p.id "
    "ORDER BY g.id)) AS progress FROM pledges p JOIN members m ON m.id = p.member_id "
)


def _pledge(r: aiosqlite.Row) -> Pledge:
    progress = tuple(r["progress"].split("\x1f")) if r["progress"] else ()
    return Pledge(
        r["id"], r["member_id"], r["member_name"], r["unit_id"], r["year"], r["text"], r["grade"], r["review_note"],
        progress,
    )  # fmt: skip


class AppraisalRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _one(self, sql: str, params: tuple[object, ...]) -> int | None:
        return (await self.db.write([Statement(sql, params)]))[0]

    # 谈心谈话

    async def add_talk(self, unit_id: int, pair: tuple[int, int], talk: TalkIn, now: datetime) -> int:
        """A talk of the pair `(a, b)` (in any order) logged by `talk.by`."""
        low, high = sorted(pair)
        ids = await self._one(
            "INSERT INTO talks (unit_id, a_id, b_id, held_on, topic, note, form, logged_by, logged_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (unit_id, low, high, talk.held_on.isoformat(), talk.topic, talk.note, talk.form, talk.by, iso(now)),
        )
        assert ids is not None
        return ids

    async def talks(self, unit_id: int, year: int) -> list[Talk]:
        rows = await self.db.fetchall(
            _TALK_SQL + "WHERE t.unit_id = ? AND t.held_on BETWEEN ? AND ? ORDER BY t.held_on, t.id",
            (unit_id, f"{year}-01-01", f"{year}-12-31"),
        )
        return [_talk(r) for r in rows]

    async def each_talk(self, units: Collection[int] | None) -> AsyncGenerator[Talk, None]:
        where = f"WHERE t.unit_id IN ({_marks(units) or 'NULL'}) " if units is not None else ""
        async for row in self.db.stream(_TALK_SQL + where + "ORDER BY t.held_on, t.id", tuple(units or ())):
            yield _talk(row)

    # 民主评议党员

    async def open_appraisal(
        self,
        unit_id: int,
        year: int,
        starts: date,
        ends: date,
        by: int | None,
        now: datetime,
        messages: Iterable[Outgoing] = (),
    ) -> int | None:
        """The year's 评议 and the word to its members, in one transaction; None when it is open already."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT OR IGNORE INTO appraisals (unit_id, year, starts_on, ends_on, opened_by, opened_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (unit_id, year, starts.isoformat(), ends.isoformat(), by, iso(now)),
            )
            if not cur.rowcount:
                return None
            await enqueue_in(conn, list(messages))
            return cur.lastrowid

    async def appraisal(self, unit_id: int, year: int) -> Appraisal | None:
        r = await self.db.fetchone("SELECT * FROM appraisals WHERE unit_id = ? AND year = ?", (unit_id, year))
        if r is None:
            return None
        return Appraisal(
            r["id"], r["unit_id"], r["year"], date.fromisoformat(r["starts_on"]), date.fromisoformat(r["ends_on"])
        )

    async def save_self(self, appraisal_id: int, member_id: int, text: str, now: datetime) -> None:
        await self._one(
            "INSERT INTO appraisal_selfs (appraisal_id, member_id, text, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (appraisal_id, member_id) DO UPDATE SET text = excluded.text, at = excluded.at, "
            "file_id = NULL, file_kind = NULL",
            (appraisal_id, member_id, text, iso(now)),
        )

    async def selfs(self, appraisal_id: int) -> dict[int, str]:
        rows = await self.db.fetchall(
            "SELECT member_id, text FROM appraisal_selfs WHERE appraisal_id = ?", (appraisal_id,)
        )
        return {r[0]: r[1] for r in rows}

    async def cast(self, appraisal_id: int, voter_id: int, subject_id: int, grade: str) -> bool:
        """One secret ballot: False when this voter has voted on this member already (nothing changes)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT OR IGNORE INTO appraisal_voted (appraisal_id, subject_id, voter_id) VALUES (?, ?, ?)",
                (appraisal_id, subject_id, voter_id),
            )
            if not cur.rowcount:
                return False
            await conn.execute(
                "INSERT INTO appraisal_tally (appraisal_id, subject_id, grade, votes) VALUES (?, ?, ?, 1) "
                "ON CONFLICT (appraisal_id, subject_id, grade) DO UPDATE SET votes = votes + 1",
                (appraisal_id, subject_id, grade),
            )
            return True

    async def voted_on(self, appraisal_id: int, voter_id: int) -> set[int]:
        rows = await self.db.fetchall(
            "SELECT subject_id FROM appraisal_voted WHERE appraisal_id = ? AND voter_id = ?", (appraisal_id, voter_id)
        )
        return {r[0] for r in rows}

    async def tallies(self, appraisal_id: int) -> dict[int, dict[str, int]]:
        rows = await self.db.fetchall(
            "SELECT subject_id, grade, votes FROM appraisal_tally WHERE appraisal_id = ?", (appraisal_id,)
        )
        out: dict[int, dict[str, int]] = {}
        for r in rows:
            out.setdefault(r[0], {})[r[1]] = r[2]
        return out

    async def rate(
        self,
        appraisal_id: int,
        member_id: int,
        grade: str,
        correct_by: date | None,
        by: int | None,
        now: datetime,
        messages: Iterable[Outgoing] = (),
    ) -> int:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO appraisal_ratings (appraisal_id, member_id, grade, correct_by, rated_by, rated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (appraisal_id, member_id) DO UPDATE SET grade = excluded.grade, "
                "correct_by = excluded.correct_by, rated_by = excluded.rated_by, rated_at = excluded.rated_at",
                (appraisal_id, member_id, grade, correct_by.isoformat() if correct_by else None, by, iso(now)),
            )
            return await enqueue_in(conn, list(messages))

    async def ratings(self, appraisal_id: int) -> dict[int, Rating]:
        rows = await self.db.fetchall(
            "SELECT member_id, grade, correct_by FROM appraisal_ratings WHERE appraisal_id = ?", (appraisal_id,)
        )
        return {r[0]: Rating(r[0], r[1], _day(r[2])) for r in rows}

    async def corrections_due(self, on: date) -> list[tuple[int, int, date]]:
        """(member id, unit id, correct_by) of every 限期改正 falling due on `on` (the indexed date)."""
        rows = await self.db.fetchall(
            "SELECT r.member_id, a.unit_id, r.correct_by FROM appraisal_ratings r "
            "JOIN appraisals a ON a.id = r.appraisal_id WHERE r.correct_by = ?",
            (on.isoformat(),),
        )
        return [(r[0], r[1], date.fromisoformat(r[2])) for r in rows]

    async def each_result(self, units: Collection[int] | None) -> AsyncGenerator[AppraisalRow, None]:
        where = f"a.unit_id IN ({_marks(units) or 'NULL'}) AND " if units is not None else ""
        sql = (
            "SELECT a.id AS appraisal_id, a.year, a.unit_id, m.id AS member_id, m.name, s.text AS self_text, "
            "s.file_kind AS self_file, "
            "r.grade, r.correct_by FROM appraisals a JOIN members m ON m.unit_id = a.unit_id "
            "LEFT JOIN appraisal_selfs s ON s.appraisal_id = a.id AND s.member_id = m.id "
            "LEFT JOIN appraisal_ratings r ON r.appraisal_id = a.id AND r.member_id = m.id "
            f"WHERE {where}(m.active OR r.grade IS NOT NULL) ORDER BY a.year, a.unit_id, m.id"
        )
        tallies: dict[int, dict[int, dict[str, int]]] = {}
        async for row in self.db.stream(sql, tuple(units or ())):
            aid = row["appraisal_id"]
            if aid not in tallies:
                tallies[aid] = await self.tallies(aid)
            yield AppraisalRow(
                row["year"],
                row["unit_id"],
                row["name"],
                row["self_text"],
                tallies[aid].get(row["member_id"], {}),
                row["grade"],
                _day(row["correct_by"]),
                row["self_file"],
            )

    # 整改清单 and 对照检查材料

    async def add_item(
        self,
        unit_id: int,
        item: str,
        measure: str,
        responsible_id: int,
        deadline: date,
        by: int | None,
        now: datetime,
        messages: Iterable[Outgoing] = (),
    ) -> int:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO rectify_items (unit_id, item, measure, responsible_id, deadline, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (unit_id, item, measure, responsible_id, deadline.isoformat(), by, iso(now)),
            )
            assert cur.lastrowid is not None
            await enqueue_in(conn, [m for m in messages])
            return cur.lastrowid

    async def item(self, item_id: int) -> RectifyItem | None:
        r = await self.db.fetchone(_ITEM_SQL + "WHERE i.id = ?", (item_id,))
        return _item(r) if r is not None else None

    async def items(self, unit_id: int, *, open_only: bool = False) -> list[RectifyItem]:
        state = " AND i.closed_at IS NULL" if open_only else ""
        rows = await self.db.fetchall(_ITEM_SQL + f"WHERE i.unit_id = ?{state} ORDER BY i.id", (unit_id,))
        return [_item(r) for r in rows]

    async def open_items_until(self, day: date) -> list[RectifyItem]:
        """Open items whose deadline is on or before `day` (the partial index of open items)."""
        rows = await self.db.fetchall(
            _ITEM_SQL + "WHERE i.closed_at IS NULL AND i.deadline <= ? ORDER BY i.deadline, i.id", (day.isoformat(),)
        )
        return [_item(r) for r in rows]

    async def close_item(self, item_id: int, by: int | None, note: str, now: datetime) -> bool:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE rectify_items SET closed_at = ?, closed_by = ?, close_note = ? "
                "WHERE id = ? AND closed_at IS NULL",
                (iso(now), by, note, item_id),
            )
            return bool(cur.rowcount)

    async def each_item(self, units: Collection[int] | None) -> AsyncGenerator[RectifyItem, None]:
        where = f"WHERE i.unit_id IN ({_marks(units) or 'NULL'}) " if units is not None else ""
        async for row in self.db.stream(_ITEM_SQL + where + "ORDER BY i.id", tuple(units or ())):
            yield _item(row)

    async def set_round(
        self, unit_id: int, year: int, deadline: date, by: int | None, now: datetime, messages: Iterable[Outgoing]
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rectify_rounds (unit_id, year, deadline, set_by, set_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (unit_id, year) DO UPDATE SET deadline = excluded.deadline, set_by = excluded.set_by, "
                "set_at = excluded.set_at",
                (unit_id, year, deadline.isoformat(), by, iso(now)),
            )
            await enqueue_in(conn, list(messages))

    async def round(self, unit_id: int, year: int) -> Round | None:
        r = await self.db.fetchone("SELECT * FROM rectify_rounds WHERE unit_id = ? AND year = ?", (unit_id, year))
        return Round(r["unit_id"], r["year"], date.fromisoformat(r["deadline"])) if r is not None else None

    async def rounds_between(self, first: date, last: date) -> list[Round]:
        rows = await self.db.fetchall(
            "SELECT * FROM rectify_rounds WHERE deadline BETWEEN ? AND ?", (first.isoformat(), last.isoformat())
        )
        return [Round(r["unit_id"], r["year"], date.fromisoformat(r["deadline"])) for r in rows]

    async def submit_material(self, unit_id: int, year: int, member_id: int, text: str, now: datetime) -> None:
        await self._one(
            "INSERT INTO rectify_materials (unit_id, year, member_id, text, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (unit_id, year, member_id) DO UPDATE SET text = excluded.text, at = excluded.at, "
            "file_id = NULL, file_kind = NULL",
            (unit_id, year, member_id, text, iso(now)),
        )

    async def materials(self, unit_id: int, year: int) -> dict[int, str]:
        rows = await self.db.fetchall(
            "SELECT member_id, text FROM rectify_materials WHERE unit_id = ? AND year = ?", (unit_id, year)
        )
        return {r[0]: r[1] for r in rows}

    # 党员承诺

    async def pledge(self, member_id: int, year: int) -> Pledge | None:
        r = await self.db.fetchone(_PLEDGE_SQL + "WHERE p.member_id = ? AND p.year = ?", (member_id, year))
        return _pledge(r) if r is not None else None

    async def make_pledge(self, member_id: int, year: int, text: str, now: datetime) -> bool:
        """Make or reword this year's pledge; False once it has been judged (评诺)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO pledges (member_id, year, text, made_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (member_id, year) DO UPDATE SET text = excluded.text, made_at = excluded.made_at "
                "WHERE pledges.grade IS NULL",
                (member_id, year, text, iso(now)),
            )
            return bool(cur.rowcount)

    async def add_progress(self, pledge_id: int, text: str, now: datetime) -> None:
        await self._one(
            "INSERT INTO pledge_progress (pledge_id, text, at) VALUES (?, ?, ?)", (pledge_id, text, iso(now))
        )

    async def review(self, pledge_id: int, grade: str, note: str, by: int | None, now: datetime) -> None:
        await self._one(
            "UPDATE pledges SET grade = ?, review_note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?",
            (grade, note, by, iso(now), pledge_id),
        )

    async def pledges(self, unit_id: int, year: int) -> list[Pledge]:
        rows = await self.db.fetchall(_PLEDGE_SQL + "WHERE m.unit_id = ? AND p.year = ? ORDER BY m.id", (unit_id, year))
        return [_pledge(r) for r in rows]

    async def pledged(self, year: int) -> set[int]:
        rows = await self.db.fetchall("SELECT member_id FROM pledges WHERE year = ?", (year,))
        return {r[0] for r in rows}

    async def last_progress(self, year: int) -> dict[int, datetime | None]:
        """Member id → when the last 践诺 of their pledge for `year` was reported (None: never), for the pledges
        not yet judged (评诺)."""
        rows = await self.db.fetchall(
            "SELECT p.member_id, (SELECT max(g.at) FROM pledge_progress g WHERE g.pledge_id = p.id) "
            "FROM pledges p WHERE p.year = ? AND p.grade IS NULL",
            (year,),
        )
        return {r[0]: datetime.fromisoformat(r[1]) if r[1] else None for r in rows}

    async def each_pledge(self, units: Collection[int] | None) -> AsyncGenerator[Pledge, None]:
        where = f"WHERE m.unit_id IN ({_marks(units) or 'NULL'}) " if units is not None else ""
        async for row in self.db.stream(_PLEDGE_SQL + where + "ORDER BY p.year, m.unit_id, m.id", tuple(units or ())):
            yield _pledge(row)
