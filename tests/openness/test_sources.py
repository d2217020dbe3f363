"""Items drafted from the records through the emulator: a 发展对象's 公示 (拟接收) from the 发展党员 register — the
dates of the steps and the 入党介绍人, nothing of the 政审 or the birth day —, refused for a person at a step that
is not made public; the 民主评议 result (the 优秀 by name, the others counted, no tallies); 整改 progress."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.harness import SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TZ)


async def step(harness: Harness, today: str, line: str, expect: str) -> None:
    harness.at(at(today))
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/development 王小明 | {line}")
    await secretary.expect(expect)


async def test_a_candidates_publicity_from_the_register(harness: Harness) -> None:
    await step(harness, "2025-01-11", "入党申请 | 2025-01-11 | 出生 2001-05-16", "已登记")
    secretary = harness.user(SECRETARY)
    await secretary.send("/publicity 发展 王小明")
    await secretary.expect("这一步不用公示")
    await step(harness, "2025-02-01", "谈话 | 2025-02-01", "已登记")
    await step(harness, "2025-03-01", "积极分子 | 2025-03-01 | 李联络、赵巡逻", "入党积极分子")
    await step(harness, "2026-03-01", "发展对象 | 2026-03-01 | 李联络、赵巡逻", "发展对象")
    await step(harness, "2026-03-10", "政审 | 2026-03-10 | 合格", "已登记")
    await secretary.send("/publicity 发展 王小明 | 7")
    preview = await secretary.expect("拟发展党员公示")
    assert "王小明" in preview.text and "出生年月：2001年5月" in preview.text and "2001-05-16" not in preview.text
    assert "递交入党申请书：2025-01-11" in preview.text and "列为发展对象：2026-03-01" in preview.text
    assert "入党介绍人：李联络、赵巡逻" in preview.text and "政审" not in preview.text and "合格" not in preview.text
    assert "共 7 个工作日" in preview.text and "还没有绑定群" in preview.text


async def test_the_appraisal_result_and_rectify_progress(harness: Harness) -> None:
    harness.at(at("2026-12-01"))
    secretary = harness.user(SECRETARY)
    await secretary.send("/start")
    await secretary.next_message()
    await secretary.send("/publicity 评议")
    await secretary.expect("还没有评定结果")
    unit = (await harness.store.members.by_telegram_id(SECRETARY)).unit_id  # type: ignore[union-attr]
    [li] = await harness.store.members.named("李联络")
    [zhao] = await harness.store.members.named("赵巡逻")
    found = await harness.store.appraisal.open_appraisal(
        unit, 2026, at("2026-11-01").date(), at("2026-12-20").date(), None, harness.services.now()
    )
    assert found is not None
    await harness.store.appraisal.cast(found, zhao.id, li.id, "excellent")
    await harness.store.appraisal.rate(found, li.id, "excellent", None, None, harness.services.now())
    await harness.store.appraisal.rate(found, zhao.id, "basic", None, None, harness.services.now())
    await secretary.send("/publicity 评议 2026")
    preview = await secretary.expect("民主评议党员结果公示")
    assert "参加评议 2 人" in preview.text and "优秀 1 人" in preview.text and "基本合格 1 人" in preview.text
    assert "评为优秀的党员：李联络" in preview.text and "赵巡逻" not in preview.text and "票" not in preview.text
    await secretary.send("/rectify 学习不经常 | 每月集中学习一次 | 李联络 | 2026-12-31")
    await secretary.expect("已")
    await secretary.send("/publicity 整改")
    preview = await secretary.expect("整改进展公示")
    assert "学习不经常" in preview.text and "正在整改" in preview.text and "已完成 0 条" in preview.text
