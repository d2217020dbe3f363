"""党务公开 (issue 28 item 1): the items a secretary previews and posts, their 公示期, the objections raised
privately with their answers, and whom the bot waits on for an objection's text. Objections are read only by
the use cases of the item's secretaries and by the person who raised them."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.store.db import Database, iso
from bot.store.outbox import Outgoing, enqueue_in


@dataclass(frozen=True)
class Item:
    id: int
    unit_id: int
    kind: str
    source: str
    title: str
    body: str
    days: int
    starts_on: date
    ends_on: date
    created_by: int | None
    created_at: datetime
    posted_by: int | None
    posted_by_name: str | None
    posted_at: datetime | None
    objections: int
    answered: int


@dataclass(frozen=True)
class Objection:
    id: int
    item_id: int
    telegram_id: int
    member_id: int | None
    name: str
    text: str
    raised_at: datetime
    answer: str | None
    answered_at: datetime | None


_ITEM_SQL = (
    "SELECT i.*, p.name AS posted_by_name, "
    "(SELECT count(*) FROM publicity_objections o WHERE o.item_id = i.id) AS objections, "
    "(SELECT count(*) FROM publicity_objections o WHERE o.item_id = i.id AND o.answer IS NOT NULL) AS answered "
    "FROM publicity_items i LEFT JOIN members p ON p.id = i.posted_by "
)


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _item(r: aiosqlite.Row) -> Item:
    return Item(
        r["id"], r["unit_id"], r["kind"], r["source"], r["title"], r["body"], r["days"],
        date.fromisoformat(r["starts_on"]), date.fromisoformat(r["ends_on"]), r["created_by"],
        datetime.fromisoformat(r["created_at"]), r["posted_by"], r["posted_by_name"], _moment(r["posted_at"]),
        r["objections"], r["answered"],
    )  # fmt: skip


def _objection(r: aiosqlite.Row) -> Objection:
    return Objection(
        r["id"], r["item_id"], r["telegram_id"], r["member_id"], r["name"], r["text"],
        datetime.fromisoformat(r["raised_at"]), r["answer"], _moment(r["answered_at"]),
    )  # fmt: skip


@dataclass(frozen=True)
class Draft:
    """An item as previewed: what will be posted, and its 公示期."""

    unit_id: int
    kind: str
    source: str
    title: str
    body: str
    days: int
    starts_on: date
    ends_on: date


class OpennessRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_draft(self, draft: Draft, by: int | None, now: datetime) -> int:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO publicity_items (unit_id, kind, source, title, body, days, starts_on, ends_on, "
                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.unit_id, draft.kind, draft.source, draft.title, draft.body, draft.days,
                    draft.starts_on.isoformat(), draft.ends_on.isoformat(), by, iso(now),
                ),
            )  # fmt: skip
            assert cur.lastrowid is not None
            return cur.lastrowid

    async def item(self, item_id: int) -> Item | None:
        r = await self.db.fetchone(_ITEM_SQL + "WHERE i.id = ?", (item_id,))
        return _item(r) if r is not None else None

    async def post(
        self, item_id: int, chat_id: int, by: int | None, now: datetime, messages: Callable[[], list[Outgoing]]
    ) -> int | None:
        """Mark the draft posted and queue its message, in one transaction; None when it was posted already."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE publicity_items SET posted_at = ?, posted_by = ?, chat_id = ? "
                "WHERE id = ? AND posted_at IS NULL",
                (iso(now), by, chat_id, item_id),
            )
            if not cur.rowcount:
                return None
            return await enqueue_in(conn, messages())

    async def posted(self, units: Collection[int] | None, limit: int = 200) -> list[Item]:
        """Posted items of these units (all when None), newest first."""
        where, params = "WHERE i.posted_at IS NOT NULL ", ()  # type: tuple[str, tuple[object, ...]]
        if units is not None:
            ids = tuple(sorted(units)) or (-1,)
            where += f"AND i.unit_id IN ({','.join('?' * len(ids))}) "
            params = ids
        rows = await self.db.fetchall(
            _ITEM_SQL + where + "ORDER BY i.starts_on DESC, i.id DESC LIMIT ?", (*params, limit)
        )
        return [_item(r) for r in rows]

    async def each_posted(self, units: Collection[int] | None) -> AsyncGenerator[Item, None]:
        """Every posted item of these units (all when None), oldest first, through a cursor: for the exports."""
        where, params = "WHERE i.posted_at IS NOT NULL ", ()  # type: tuple[str, tuple[object, ...]]
        if units is not None:
            ids = tuple(sorted(units)) or (-1,)
            where += f"AND i.unit_id IN ({','.join('?' * len(ids))}) "
            params = ids
        async for row in self.db.stream(_ITEM_SQL + where + "ORDER BY i.starts_on, i.id", params):
            yield _item(row)

    async def posted_periods(
        self, prefix: str, units: Collection[int] | None
    ) -> dict[tuple[int, str], tuple[date, date]]:
        """(unit, source) → the 公示期 (first and last day) of the last posted item whose source starts with
        `prefix` (`appraisal:` → the 民主评议 results of each year), for the units (all when None)."""
        where, params = "WHERE i.posted_at IS NOT NULL AND i.source LIKE ? ", (f"{prefix}%",)  # type: tuple[str, tuple[object, ...]]
        if units is not None:
            ids = tuple(sorted(units)) or (-1,)
            where += f"AND i.unit_id IN ({','.join('?' * len(ids))}) "
            params = (*params, *ids)
        rows = await self.db.fetchall(_ITEM_SQL + where + "ORDER BY i.posted_at, i.id", params)
        return {
            (r["unit_id"], r["source"]): (date.fromisoformat(r["starts_on"]), date.fromisoformat(r["ends_on"]))
            for r in rows
        }

    async def ended_between(self, first: date, last: date) -> list[Item]:
        """Posted items whose 公示期 ended between these days (both counted)."""
        rows = await self.db.fetchall(
            _ITEM_SQL + "WHERE i.posted_at IS NOT NULL AND i.ends_on BETWEEN ? AND ? ORDER BY i.id",
            (first.isoformat(), last.isoformat()),
        )
        return [_item(r) for r in rows]

    # 异议

    async def wait_for(self, telegram_id: int, item_id: int, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO publicity_pending (telegram_id, item_id, since) VALUES (?, ?, ?) "
                "ON CONFLICT (telegram_id) DO UPDATE SET item_id = excluded.item_id, since = excluded.since",
                (telegram_id, item_id, iso(now)),
            )

    async def waiting(self, telegram_id: int) -> tuple[int, datetime] | None:
        r = await self.db.fetchone("SELECT item_id, since FROM publicity_pending WHERE telegram_id = ?", (telegram_id,))
        return (r[0], datetime.fromisoformat(r[1])) if r is not None else None

    async def private_names(self) -> list[str]:
        """The names no 公开 item may carry: members with an open care case (帮扶) or whose last status is an
        illness, a hardship or a stay for treatment."""
        rows = await self.db.fetchall(
            "SELECT m.name FROM members m WHERE m.id IN (SELECT member_id FROM care_cases WHERE closed_at IS NULL) "
            "OR (SELECT s.state FROM status_reports s WHERE s.member_id = m.id ORDER BY s.at DESC, s.id DESC LIMIT 1) "
            "IN ('ill', 'hardship', 'medical')"
        )
        return [str(r[0]) for r in rows if r[0]]

    async def stop_waiting(self, telegram_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM publicity_pending WHERE telegram_id = ?", (telegram_id,))

    async def object(
        self,
        item_id: int,
        who: tuple[int, int | None, str],
        text: str,
        now: datetime,
        messages: Callable[[int], list[Outgoing]],
    ) -> tuple[int, int]:
        """Record an objection by (telegram id, member id, name), stop waiting on them and queue the word to the
        secretaries (`messages` of the objection's number): (its number, how many were queued)."""
        telegram_id, member_id, name = who
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO publicity_objections (item_id, telegram_id, member_id, name, text, raised_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (item_id, telegram_id, member_id, name, text, iso(now)),
            )
            await conn.execute("DELETE FROM publicity_pending WHERE telegram_id = ?", (telegram_id,))
            assert cur.lastrowid is not None
            return cur.lastrowid, await enqueue_in(conn, messages(cur.lastrowid))

    async def objection(self, objection_id: int) -> Objection | None:
        r = await self.db.fetchone("SELECT * FROM publicity_objections WHERE id = ?", (objection_id,))
        return _objection(r) if r is not None else None

    async def objections(self, item_id: int) -> list[Objection]:
        rows = await self.db.fetchall("SELECT * FROM publicity_objections WHERE item_id = ? ORDER BY id", (item_id,))
        return [_objection(r) for r in rows]

    async def answer(
        self, objection_id: int, text: str, by: int | None, now: datetime, messages: Iterable[Outgoing]
    ) -> bool:
        """The secretary's answer, sent to the person in the same transaction; False when answered already."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE publicity_objections SET answer = ?, answered_by = ?, answered_at = ? "
                "WHERE id = ? AND answer IS NULL",
                (text, by, iso(now), objection_id),
            )
            if not cur.rowcount:
                return False
            await enqueue_in(conn, list(messages))
            return True
