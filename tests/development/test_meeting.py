"""A 支部党员大会 step linked to its meeting and resolution (issue 24): `/development 王小明 | 支部大会 | 日期 | 会议 N`
takes the 接收预备党员 resolution the minutes recorded, with the outcome the minutes judged — refused for another
branch's meeting, another kind of meeting, another day, minutes without such a resolution, or one that did not pass;
recorded with the minutes' count and the meeting named; 转正 the same way with a 预备党员转正 resolution."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.store.minutes import Resolution
from tests.support.harness import SECRETARY, Harness
from tests.support.xlsx_data import member, notice

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=TZ)


async def step(harness: Harness, today: str, line: str, expect: str) -> str:
    harness.at(at(today, 18))
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/development 王小明 | {line}")
    return (await secretary.expect(expect)).text


def admit(passed: bool, yes: int, text: str = "接收王小明同志为中共预备党员", kind: str = "admit") -> Resolution:
    return Resolution(
        text, yes, 0, 6 - yes, kind, written_yes=1, passed=passed, rule="expected_voters", base=7, needed=4
    )


async def meeting(
    harness: Harness, day: str, *resolutions: Resolution, kind: str = "general", branch: str = "一村党支部"
) -> int:
    units = {u.name: u.id for u in await harness.store.units.all()}
    wang = await member(harness.store, "王书记")
    notice_id = await notice(harness.store, units[branch], kind, at(day, 9), "支部党员大会", [wang])
    await harness.store.minutes.save(
        notice_id, "王书记", "李联络", "讨论发展党员", list(resolutions), wang.id, at(day, 12)
    )
    return notice_id


async def test_the_vote_is_the_minutes_own(harness: Harness) -> None:
    for today, line in (
        ("2025-01-11", "入党申请 | 2025-01-11 | 出生 2000-01-11"),
        ("2025-02-01", "谈话 | 2025-02-01"),
        ("2025-03-01", "积极分子 | 2025-03-01 | 李联络"),
        ("2026-03-01", "发展对象 | 2026-03-01 | 李联络、赵巡逻"),
        ("2026-03-10", "政审 | 2026-03-10 | 合格"),
        ("2026-03-15", "培训 | 2026-03-15 | 3天"),
    ):
        await step(harness, today, line, "已登记")
    other = await meeting(harness, "2026-03-20", admit(True, 5), branch="二村党支部")
    group = await meeting(harness, "2026-03-20", admit(True, 5), kind="group")
    failed = await meeting(harness, "2026-03-20", Resolution("学习", 6, 0, 0), admit(False, 3))
    none = await meeting(harness, "2026-03-21", Resolution("学习", 6, 0, 0))
    two = await meeting(harness, "2026-03-22", admit(True, 5, "接收李小红同志"), admit(True, 5, "接收王小明同志"))
    for note, answer in (
        ("会议 99999", "不是这个支部的支部党员大会"),
        (f"会议 {other}", "不是这个支部的支部党员大会"),
        (f"#{group}", "不是这个支部的支部党员大会"),
        (f"会议 {none}", "2026-03-21 开的"),  # another day than the step's
        (f"会议 {failed} 决议 1", "没有找到接收「王小明」"),  # an ordinary resolution is not one
        (f"会议 {failed}", "第 2 项决议没有通过（赞成 3 票，至少要 4 票）"),
    ):
        await step(harness, "2026-03-20", f"支部大会 | 2026-03-20 | {note}", answer)
    await step(harness, "2026-03-21", f"支部大会 | 2026-03-21 | 会议 {none}", "没有找到接收「王小明」")
    rows = await harness.store.db.fetchone("SELECT count(*) FROM development_steps WHERE step = 'admit'")
    assert rows is not None and rows[0] == 0
    text = await step(harness, "2026-03-22", f"支部大会 | 2026-03-22 | 会议 {two}", "等上级党委审批")
    assert "王小明" in text
    row = await harness.store.db.fetchone(
        "SELECT notice_id, resolution_seq, note FROM development_steps WHERE step = 'admit'"
    )
    assert row is not None and (row[0], row[1]) == (two, 2)  # the resolution naming him
    assert row[2] == "应到7 实到6 赞成5 书面1"
    harness.at(at("2026-03-23"))
    secretary = harness.user(SECRETARY)
    await secretary.send("/development 王小明")
    assert f"会议 #{two} 决议 2" in (await secretary.expect("支部大会讨论接收为预备党员")).text

    await step(harness, "2026-05-01", "审批 | 2026-05-01", "预备党员")
    confirm = await meeting(harness, "2027-03-22", admit(True, 6, "王小明同志按期转正", kind="confirm"))
    await step(harness, "2027-03-21", f"转正 | 2027-03-21 | 会议 {confirm}", "2027-03-22 开的")
    await step(harness, "2027-03-22", f"转正 | 2027-03-22 | 会议 {confirm}", "正式党员")
    [full] = await harness.store.members.named("王小明")
    assert full.votes and full.confirmed is not None and full.confirmed.isoformat() == "2027-03-22"
