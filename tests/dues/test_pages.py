"""/dues as pages (issue 25): a branch of 200 members in pages of 40 with ◀ ▶ and filters (欠交, 未核定), the month's
totals over all of them on every page, one page exactly at 40 members and two at 41; the right checked again at
every press. A payment recorded by the secretary sends the member a receipt in their private chat, once; a member
who cannot be reached gets none, and nothing else goes anywhere."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.store.db import Statement
from tests.support.harness import MEDIATOR, PLAIN, SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)
STAMP = "2026-01-02T00:00:00+00:00"
#: Members of 一村 in the small roster (the secretary's branch): 王书记, 李联络, 张流动, 赵巡逻, 钱调解, 吴未绑定.
ROSTER = 6


async def add_members(harness: Harness, count: int, behind: int = 0) -> None:
    """`count` more members of 一村, `behind` of them with a 2026 rule (farmer, 0.5 元) and nothing paid."""
    yicun = await harness.store.db.fetchone("SELECT id FROM units WHERE name = '一村党支部'")
    assert yicun is not None
    await harness.store.db.write(
        [
            Statement(
                "INSERT INTO members (name, unit_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
                many=[(f"党员{i:03d}", yicun[0], STAMP, STAMP) for i in range(1, count + 1)],
            ),
            Statement(
                "INSERT INTO dues_rules (member_id, year, category, amount, set_at) "
                "SELECT id, 2026, 'farmer', 50, ? FROM members WHERE name LIKE '党员%' ORDER BY id LIMIT ?",
                (STAMP, behind),
            ),
        ]
    )


async def test_two_hundred_members_page_by_page(harness: Harness) -> None:
    harness.at(T0)
    await add_members(harness, 200 - ROSTER, behind=30)
    secretary = harness.user(SECRETARY)
    await secretary.send("/dues")
    first = await secretary.expect("党费收缴情况")
    assert "已核定 30 人，本月已交 0 人：应交 15.00 元" in first.text  # totals over all 200, not the page
    assert "第 1/5 页，共 200 人" in first.text
    assert "1. 党员001：10 个月未交（从2026年1月起），每月 0.50 元" in first.text  # those behind first
    assert "41." not in first.text
    await secretary.press("下一页")
    second = await secretary.expect("第 2/5 页", kind="edit")
    assert second.message_id == first.message_id and "41. " in second.text and "已核定 30 人" in second.text
    await secretary.press("欠交 30", second)
    behind = await secretary.expect("现在只看：欠交，30 人", kind="edit")
    assert "30. 党员030" in behind.text and "下一页" not in str(secretary.last_message_with_buttons())
    await secretary.press("未核定 170", behind)
    unruled = await secretary.expect("现在只看：未核定，170 人", kind="edit")
    assert "还没核定基数" in unruled.text and "第 1/5 页" in unruled.text
    member = harness.user(PLAIN)  # another branch's member pressing a forged page: expired, nothing shown
    await member.send("/start")
    welcome = await member.next_message()
    for data in ("pg:dues:0:all:2", "pg:dues:3:overdue:1"):
        await member.press_data(data, welcome)
        answer = await member.next_message(kind=("alert", "edit", "message"))
        assert answer.kind == "alert" and "失效" in answer.text, (data, answer)


async def test_forty_members_are_one_page_and_forty_one_are_two(harness: Harness) -> None:
    harness.at(T0)
    await add_members(harness, 40 - ROSTER)
    secretary = harness.user(SECRETARY)
    await secretary.send("/dues")
    one = await secretary.expect("党费收缴情况")
    assert "40. " in one.text and "第 1/" not in one.text
    assert not [b for row in one.buttons for b in row if "页" in b.text]  # the filters only, no ◀ ▶
    await harness.store.db.write(
        [
            Statement(
                "INSERT INTO members (name, unit_id, created_at, updated_at) "
                "SELECT '多一位', unit_id, ?, ? FROM members WHERE name = '王书记'",
                (STAMP, STAMP),
            )
        ]
    )
    await secretary.send("/dues")
    two = await secretary.expect("党费收缴情况")
    assert "第 1/2 页，共 41 人" in two.text and "41. " not in two.text


async def test_a_receipt_goes_to_the_member_once(harness: Harness) -> None:
    harness.at(T0)
    secretary, member = harness.user(SECRETARY), harness.user(MEDIATOR)
    await member.send("/start")  # linked on the first message
    await member.next_message()
    await secretary.send("/dues 钱调解 | 在职 | 3000")
    await secretary.expect("已核定")
    await secretary.send("/pay 钱调解 | 2026-10~2026-11 | 30 | 转账 | 2026-11-08")
    await secretary.expect("已登记")
    receipt = await member.expect("党费已经登记")
    assert "2026年10月—11月，30.00 元（转账，11月8日（周日），补交），经手人 王书记" in receipt.text
    await secretary.send("/pay 吴未绑定 | 2026-11 | 0.5 | 现金")  # not linked: no receipt, nothing queued
    await secretary.expect("已登记")
    await secretary.send("/pay 更正 1")
    await secretary.expect("已更正")
    await harness.settle()
    [qian] = await harness.store.members.named("钱调解")
    rows = await harness.store.db.fetchall("SELECT key FROM outbox WHERE kind = 'dues'")
    assert [r[0] for r in rows] == [f"dues:receipt:{qian.id}:1"]  # one receipt, none for the correction
    await harness.nothing_more(member)
