"""A 组织生活会 from notice to ledger (issue 26), through the emulator: the notice's preview shows the secretary
the preparation list (谈心谈话, 对照检查材料, the opinions written down with `/rectify 意见`) — another type's
does not; its minutes record 批评和自我批评 per member present and whether the 民主评议 was held (a reason of at
least four characters when not); until they do, the 三会一课台账 does not count it as held; the 会议记录 sheet
carries it all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.rights import OrgTree
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.store import Store
from bot.store.appraisal_year import Criticism, LifeAppraisal
from tests.support.db import open_store
from tests.support.harness import SECRETARY, SMALL_ROSTER, Harness, load_roster
from tests.support.ledger import at, meeting, started
from tests.support.meetings import BRANCH_ONE, LI, MEETING, START, SUN, T0, WANG, ZHAO
from tests.support.notices import link, notices_of, saw, send_notice
from tests.support.roster import ORG
from tests.support.xlsx_data import NOW, SETTINGS, open_book, rows


async def _harness(harness_factory: Any, tmp_path: Path) -> Harness:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, ORG)
    finally:
        await store.close()
    harness: Harness = await harness_factory(load=False)
    return harness


async def test_the_preview_of_a_life_meeting_lists_its_preparation(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    wang, li = harness.user(WANG), harness.user(LI)
    await wang.send("/rectify 材料截止 2026-12-01")
    await wang.expect("已定")
    await li.send("/rectify 材料 学习不够经常")
    await li.expect("已收到", skipping=("对照检查材料",))
    await wang.send(f"/notice 组织生活会 | {MEETING} | 村委会 | 年度组织生活会")
    preview = await wang.expect("预览")
    assert "组织生活会会前准备" in preview.text and "谈心谈话：该谈的" in preview.text
    material = next(ln for ln in preview.text.splitlines() if "对照检查材料" in ln)
    assert "已交 1 人" in material and "赵组长" in material and "李委员" not in material
    assert "征求意见：还没记" in preview.text
    # 征求意见 written down: a member may not, the secretary may; the preview counts them
    await li.send("/rectify 意见 通知太晚")
    await li.expect("要由支部书记")
    await wang.send("/rectify 意见")
    await wang.expect("一条一条")
    await wang.send("/rectify 意见 群众反映开会通知太晚，希望提前三天通知")
    await wang.expect("共征求意见 1 条")
    await wang.send("/rectify")
    assert "今年已记 1 条" in (await wang.expect("整改清单")).text
    await wang.send(f"/notice 组织生活会 | {MEETING} | 村委会 | 年度组织生活会")
    assert "征求意见：已记 1 条" in (await wang.expect("预览")).text
    await wang.send(f"/notice 支部党员大会 | {MEETING} | 村委会 | 学习")
    other = await wang.expect("预览")
    assert "会前准备" not in other.text


async def test_criticism_per_member_and_the_appraisal_in_the_minutes(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    notice_id = await send_notice(harness, WANG, f"组织生活会 | {MEETING} | 村委会 | 年度组织生活会")
    harness.at(START - timedelta(minutes=10))
    for member in (WANG, LI, ZHAO):
        await harness.user(member).press("签到", notices_of(harness.user(member))[-1])
        await saw(harness.user(member), "签到成功", kind="alert")
    harness.at(START + timedelta(hours=2))
    wang = harness.user(WANG)
    wang.drain()
    await wang.send(f"/minutes {notice_id} | 开展批评和自我批评，查摆问题")
    await wang.expect("已保存")
    await wang.send(f"/minutes {notice_id} 批评 孙外来 | 学习不够")
    await wang.expect("没有到会")
    await wang.send(f"/minutes {notice_id} 批评 李委员")
    await wang.expect("一人一条")
    await wang.send(f"/minutes {notice_id} 批评 李委员 | 学习不够经常 | 大家提出要多下村")
    await wang.expect("已记 1 人，实到 3 人")
    await wang.send(f"/minutes {notice_id} 批评 赵组长 | 巡逻少了")
    await wang.expect("已记 2 人")
    await wang.send(f"/minutes {notice_id} 评议 未开展 | 下次开")  # three characters: not a reason
    await wang.expect("至少 4 个字")
    await wang.send(f"/minutes {notice_id} 评议 未开展 | 下次再开")  # four: taken
    await wang.expect("没有开展民主评议，原因：下次再开")
    await wang.send(f"/minutes {notice_id} 评议 开了吗")
    await wang.expect("评议 已开展")
    await wang.send(f"/minutes {notice_id}")
    saved = await wang.expect("的记录")
    assert "批评和自我批评（2 人发言）" in saved.text and "李委员：学习不够经常" in saved.text
    assert "受到的批评：大家提出要多下村" in saved.text and "未在会上开展（下次再开）" in saved.text
    await wang.send(f"/minutes {notice_id} 评议 已开展")
    await wang.expect("开展了民主评议党员")
    assert SUN  # 孙外来 did not check in: refused above


async def test_the_ledger_counts_a_life_meeting_once_the_appraisal_is_recorded(harness: Harness) -> None:
    store = harness.store
    life = await meeting(store, "一村党支部", "life", at(3, 1), present=3, topic="年度组织生活会")
    general = await meeting(store, "一村党支部", "general", at(3, 2), present=5, topic="学习")
    harness.at(at(11, 30))
    await started(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    await secretary.send("/ledger 2026")
    await secretary.press("第一季度", await secretary.expect("一村党支部 · 2026年三会一课台账"))
    q1 = (await secretary.expect("一村党支部 · 2026年三会一课台账", kind="edit")).text
    assert "组织生活会「年度组织生活会」应到 6 人、实到 3 人（会议记录里还没写民主评议" in q1
    await secretary.send(f"/minutes {general} 评议 已开展")
    await secretary.expect("不是组织生活会")
    await secretary.send(f"/minutes {life} 评议 已开展")
    await secretary.expect("开展了民主评议党员")
    await secretary.send("/ledger 2026")
    await secretary.press("第一季度", await secretary.expect("一村党支部 · 2026年三会一课台账"))
    q1 = (await secretary.expect("一村党支部 · 2026年三会一课台账", kind="edit")).text
    assert "组织生活会「年度组织生活会」应到 6 人、实到 3 人（" not in q1
    assert "年度组织生活会" in q1


async def test_the_minutes_sheet_carries_the_criticism_and_the_appraisal(store: Store, tmp_path: Path) -> None:
    await load_roster(store, SMALL_ROSTER)
    life = await meeting(store, "一村党支部", "life", at(3, 1), present=3, topic="年度组织生活会")
    li = await store.members.by_telegram_id(1002)
    assert li is not None
    when = datetime(2026, 3, 2, tzinfo=UTC)
    await store.year.criticise(life, Criticism(li.id, li.name, "学习不够经常", "要多下村"), None, when)
    await store.year.set_life_appraisal(life, LifeAppraisal(False, "12月党员大会上单独开展"), None, when)
    tree = OrgTree.of(await store.units.all())
    (tmp_path / "book").mkdir()
    book = await write_ledger(store, SETTINGS, tmp_path / "book", LedgerOrder(tree, None, "zh", NOW))
    table = rows(open_book(book)["会议记录"])
    content = table[0].index("会议内容")
    (row,) = [r for r in table[1:] if r[3] == "年度组织生活会"]
    text = str(row[content])
    assert "民主评议党员：未在会上开展（12月党员大会上单独开展）" in text
    assert "批评和自我批评：" in text and "李联络：学习不够经常" in text and "受到的批评：要多下村" in text
