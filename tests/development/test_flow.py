"""发展党员 through the emulator (issue 24): a secretary walks one person from 入党申请 to 转正 with a fake clock,
each step that comes too early refused with its rule; the member row follows (预备党员 without a vote, then 正式
党员 with one); a member, a liaison and an unknown user get nothing of it; bad input is answered with an example."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.harness import COMMUNITY_SECRETARY, LIAISON, PLAIN, SECRETARY, STRANGER, Harness

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TZ)


async def step(harness: Harness, today: str, line: str, expect: str, by: int = SECRETARY) -> str:
    harness.at(at(today))
    secretary = harness.user(by)
    name = "王小明" if by == SECRETARY else "王小明@一村党支部"  # the community's secretary names the branch
    await secretary.send(f"/development {name} | {line}")
    return (await secretary.expect(expect)).text


async def steps_count(harness: Harness) -> int:
    row = await harness.store.db.fetchone("SELECT count(*) FROM development_steps")
    assert row is not None
    return int(row[0])


async def test_one_person_from_application_to_full_member(harness: Harness) -> None:
    await step(harness, "2025-01-10", "入党申请 | 2025-01-10 | 出生 2007-01-11", "年满十八岁")  # a day short of 18
    assert await steps_count(harness) == 0
    await step(harness, "2025-01-11", "入党申请 | 2025-01-11 | 出生 2007-01-11", "已登记")
    await step(harness, "2025-01-12", "积极分子 | 2025-01-12 | 李联络", "还没有登记派人谈话")
    await step(harness, "2025-02-01", "谈话 | 2025-02-01", "已登记")
    await step(harness, "2025-03-01", "积极分子 | 2025-03-01 | 王老五", "「王老五」不是一村党支部的正式党员")
    await step(harness, "2025-03-01", "积极分子 | 2025-03-01 | 李联络、赵巡逻", "入党积极分子")
    await step(harness, "2026-02-28", "发展对象 | 2026-02-28 | 李联络、赵巡逻", "一年以上")
    await step(harness, "2026-03-01", "发展对象 | 2026-03-01 | 李联络", "两名入党介绍人")
    await step(harness, "2026-03-01", "发展对象 | 2026-03-01 | 李联络、赵巡逻", "发展对象")
    await step(harness, "2026-03-20", "支部大会 | 2026-03-20 | 应到5 实到4 赞成4", "政治审查")
    await step(harness, "2026-03-10", "政审 | 2026-03-10 | 合格", "已登记")
    await step(harness, "2026-03-15", "培训 | 2026-03-15 | 2天", "不少于三天")
    await step(harness, "2026-03-15", "培训 | 2026-03-15 | 24学时", "已登记")
    await step(harness, "2026-03-20", "支部大会 | 2026-03-20 | 应到6 实到3 赞成3", "没有开成")
    await step(harness, "2026-03-20", "支部大会 | 2026-03-20 | 应到6 实到4 赞成3", "没有通过")
    await step(harness, "2026-03-20", "支部大会 | 2026-03-20 | 应到6 实到4 赞成3 书面1", "等上级党委审批")
    assert await harness.store.members.named("王小明") == []  # no member rights before the approval
    await step(harness, "2026-05-01", "审批 | 2026-05-01", "预备党员")
    [member] = await harness.store.members.named("王小明")
    assert member.is_probationary and not member.votes and member.joined is not None
    assert member.joined.isoformat() == "2026-03-20"  # the 预备期 counts from the 支部大会
    await step(harness, "2026-05-02", "宣誓 | 2026-05-02", "已登记")
    await step(harness, "2027-03-19", "转正 | 2027-03-19", "2027-03-20 才满")
    await step(harness, "2027-03-20", "转正 | 2027-03-20", "正式党员")
    [member] = await harness.store.members.named("王小明")
    assert member.votes and member.confirmed is not None and member.confirmed.isoformat() == "2027-03-20"


async def test_list_and_record_show_stage_and_what_is_due(harness: Harness) -> None:
    await step(harness, "2026-03-02", "入党申请 | 2026-03-02 | 出生 2001-05-16", "已登记")
    secretary = harness.user(SECRETARY)
    harness.at(at("2026-04-05"))
    await secretary.send("/development")
    listed = (await secretary.expect("发展党员名单")).text
    assert "王小明" in listed and "入党申请人" in listed and "谈话已过期限（4月2日（周四））" in listed
    assert "2001年5月16日" not in listed and "2001-05-16" not in listed  # the birth date only in the one-record view
    await secretary.send("/development 王小明")
    one = (await secretary.expect("递交入党申请书")).text
    assert "出生日期：2001年5月16日" in one and "王书记 登记" in one


async def test_bad_input_is_answered_with_an_example(harness: Harness) -> None:
    harness.at(at("2026-03-02"))
    secretary = harness.user(SECRETARY)
    for line, answer in (
        ("/development 王小明 | 入学 | 2026-03-02", "不是发展党员的步骤"),
        ("/development 王小明 | 入党申请 | 三月二日", "看不明白"),
        ("/development 王小明 | 入党申请 | 2026-03-02", "出生日期"),
        ("/development 王小明 | 入党申请 | 2026-03-09 | 出生 2001-05-16", "还没到"),
        ("/development 王小明 | 谈话 | 2026-03-02", "没有找到"),
        ("/development 王小明 | 谈话", "例如"),
    ):
        await secretary.send(line)
        await secretary.expect(answer)
    assert await steps_count(harness) == 0


async def test_others_are_refused_and_nothing_is_written(harness: Harness) -> None:
    harness.at(at("2026-03-02"))
    for telegram_id in (PLAIN, LIAISON):
        user = harness.user(telegram_id)
        await user.send("/development 王小明 | 入党申请 | 2026-03-02 | 出生 2001-05-16")
        await user.expect("只有")
    stranger = harness.user(STRANGER)
    await stranger.send("/development")
    await stranger.expect("还没有登记")
    assert await steps_count(harness) == 0


async def test_contacts_are_of_the_persons_branch_and_sponsors_of_any_branch_managed(harness: Harness) -> None:
    """The community's secretary manages both branches. 周普通, a full member of 二村, cannot be the 培养联系人 of
    一村's 王小明 (contacts read the reports and are reminded within the branch), but can be his 入党介绍人."""
    for day, line, expect in (
        ("2025-01-11", "入党申请 | 2025-01-11 | 出生 2000-01-11", "已登记"),
        ("2025-02-01", "谈话 | 2025-02-01", "已登记"),
        (
            "2025-03-01",
            "积极分子 | 2025-03-01 | 周普通",
            "「周普通」不是一村党支部的正式党员。培养联系人要由本支部的正式党员担任",
        ),
        ("2025-03-01", "积极分子 | 2025-03-01 | 李联络", "入党积极分子"),
        ("2026-03-02", "发展对象 | 2026-03-02 | 李联络、周普通", "发展对象"),
    ):
        await step(harness, day, line, expect, by=COMMUNITY_SECRETARY)
    assert await steps_count(harness) == 4
