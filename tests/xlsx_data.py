"""A small community with a year of records for the Excel ledger tests: the small roster, meetings in both
branches (one cancelled, one still to come), replies and check-ins, duty logs, reports and contacts, with the
values a spreadsheet trips on (`=cmd()`, `Tom & <Jerry>`, a 200-character note, text that looks like markup)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

from bot.services.duty import save_mediation, save_patrol
from bot.services.duty_rules import MediationDraft, PatrolDraft
from bot.store import Store
from bot.store.db import iso
from bot.store.models import Member

NOW = datetime(2026, 11, 20, 4, tzinfo=UTC)  # 12:00 in Asia/Shanghai
FORMULA = "=cmd()"
TOM = "Tom & <Jerry>"
LONG = "长" * 190 + "0123456789"  # 200 characters
MARKUP = "<r><t>x</t></r>"  # XlsxWriter would write this as raw XML in constant-memory mode
SHANGHAI = ZoneInfo("Asia/Shanghai")
ESCAPE_LOOKALIKE = "_x0041_ stays as typed"


async def member(store: Store, name: str) -> Member:
    [found] = [m for m in await store.members.all() if m.name == name]
    return found


async def notice(store: Store, unit_id: int, kind: str, starts_at: datetime, topic: str,
                 expected: list[Member], *, cancelled: bool = False) -> int:
    async with store.db.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO notices (kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang, "
            "created_at, cancelled_at) VALUES (?, ?, ?, ?, ?, NULL, 1, 'zh', ?, ?)",
            (kind, unit_id, iso(starts_at), "村委会", topic, iso(starts_at - timedelta(days=2)),
             iso(starts_at - timedelta(days=1)) if cancelled else None))
        assert cur.lastrowid is not None
        await conn.executemany("INSERT INTO notice_members (notice_id, member_id, linked) VALUES (?, ?, 1)",
                               [(cur.lastrowid, m.id) for m in expected])
        return cur.lastrowid


async def reply(store: Store, notice_id: int, who: Member, answer: str, reason: str | None, at: datetime) -> None:
    async with store.db.transaction() as conn:
        await conn.execute("INSERT INTO rsvps (notice_id, member_id, answer, reason, at) VALUES (?, ?, ?, ?, ?)",
                           (notice_id, who.id, answer, reason, iso(at)))


async def check_in(store: Store, notice_id: int, who: Member, how: str, at: datetime) -> None:
    async with store.db.transaction() as conn:
        await conn.execute("INSERT INTO checkins (notice_id, member_id, how, at) VALUES (?, ?, ?, ?)",
                           (notice_id, who.id, how, iso(at)))


async def seed(store: Store) -> None:
    """Records in both branches of the small roster (loaded before)."""
    units = {u.name: u.id for u in await store.units.all()}
    one, two = units["一村党支部"], units["二村党支部"]
    wang, li, zhang = [await member(store, n) for n in ("王书记", "李联络", "张流动")]
    zhao, qian, wu = [await member(store, n) for n in ("赵巡逻", "钱调解", "吴未绑定")]
    sun, zhou, tom, feng, chen = [await member(store, n) for n in ("孙书记", "周普通", TOM, "冯联络", "陈外出")]
    first = [wang, li, zhang, zhao, qian, wu]
    second = [sun, zhou, tom, feng, chen]
    for month in (3, 6, 9):
        starts = datetime(2026, month, 10, 1, tzinfo=UTC)
        n = await notice(store, one, "general", starts, f"{month}月党员大会 {FORMULA}", first)
        await reply(store, n, wang, "attend", None, starts - timedelta(hours=5))
        await reply(store, n, zhang, "leave", f"{FORMULA} 在外务工", starts - timedelta(hours=5))
        for who in (wang, li, zhao, qian):
            await check_in(store, n, who, "self" if who is not li else "proxy", starts + timedelta(minutes=3))
    n = await notice(store, one, "lecture", datetime(2026, 10, 15, 6, tzinfo=UTC), "党课：学习二十大", first)
    await check_in(store, n, wang, "late", datetime(2026, 10, 15, 7, tzinfo=UTC))
    await notice(store, one, "committee", datetime(2026, 10, 20, 6, tzinfo=UTC), "取消的会", first, cancelled=True)
    await notice(store, one, "partyday", NOW + timedelta(days=5), "还没开的会", first)
    n = await notice(store, two, "group", datetime(2026, 4, 2, 6, tzinfo=UTC), f"二村小组会 {TOM}", second)
    await check_in(store, n, sun, "self", datetime(2026, 4, 2, 6, 5, tzinfo=UTC))
    await check_in(store, n, tom, "self", datetime(2026, 4, 2, 6, 5, tzinfo=UTC))

    for day in (2, 9, 16, 23):
        await save_patrol(store, zhao.id, PatrolDraft("村东头", 70 if day == 2 else 30, "一切正常"),
                          datetime(2026, 10, day, 2, tzinfo=UTC), SHANGHAI)
    await save_patrol(store, zhao.id, PatrolDraft("村西头", 45, FORMULA), datetime(2026, 11, 3, 2, tzinfo=UTC),
                      SHANGHAI)
    await save_mediation(store, qian.id, MediationDraft("两户邻居", "neighbour", "resolved", "已调解"),
                         datetime(2026, 10, 5, 2, tzinfo=UTC), SHANGHAI)

    await store.reports.add_status(zhang.id, "away_work", TOM, FORMULA, datetime(2026, 9, 1, 2, tzinfo=UTC))
    await store.reports.add_status(zhang.id, "away_work", "广东东莞", LONG, datetime(2026, 10, 1, 2, tzinfo=UTC))
    await store.reports.add_status(chen.id, "study", "北京", MARKUP, datetime(2026, 10, 2, 2, tzinfo=UTC))
    await store.reports.save_thought(zhang.id, "2026-09", "九月思想汇报", datetime(2026, 9, 25, 2, tzinfo=UTC))
    await store.reports.save_thought(zhang.id, "2026-10", "十月思想汇报", datetime(2026, 11, 3, 2, tzinfo=UTC))
    await store.reports.save_thought(chen.id, "2026-Q1", "一季度", datetime(2026, 3, 20, 2, tzinfo=UTC))
    await store.reports.add_contact(zhang.id, li.id, ESCAPE_LOOKALIKE, datetime(2026, 10, 12, 2, tzinfo=UTC))
    await store.reports.add_contact(chen.id, feng.id, f"{FORMULA} {TOM}", datetime(2026, 10, 13, 2, tzinfo=UTC))


def open_book(data: bytes | Path) -> Any:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return openpyxl.load_workbook(source)


def rows(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def every_value(book: Any) -> list[str]:
    return [str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r if v is not None]


def parts(data: bytes | Path) -> dict[str, bytes]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with zipfile.ZipFile(source) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1
