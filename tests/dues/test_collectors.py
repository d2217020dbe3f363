"""党费收缴人 through the emulator (issue 25: payments are recorded "by the secretary or a named collector"): the
secretary names a member of the branch; the collector records a payment for another member of it, never their own
nor another branch's, corrects only what they recorded, and has nothing else of the secretary's; a member without
the role is refused; the secretary takes the role back and the collector is refused from then on. Nobody records
their own dues: the secretary's are recorded by the collector."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.harness import LIAISON, MEDIATOR, OTHER_SECRETARY, PATROL, SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


async def entries(harness: Harness) -> list[tuple[str, str, int, str | None]]:
    """(member, months, amount in 分, who recorded) of every entry, in order."""
    rows = await harness.store.db.fetchall(
        "SELECT m.name, p.first_month || '~' || p.last_month, p.amount, r.name FROM dues_payments p "
        "JOIN members m ON m.id = p.member_id LEFT JOIN members r ON r.id = p.recorded_by ORDER BY p.id"
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def test_a_named_collector_records_for_the_others_of_the_branch_until_taken_back(harness: Harness) -> None:
    harness.at(T0)
    secretary, collector, plain = harness.user(SECRETARY), harness.user(PATROL), harness.user(MEDIATOR)
    await collector.send("/start")  # linked on the first message
    await collector.next_message()

    # without the role, /pay is refused, naming who may use it
    await collector.send("/pay 钱调解 | 2026-11 | 15 | 现金")
    refused = await collector.expect("只有")
    assert "收缴人" in refused.text
    await secretary.send("/dues 收缴人")
    await secretary.expect("还没有指定党费收缴人")

    await secretary.send("/dues 收缴人 赵巡逻")
    named = await secretary.expect("已指定")
    assert "赵巡逻为一村党支部的党费收缴人" in named.text and "/dues 收缴人 赵巡逻" in named.text
    assert "赵巡逻可以用 /pay 登记本支部其他党员交的党费" in named.text and "他（她）" not in named.text
    told = await collector.expect("党费收缴人")
    assert "王书记指定您" in told.text and "/pay" in told.text
    await collector.send("/help")
    helped = (await collector.expect("/help")).text  # their commands now hold /pay, and no other of the secretary's
    assert "/pay" in helped and "/members" not in helped and "/invite" not in helped

    # another member of the branch: recorded, the collector the 经手人, the months in words
    await collector.send("/pay 钱调解 | 2026-10~2026-11 | 30 | 现金")
    paid = await collector.expect("已登记")
    assert "钱调解，2026年10月—11月的党费 30.00 元" in paid.text and "经手人 赵巡逻" in paid.text
    # the secretary's own dues: the collector records them
    await collector.send("/pay 王书记 | 2026-11 | 15 | 转账")
    assert "经手人 赵巡逻" in (await collector.expect("已登记")).text
    receipt = await secretary.expect("党费已经登记")
    assert "2026年11月，15.00 元" in receipt.text and "经手人 赵巡逻" in receipt.text
    # their own: refused; another branch's member: refused, naming the branch
    await collector.send("/pay 赵巡逻 | 2026-11 | 0.5 | 现金")
    own_refused = await collector.expect("自己的党费不能自己登记")
    assert "请交给支部书记或党费收缴人，由他们登记" in own_refused.text
    await collector.send("/pay 周普通 | 2026-11 | 0.5 | 现金")
    other = await collector.expect("没有找到「周普通」")
    assert "一村党支部" in other.text and "本支部" in other.text
    # nothing else of the secretary's: the list, another's year, a rule, naming a collector
    await collector.send("/dues")
    own = await collector.expect("赵巡逻的党费")
    assert "党费收缴人" in own.text and "党费收缴情况" not in own.text
    await collector.send("/dues 钱调解")
    await collector.expect("只能看自己的")
    await collector.send("/dues 钱调解 | 在职 | 4000")
    await collector.expect("只能看自己的")
    await collector.send("/dues 收缴人 李联络")
    await collector.expect("要由支部书记来做")
    await collector.send("/members")
    await collector.expect("只有")

    # corrections: what they recorded, yes; the secretary's entries, no
    await secretary.send("/pay 李联络 | 2026-11 | 15 | 现金")
    await secretary.expect("已登记")
    await collector.send("/pay 更正 3")
    await collector.expect("不是您经手登记的")
    await collector.send("/pay 更正 1")
    await collector.expect("已更正")

    # the secretary does not record their own either
    await secretary.send("/pay 王书记 | 2026-12 | 15 | 现金")
    assert "书记本人的交给收缴人或上级党委" in (await secretary.expect("自己的党费不能自己登记")).text
    # a member without the role
    await plain.send("/pay 赵巡逻 | 2026-11 | 0.5 | 现金")
    await plain.expect("只有")

    await secretary.send("/dues 收缴人")
    assert "· 一村党支部：赵巡逻" in (await secretary.expect("党费收缴人")).text
    await secretary.send("/dues 收缴人 赵巡逻")  # the same again takes it back
    assert "不再是一村党支部的党费收缴人" in (await secretary.expect("已取消")).text
    relieved = await collector.expect("不再请您担任")
    assert "王书记已不再请您担任本支部的党费收缴人，以后党员交的党费由书记登记。这段时间辛苦您了！" in relieved.text
    await collector.send("/pay 钱调解 | 2026-12 | 15 | 现金")
    await collector.expect("只有")
    await collector.send("/pay 更正 2")
    await collector.expect("只有")
    await collector.send("/help")
    assert "/pay" not in (await collector.expect("/help")).text

    assert await entries(harness) == [
        ("钱调解", "2026-10~2026-11", 3000, "赵巡逻"),
        ("王书记", "2026-11~2026-11", 1500, "赵巡逻"),
        ("李联络", "2026-11~2026-11", 1500, "王书记"),
        ("钱调解", "2026-10~2026-11", -3000, "赵巡逻"),
    ]


async def test_only_a_secretary_of_the_branch_names_its_collector(harness: Harness) -> None:
    harness.at(T0)
    other, secretary = harness.user(OTHER_SECRETARY), harness.user(SECRETARY)
    await other.send("/dues 收缴人 赵巡逻")  # 二村's secretary: 一村's member is not found
    await other.expect("没有找到「赵巡逻」")
    await harness.user(LIAISON).send("/dues 收缴人 赵巡逻")
    await harness.user(LIAISON).expect("要由支部书记来做")
    await secretary.send("/dues 收缴人 王书记")
    await secretary.expect("本来就能登记党费")
    await secretary.send("/dues collector 赵巡逻")  # the English word too
    await secretary.expect("已指定")
    await other.send("/dues 收缴人")
    await other.expect("还没有指定党费收缴人")  # 一村's collector is not 二村's
    rows = await harness.store.db.fetchall("SELECT member_id FROM dues_collectors")
    assert len(rows) == 1


async def test_naming_and_relieving_a_collector_reads_well_in_english(harness: Harness) -> None:
    harness.at(T0)
    secretary, collector = harness.user(SECRETARY), harness.user(PATROL)
    for user in (secretary, collector):
        await user.send("/lang en")
        await user.next_message()
    await secretary.send("/dues collector 赵巡逻")
    named = (await secretary.expect("Named:")).text
    assert "They can record other members' dues with /pay (not their own)" in named
    assert "everything else stays with the secretary" in named and "To undo this, send again:" in named
    await collector.expect("dues collector")
    await collector.send("/pay 赵巡逻 | 2026-11 | 0.5 | 现金")
    assert "the secretary's own dues go to" in (await collector.expect("Nobody can record their own dues")).text
    await secretary.send("/dues collector 赵巡逻")
    await secretary.expect("Taken back")
    await collector.expect("has relieved you of the dues collector role")


async def test_the_receipt_names_the_months_in_the_members_language(harness: Harness) -> None:
    harness.at(T0)
    secretary, member = harness.user(SECRETARY), harness.user(MEDIATOR)
    await member.send("/lang en")
    await member.next_message()
    await secretary.send("/pay 钱调解 | 2026年12月—2027年2月 | 45 | 转账")  # typed as the bot writes months
    paid = await secretary.expect("已登记")
    assert "2026年12月—2027年2月的党费 45.00 元" in paid.text and "预交" in paid.text
    receipt = await member.expect("Party dues are recorded")
    assert "December 2026–February 2027, 45.00 yuan" in receipt.text


async def test_a_payment_made_last_year_names_its_year(harness: Harness) -> None:
    """Recorded in January for a payment made on 28 December: the reply and the receipt say 2025年12月28日, not a
    bare 12月28日 that reads as this year's."""
    harness.at(datetime(2026, 1, 5, 10, 0, tzinfo=TZ))
    secretary, member = harness.user(SECRETARY), harness.user(MEDIATOR)
    await member.send("/start")
    await member.next_message()
    await secretary.send("/pay 钱调解 | 2025-12 | 15 | 现金 | 2025-12-28")
    paid = await secretary.expect("已登记")
    assert "2025年12月28日（周日）" in paid.text
    receipt = await member.expect("党费已经登记")
    assert "2025年12月28日（周日）" in receipt.text
    await secretary.send("/pay 钱调解 | 2026-01 | 15 | 现金")
    today = await secretary.expect("已登记")
    assert "1月5日（周一）" in today.text and "2026年1月5日" not in today.text


async def test_a_correction_of_an_entry_number_too_long_for_any_entry_is_told_so(harness: Harness) -> None:
    """Found by review: a number of 23 digits reached SQLite, which cannot hold it, and gave the generic error."""
    harness.at(T0)
    secretary = harness.user(SECRETARY)
    await secretary.send("/pay 更正 99999999999999999999999")
    told = await secretary.expect("没有")
    assert "999999999999999999…" in told.text
    await secretary.send("/pay 更正 999999999999999999")  # 18 digits: looked up, and not found either
    assert "999999999999999999" in (await secretary.expect("没有")).text
