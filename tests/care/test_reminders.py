"""Care reminders: a case quiet for CARE_QUIET_DAYS reminds its visitor once per silence (not again after a
restart, held in quiet hours), and before a festival each secretary gets one list of their members to visit
(open cases, members with 50+ years in the Party), once, also after a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.services import registry as core
from bot.store import Store
from bot.store.db import Statement
from tests.support.db import open_store
from tests.support.harness import (
    LIAISON,
    MIGRANT,
    OTHER_SECRETARY,
    PATROL,
    SECRETARY,
    SMALL_ROSTER,
    load_roster,
    make_settings,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ)


async def care_keys(store: Store) -> list[str]:
    return [r[0] for r in await store.db.fetchall("SELECT key FROM outbox WHERE key LIKE 'care:%' ORDER BY id")]


async def care_recipients(store: Store) -> list[int]:
    return [r[0] for r in await store.db.fetchall("SELECT member_id FROM outbox WHERE key LIKE 'care:%'")]


async def ids(store: Store, *telegram_ids: int) -> list[int]:
    out = []
    for telegram_id in telegram_ids:
        member = await store.members.by_telegram_id(telegram_id)
        assert member is not None
        await store.members.link(member.id, telegram_id)
        out.append(member.id)
    return out


@pytest.fixture
async def roster_store(store: Store) -> AsyncIterator[Store]:
    await load_roster(store, SMALL_ROSTER)
    yield store


async def test_quiet_case_reminds_the_visitor_once_per_silence(tmp_path: Path, settings: Settings) -> None:
    first = await open_store(tmp_path / "q.sqlite3")
    try:
        await load_roster(first, SMALL_ROSTER)
        migrant, liaison, _ = await ids(first, MIGRANT, LIAISON, SECRETARY)
        case = await first.care.open_case(migrant, "secretary", "家里困难", liaison, None, at(1), date(2026, 11, 1))
        assert case is not None
        await core.sweep(first, settings, at(30))  # 29 days: not yet
        assert await care_keys(first) == []
        assert await core.sweep(first, settings, at(1, month=12)) >= 1
        assert await care_keys(first) == [f"care:quiet:{case}:2026-11-01:{liaison}"]
        row = await first.outbox.by_key(f"care:quiet:{case}:2026-11-01:{liaison}")
        assert row is not None and "张流动" in row.text and "30 天" in row.text
        await core.sweep(first, settings, at(1, 15, month=12))
        assert len(await care_keys(first)) == 1
    finally:
        await first.close()
    second = await open_store(tmp_path / "q.sqlite3")  # a restart: still nothing new
    try:
        await core.sweep(second, settings, at(2, month=12))
        assert len(await care_keys(second)) == 1
        # a visit starts a new silence: reminded again 30 days after it, once
        await second.care.add_visit(case, liaison, date(2026, 12, 3), "送去慰问金", "下月再去", at(3, month=12))
        await core.sweep(second, settings, at(1, month=1, year=2027))
        assert len(await care_keys(second)) == 1
        await core.sweep(second, settings, at(2, month=1, year=2027))
        await core.sweep(second, settings, at(2, 12, month=1, year=2027))
        assert (await care_keys(second))[1:] == [f"care:quiet:{case}:2026-12-03:{liaison}"]
        # closed: no more reminders
        await second.care.close(case, None, "已解决", at(3, month=1, year=2027))
        await core.sweep(second, settings, at(10, month=3, year=2027))
        assert len(await care_keys(second)) == 2
    finally:
        await second.close()


async def test_quiet_hours_hold_the_care_reminder(
    roster_store: Store, tmp_path: Path, emulator: BotApiEmulator
) -> None:
    quiet = make_settings(tmp_path, emulator, quiet_hours="21:00-08:00")
    migrant, liaison = await ids(roster_store, MIGRANT, LIAISON)
    await roster_store.care.open_case(migrant, "ill", "", liaison, None, at(1), date(2026, 11, 1))
    await core.sweep(roster_store, quiet, at(1, 22, month=12))
    assert await care_keys(roster_store) == []
    await core.sweep(roster_store, quiet, at(2, 8, month=12))
    assert len(await care_keys(roster_store)) == 1


async def test_a_case_without_a_visitor_reminds_the_branch_secretary(roster_store: Store, settings: Settings) -> None:
    patrol, secretary, other = await ids(roster_store, PATROL, SECRETARY, OTHER_SECRETARY)
    case = await roster_store.care.open_case(patrol, "hardship", "", None, None, at(1), date(2026, 11, 1))
    await core.sweep(roster_store, settings, at(5, month=12))
    assert await care_keys(roster_store) == [f"care:quiet:{case}:2026-11-01:{secretary}"]
    row = await roster_store.outbox.by_key(f"care:quiet:{case}:2026-11-01:{secretary}")
    assert row is not None and "本人报告生活困难" in row.text and "未走访" in row.text
    assert other not in await care_recipients(roster_store)


async def test_care_quiet_days_is_a_setting(roster_store: Store, tmp_path: Path, emulator: BotApiEmulator) -> None:
    short = make_settings(tmp_path, emulator, care_quiet_days=7)
    migrant, liaison = await ids(roster_store, MIGRANT, LIAISON)
    await roster_store.care.open_case(migrant, "ill", "", liaison, None, at(1), date(2026, 11, 1))
    await core.sweep(roster_store, short, at(7))
    assert await care_keys(roster_store) == []
    await core.sweep(roster_store, short, at(8))
    assert len(await care_keys(roster_store)) == 1


async def test_festival_list_once_per_secretary_also_after_a_restart(tmp_path: Path, settings: Settings) -> None:
    first = await open_store(tmp_path / "f.sqlite3")
    try:
        await load_roster(first, SMALL_ROSTER)
        migrant, liaison, secretary, other = await ids(first, MIGRANT, LIAISON, SECRETARY, OTHER_SECRETARY)
        # the small roster has no dates of joining: give four members theirs
        await first.db.write(
            [
                Statement("UPDATE members SET joined = '1970-05-01' WHERE name = '赵巡逻'"),
                Statement("UPDATE members SET joined = '1990-05-01' WHERE name = '钱调解'"),
                Statement("UPDATE members SET joined = '1974-05-01', confirmed = '1975-05-01' WHERE name = '李联络'"),
                # 56 years since 入党 but 49 since 转正: 党龄 counts from 转正 (issue 23), so not listed
                Statement("UPDATE members SET joined = '1970-05-01', confirmed = '1977-03-01' WHERE name = '吴未绑定'"),
            ]
        )
        await first.care.open_case(
            migrant, "secretary", "在外受伤", liaison, None, at(1, month=1, year=2027), date(2027, 1, 1)
        )
        # 春节 2027 is on 6 February: the list goes 7 days before, not earlier
        await core.sweep(first, settings, at(29, month=1, year=2027))
        assert not [k for k in await care_keys(first) if k.startswith("care:festival")]
        await core.sweep(first, settings, at(30, month=1, year=2027))
        keys = [k for k in await care_keys(first) if k.startswith("care:festival")]
        assert keys == [f"care:festival:春节:2027-02-06:{secretary}"]  # 二村 has nobody to visit: no list
        row = await first.outbox.by_key(keys[0])
        assert row is not None
        assert "春节前走访慰问名单" in row.text and "节日：2月6日（周六）" in row.text and "一村党支部" in row.text
        assert "张流动 · 在外受伤 · 上次走访 未走访" in row.text
        assert "李联络 · 党龄 51 年" in row.text and "钱调解" not in row.text and "吴未绑定" not in row.text
        assert "赵巡逻 · 党龄不详（1970年入党，花名册没有转正时间）" in row.text  # not guessed from 入党
        assert "党龄五十年以上的老党员 2 人" in row.text
        assert "80岁以上高龄党员请支部另行补充" in row.text  # issue 30's wording
        await core.sweep(first, settings, at(31, month=1, year=2027))
    finally:
        await first.close()
    second = await open_store(tmp_path / "f.sqlite3")
    try:
        await core.sweep(second, settings, at(5, month=2, year=2027))
        assert len([k for k in await care_keys(second) if k.startswith("care:festival")]) == 1
        assert other not in await care_recipients(second)
        # 七一: a list again, with the visit logged meanwhile
        case = await second.care.open_for(migrant)
        assert case is not None
        await second.care.add_visit(case.id, liaison, date(2027, 6, 20), "慰问", "", at(20, month=6, year=2027))
        await core.sweep(second, settings, at(24, month=6, year=2027))
        keys = await care_keys(second)
        assert keys[-1] == f"care:festival:07-01:2027-07-01:{secretary}"
        row = await second.outbox.by_key(keys[-1])
        assert row is not None and "上次走访 6月20日（周日）" in row.text
    finally:
        await second.close()


async def test_festivals_and_days_before_are_settings(
    roster_store: Store, tmp_path: Path, emulator: BotApiEmulator
) -> None:
    custom = make_settings(tmp_path, emulator, care_festivals="10-01", care_list_days_before=2)
    migrant, liaison, secretary = await ids(roster_store, MIGRANT, LIAISON, SECRETARY)
    await roster_store.care.open_case(migrant, "ill", "", liaison, None, at(20, month=9), date(2026, 9, 20))
    await core.sweep(roster_store, custom, at(28, month=9))
    assert not [k for k in await care_keys(roster_store) if k.startswith("care:festival")]
    await core.sweep(roster_store, custom, at(29, month=9))
    assert [k for k in await care_keys(roster_store) if k.startswith("care:festival")] == [
        f"care:festival:10-01:2026-10-01:{secretary}"
    ]
