"""Care for members in hardship (issue 15 items 6–7) through the emulator: /care opens, lists and closes a
case; /carevisit logs visits by the visitor or a secretary; others get a refusal and nothing else; an
`ill` or `hardship` status opens a case in its own write."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.store.db import Statement
from tests.support.care import link, open_case
from tests.support.harness import (
    COMMUNITY_SECRETARY,
    LIAISON,
    MIGRANT,
    OTHER_SECRETARY,
    PATROL,
    PLAIN,
    SECRETARY,
    STRANGER,
    Harness,
)

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


async def counts(harness: Harness) -> tuple[int, int, int]:
    cases = await harness.store.db.fetchone("SELECT count(*) FROM care_cases")
    visits = await harness.store.db.fetchone("SELECT count(*) FROM care_visits")
    outbox = await harness.store.db.fetchone("SELECT count(*) FROM outbox")
    assert cases is not None and visits is not None and outbox is not None
    return cases[0], visits[0], outbox[0]


async def test_secretary_opens_a_case_and_the_liaison_is_told(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, LIAISON)
    secretary = harness.user(SECRETARY)
    await secretary.send("/care 张流动 | 在外务工受伤，家里生活困难")
    reply = await secretary.expect("已登记")
    assert "张流动" in reply.text and "李联络" in reply.text
    told = await harness.user(LIAISON).expect("帮扶走访安排")
    assert "张流动" in told.text and "王书记" in told.text and "在外务工受伤" in told.text
    case = await open_case(harness, MIGRANT)
    assert case is not None and case.source == "secretary" and case.visitor_name == "李联络"
    # one open case per member: a second /care is refused and names the open one
    await secretary.send("/care 张流动 | 又病了")
    again = await secretary.expect("已经在帮扶台账里")
    assert "11月10日（周二） 立案" in again.text and "李联络" in again.text
    assert (await counts(harness))[0] == 1


async def test_secretary_names_the_visitor(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, PATROL)
    secretary = harness.user(SECRETARY)
    await secretary.send("/care 钱调解 | 独居，腿脚不便 | 赵巡逻")
    await secretary.expect("走访人 赵巡逻")
    await harness.user(PATROL).expect("钱调解")


async def test_a_member_without_a_liaison_has_no_visitor_yet(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/care 赵巡逻 | 生病住院")
    await secretary.expect("没有联系人")
    case = await open_case(harness, PATROL)
    assert case is not None and case.visitor_id is None


async def test_bad_input_to_care(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/care 张流动")
    await secretary.expect("/care 姓名 | 情况")
    await secretary.send("/care 不存在的人 | 困难")
    await secretary.expect("没有找到「不存在的人」")
    await secretary.send("/care 张流动 | 困难 | 不存在的走访人")
    await secretary.expect("没有找到走访人")
    await secretary.send("/care 结案 张流动")
    await secretary.expect("/care 结案 姓名 | 结果")
    await secretary.send("/care 结案 张流动 | 已解决")
    await secretary.expect("没有「张流动」未结案")
    assert await counts(harness) == (0, 0, 0)


async def test_other_branch_secretary_member_and_stranger_are_refused(harness: Harness) -> None:
    other = harness.user(OTHER_SECRETARY)
    await other.send("/care 张流动 | 困难")
    reply = await other.expect("没有找到「张流动」")
    assert "李联络" not in reply.text and "一村" not in reply.text
    member = harness.user(PLAIN)
    await member.send("/care 张流动 | 困难")
    await member.expect("/care 只有")
    stranger = harness.user(STRANGER)
    await stranger.send("/care 张流动 | 困难")
    await stranger.expect("还没有登记")
    await stranger.send("/carevisit 张流动 | 慰问 | 再去")
    await stranger.expect("还没有登记")
    for user in (other, member, stranger):
        await harness.nothing_more(user)
    assert await counts(harness) == (0, 0, 0)


async def test_visits_by_the_visitor_and_the_secretary_not_by_another_member(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, LIAISON)
    secretary, liaison = harness.user(SECRETARY), harness.user(LIAISON)
    await secretary.send("/care 张流动 | 家里困难")
    await secretary.expect("已登记")
    await liaison.expect("帮扶走访安排")
    # the guided list: the person's cases, the format and an example
    await liaison.send("/carevisit")
    yours = await liaison.expect("您负责的帮扶对象")
    assert "张流动" in yours.text and "未走访" in yours.text
    example = await liaison.expect("/carevisit 姓名 | 带去/办理 | 下一步")
    assert "/carevisit 张流动 |" in example.text
    harness.at(datetime(2026, 11, 12, 9, 0, tzinfo=TZ))
    await liaison.send("/carevisit 张流动 | 送去慰问金500元 | 下周陪同复查 | 2026-11-11")
    await liaison.expect("已登记 张流动 的走访（11月11日（周三））")
    await secretary.send("/carevisit 张流动 | 送去米面油 | 月底再去")
    await secretary.expect("已登记 张流动 的走访（11月12日（周四））。下一步：月底再去")
    patrol = harness.user(PATROL)
    await patrol.send("/carevisit 张流动 | 慰问 | 再去")
    await patrol.expect("没有找到由您负责的「张流动」")
    await patrol.send("/carevisit")
    await patrol.expect("没有负责的帮扶对象")
    await patrol.expect("/carevisit 姓名")
    rows = await harness.store.db.fetchall("SELECT visited_on, brought FROM care_visits ORDER BY id")
    assert [(r[0], r[1]) for r in rows] == [("2026-11-11", "送去慰问金500元"), ("2026-11-12", "送去米面油")]
    await secretary.send("/care")
    listed = await secretary.expect("困难党员台账")
    assert "张流动" in listed.text and "上次走访 11月12日（周四）" in listed.text and "李联络" in listed.text


async def test_bad_visit_dates(harness: Harness) -> None:
    harness.at(T0)
    secretary = harness.user(SECRETARY)
    await secretary.send("/care 张流动 | 家里困难")
    await secretary.expect("已登记")
    for bad in ("2026-13-01", "明天", "2026-11-11"):
        await secretary.send(f"/carevisit 张流动 | 慰问 | 再去 | {bad}")
        await secretary.expect("不是有效的走访日期")
    await secretary.send("/carevisit 张流动 | 慰问 | 再去 | 2026-10-01")
    await secretary.expect("不能早于立案日期 11月10日（周二）")
    await secretary.send("/carevisit 张流动")
    await secretary.expect("/carevisit 姓名 | 带去/办理 | 下一步")
    assert (await counts(harness))[1] == 0


async def test_close_a_case_and_the_list_is_empty(harness: Harness) -> None:
    harness.at(T0)
    secretary = harness.user(SECRETARY)
    await secretary.send("/care")
    await secretary.expect("目前没有未结案")
    await secretary.send("/care 张流动 | 家里困难")
    await secretary.expect("已登记")
    other = harness.user(OTHER_SECRETARY)
    await other.send("/care 结案 张流动 | 已解决")
    await other.expect("没有「张流动」未结案")
    await secretary.send("/care 结案 张流动 | 已办理临时救助，生活恢复正常")
    await secretary.expect("已结案")
    await secretary.send("/care")
    await secretary.expect("目前没有未结案")
    row = await harness.store.db.fetchone("SELECT outcome, closed_at IS NOT NULL FROM care_cases")
    assert row is not None and row[0] == "已办理临时救助，生活恢复正常" and row[1]
    # closed: a new case may be opened again later
    await secretary.send("/care 张流动 | 又遇到困难")
    await secretary.expect("已登记")


async def test_hardship_or_illness_status_opens_one_case(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, LIAISON, SECRETARY)
    migrant = harness.user(MIGRANT)
    await migrant.send("/status hardship | | 家里老人住院")
    await migrant.expect("已告知")
    case = await open_case(harness, MIGRANT)
    assert case is not None and case.source == "hardship" and case.situation == "家里老人住院"
    assert case.visitor_name == "李联络"
    await migrant.send("/status ill")
    await migrant.expect("已告知")
    assert (await counts(harness))[0] == 1  # the open case stays the one case
    secretary = harness.user(SECRETARY)
    for state in ("生活困难", "生病"):  # the two alerts, as before
        alert = await secretary.expect("党员动态提醒")
        assert state in alert.text
    await secretary.send("/care")
    listed = await secretary.expect("困难党员台账")
    assert "家里老人住院" in listed.text
    member = harness.user(PLAIN)
    await member.send("/status home")
    await member.expect("已报备")
    assert (await counts(harness))[0] == 1


async def test_care_commands_are_private(harness: Harness) -> None:
    group = harness.emu.add_group(-100778, "一村党支部群")
    await harness.user(SECRETARY).send("/care 张流动 | 家里困难", chat=group)
    reply = await group.expect("私聊")
    assert "张流动" not in reply.text
    assert (await counts(harness))[0] == 0


async def test_a_name_in_two_branches_is_told_apart_by_its_branch(harness: Harness) -> None:
    harness.at(T0)
    yicun = await harness.store.db.fetchone("SELECT id FROM units WHERE name = '一村党支部'")
    assert yicun is not None
    stamp = "2026-11-01T00:00:00+00:00"
    await harness.store.db.write(
        [
            Statement(
                "INSERT INTO members (name, unit_id, created_at, updated_at) VALUES ('周普通', ?, ?, ?)",
                (yicun[0], stamp, stamp),
            )
        ]
    )
    community = harness.user(COMMUNITY_SECRETARY)
    await community.send("/care 周普通 | 家里困难")
    await community.expect("周普通@支部名称")
    await community.send("/care 周普通@二村 | 家里困难")
    await community.expect("已登记：周普通（二村党支部）")
    await community.send("/care 周普通（一村党支部） | 生病住院")
    await community.expect("已登记：周普通（一村党支部）")
    await community.send("/carevisit 周普通 | 慰问 | 再去")
    await community.expect("周普通@支部名称")
    await community.send("/carevisit 周普通@二村 | 慰问 | 再去")
    await community.expect("已登记 周普通 的走访")
    await community.send("/care 结案 周普通（一村） | 已出院")
    await community.expect("已结案")
    rows = await harness.store.db.fetchall(
        "SELECT u.name, c.closed_at IS NULL, (SELECT count(*) FROM care_visits v WHERE v.case_id = c.id) "
        "FROM care_cases c JOIN members m ON m.id = c.member_id JOIN units u ON u.id = m.unit_id ORDER BY u.name"
    )
    assert sorted((r[0], bool(r[1]), r[2]) for r in rows) == [("一村党支部", False, 0), ("二村党支部", True, 1)]
    # the secretary of 二村 sees only their own 周普通, without a branch
    other = harness.user(OTHER_SECRETARY)
    await other.send("/care 结案 周普通 | 已解决")
    await other.expect("已结案")


async def test_the_secretary_is_told_who_must_be_told(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/care 张流动 | 家里困难 | 王书记")
    await secretary.expect("由您本人走访")
    await secretary.send("/care 钱调解 | 家里困难 | 吴未绑定")
    await secretary.expect("走访人 吴未绑定。他还没在机器人上登记")
    assert await harness.store.db.fetchall("SELECT key FROM outbox") == []
