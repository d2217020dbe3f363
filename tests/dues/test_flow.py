"""/dues and /pay through the emulator: a secretary sets a member's rule and records payments, sees the
branch's collection; a member sees only their own dues; others are refused or shown nothing of 一村; bad input
is answered with an example; a member's dues never go to a group."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.harness import MEDIATOR, OTHER_SECRETARY, PLAIN, SECRETARY, STRANGER, Harness

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


async def counts(harness: Harness) -> tuple[int, int]:
    rules = await harness.store.db.fetchone("SELECT count(*) FROM dues_rules")
    payments = await harness.store.db.fetchone("SELECT count(*) FROM dues_payments")
    assert rules is not None and payments is not None
    return rules[0], payments[0]


async def test_secretary_sets_the_rule_records_payments_and_sees_the_branch(harness: Harness) -> None:
    harness.at(T0)
    secretary = harness.user(SECRETARY)
    await secretary.send("/dues 钱调解 | 在职 | 3000.01")
    reply = await secretary.expect("已核定")
    assert "钱调解" in reply.text and "每月 30.00 元" in reply.text and "1%" in reply.text
    await secretary.send("/dues 赵巡逻 | 农民 | 0.5")
    await secretary.expect("每月 0.50 元")
    await secretary.send("/dues 钱调解 | 在职 | 3000")  # reviewed within the year
    assert "每月 15.00 元" in (await secretary.expect("已调整")).text
    await secretary.send("/pay 钱调解 | 2026-11 | 15 | 现金")
    paid = await secretary.expect("已登记")
    assert "15.00 元" in paid.text and "按月" in paid.text and "王书记" in paid.text
    await secretary.send("/pay 赵巡逻 | 2026-09~2026-11 | 1.5 | 代交 | 2026-11-08")
    assert "补交" in (await secretary.expect("已登记")).text
    await secretary.send("/dues")
    listing = await secretary.expect("党费收缴情况")
    assert "2026年11月党费收缴情况" in listing.text and "已核定 2 人，本月已交 2 人" in listing.text
    assert "没有欠交的" in listing.text and "李联络" in listing.text  # no base set yet: named
    await secretary.send("/dues 钱调解")
    one = await secretary.expect("钱调解的党费")
    assert "· 2026年11月：应交 15.00，实交 15.00" in one.text
    assert await counts(harness) == (2, 2)


async def test_a_member_sees_only_their_own(harness: Harness) -> None:
    harness.at(T0)
    secretary = harness.user(SECRETARY)
    await secretary.send("/dues 钱调解 | 离退休 | 5000.01")
    assert "每月 50.00 元" in (await secretary.expect("已核定")).text
    member = harness.user(MEDIATOR)
    await member.send("/dues")
    own = await member.expect("钱调解的党费")
    assert "每月 50.00 元" in own.text and "离退休" in own.text
    await member.send("/dues 王书记")
    await member.expect("只能看自己的")
    await member.send("/pay 钱调解 | 2026-11 | 50 | 现金")
    await member.expect("/pay 只有")
    plain = harness.user(PLAIN)
    await plain.send("/dues 钱调解")
    reply = await plain.expect("只能看自己的")
    assert "50.00" not in reply.text
    assert await counts(harness) == (1, 0)


async def test_other_branch_and_stranger_learn_nothing(harness: Harness) -> None:
    harness.at(T0)
    await harness.user(SECRETARY).send("/dues 钱调解 | 在职 | 4000")
    await harness.user(SECRETARY).expect("已核定")
    other = harness.user(OTHER_SECRETARY)
    await other.send("/dues 钱调解")
    reply = await other.expect("没有找到「钱调解」")
    assert "40.00" not in reply.text and "一村" not in reply.text
    await other.send("/pay 钱调解 | 2026-11 | 40 | 现金")
    await other.expect("没有找到「钱调解」")
    await other.send("/dues")
    listing = await other.expect("党费收缴情况")
    assert "钱调解" not in listing.text and "王书记" not in listing.text
    stranger = harness.user(STRANGER)
    await stranger.send("/dues")
    await stranger.expect("还没有登记")
    await stranger.send("/pay 钱调解 | 2026-11 | 40 | 现金")
    await stranger.expect("还没有登记")
    assert await counts(harness) == (1, 0)


async def test_bad_input_is_answered_with_an_example(harness: Harness) -> None:
    harness.at(T0)
    secretary = harness.user(SECRETARY)
    cases = [
        ("/dues 钱调解 | 会员 | 4000", "不是党费类别", "/dues 高桂兰 | 在职 | 4500"),
        ("/dues 钱调解 | 在职", "要写基数", "/dues 高桂兰 | 在职 | 4500"),
        ("/dues 钱调解 | 在职 | 四千", "不是金额", "45 或 0.5"),
        ("/dues 钱调解 | 农民 | 0.1", "0.2 到 1 元", "/dues 张大山 | 农民 | 0.5"),
        ("/dues 钱调解 | 在职 | 4000 | 30", "不能少于这个数", "40.00"),
        ("/pay 钱调解", "登记交党费，请这样写", "/pay 高桂兰 | 2026-11 | 45 | 现金"),
        ("/pay 钱调解 | 11月 | 45 | 现金", "不是月份", "2026-09~2026-11"),
        ("/pay 钱调解 | 2026-11 | 45 | 刷卡", "不是交纳方式", "/pay 高桂兰 | 2026-11 | 45 | 现金"),
        ("/pay 钱调解 | 2026-11 | 0 | 现金", "金额要大于 0", "/pay 更正"),
        ("/pay 钱调解 | 2026-11 | 45 | 现金 | 2026-12-01", "不是交纳日期", "2026-11-05"),
        ("/pay 更正 abc", "更正一笔登记", "/pay 更正 编号"),
        ("/pay 更正 99", "没有找到您能更正的第 99 号", ""),
    ]
    for text, problem, example in cases:
        await secretary.send(text)
        reply = await secretary.expect(problem)
        assert example in reply.text, text
    assert await counts(harness) == (0, 0)


async def test_a_correction_is_a_new_entry(harness: Harness) -> None:
    harness.at(T0)
    secretary = harness.user(SECRETARY)
    await secretary.send("/pay 钱调解 | 2026-11 | 450 | 现金")
    first = await secretary.expect("已登记")
    number = first.text.split("已登记 ")[1].split(" 号")[0]
    await secretary.send(f"/pay 更正 {number}")
    assert "作废" in (await secretary.expect("已更正")).text
    await secretary.send(f"/pay 更正 {number}")
    await secretary.expect("已经更正过了")
    rows = await harness.store.db.fetchall("SELECT amount, corrects FROM dues_payments ORDER BY id")
    assert [(r[0], r[1]) for r in rows] == [(45000, None), (-45000, int(number))]


async def test_dues_stay_out_of_groups(harness: Harness) -> None:
    harness.at(T0)
    await harness.user(SECRETARY).send("/dues 钱调解 | 在职 | 4000")
    await harness.user(SECRETARY).expect("已核定")
    group = harness.emu.add_group(-100779, "一村党支部群")
    await harness.user(MEDIATOR).send("/dues", chat=group)
    reply = await group.expect("私聊")
    assert "40.00" not in reply.text and "钱调解的党费" not in reply.text
    await harness.user(SECRETARY).send("/dues", chat=group)
    listing = await group.expect("私聊")
    assert "党费收缴情况" not in listing.text
