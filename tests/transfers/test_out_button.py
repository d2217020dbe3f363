"""「办理转出」 on the six-month reminder about a mobile member (issue 27, item 1), through the emulator: the reminder
(the daily digest's line about the member) carries the button; the member's branch secretary presses it and is
asked only what is missing (the organisation when none is recorded, the letter's number, its day, the 有效期 of
three months with one press); another branch's secretary, a plain member and a forged button are refused and
nothing is recorded; pressing again never opens a second transfer."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.emulator.models import BotMessage
from bot.services.transfers.buttons import TransferOut, TransferOutUsual
from tests.support.harness import COMMUNITY_SECRETARY, OTHER_SECRETARY, PLAIN, SECRETARY, Harness
from tests.support.notices import link

TZ = ZoneInfo("Asia/Shanghai")
ORG = "中共东莞市长安镇委员会"
OUT = f"/transfer 转出 | 张流动 | {ORG} | 2026-016 | 2026-03-02"


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TZ)


async def give(harness: Harness, name: str, **fields: str) -> None:
    """The roster's file fields for a member, as an import would write them."""
    [member] = await harness.store.members.named(name)
    async with harness.store.db.transaction() as conn:
        await conn.executemany(
            "INSERT OR REPLACE INTO member_details (member_id, field, value) VALUES (?, ?, ?)",
            [(member.id, k, v) for k, v in fields.items()],
        )


async def transfers(harness: Harness) -> list[tuple[str, str, str, str, str]]:
    rows = await harness.store.db.fetchall(
        "SELECT other_org, letter_no, issued_on, valid_until, state FROM transfers ORDER BY id"
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def reminded(harness: Harness) -> BotMessage:
    """张流动 left on 2025-08-01: on 2026-03-02 the secretary of 一村 gets the six-month reminder (in the daily
    digest, with its button)."""
    await link(harness, SECRETARY)
    harness.at(at("2026-03-02"))
    await harness.sweep()
    await harness.settle()
    found = [m for m in harness.user(SECRETARY).drain() if "张流动" in m.text and "组织关系转接" in m.text]
    assert len(found) == 1, found
    return found[0]


async def test_the_reminder_carries_the_button_and_the_secretary_completes_a_transfer(harness: Harness) -> None:
    await give(harness, "张流动", inflow_place="东莞市长安镇", inflow_org=ORG)
    reminder = await reminded(harness)
    assert reminder.labels() == ["办理转出：张流动"]
    assert "· 张流动：从 2025年8月1日（周五） 外出，已满 7 个月" in reminder.text
    secretary = harness.user(SECRETARY)
    await secretary.press("办理转出", reminder)
    head = await secretary.expect("为 张流动（一村党支部）办理组织关系转出", kind="message")
    assert ORG in head.text and "流入地登记的党组织" in head.text
    await secretary.expect("请发介绍信编号")  # the organisation is not asked: it is recorded
    await secretary.send("2026-015")
    await secretary.expect("开具日期")
    await secretary.send("三月二日")
    await secretary.expect("看不明白")
    await secretary.send("2026-03-03")
    await secretary.expect("还没到")
    await secretary.send("今天")
    asked = await secretary.expect("有效期一般是 3 个月，到 6月1日（周一）")
    assert asked.labels() == ["有效期3个月，到2026年6月1日"]  # no brackets in brackets, no weekday
    await secretary.send("4个月")
    await secretary.expect("最长 3 个月")
    assert await transfers(harness) == []  # nothing recorded before the last answer
    await secretary.press("有效期3个月", asked)
    done = await secretary.expect("已登记转出：张流动", kind="message")
    assert ORG in done.text and "2026-015" in done.text and "3月2日（周一）" in done.text
    assert await transfers(harness) == [(ORG, "2026-015", "2026-03-02", "2026-06-01", "open")]
    await secretary.press("办理转出", reminder)  # the reminder keeps its button: pressed again, refused
    await secretary.expect("已经有一次转接正在办理", kind="alert")
    assert len(await transfers(harness)) == 1
    await secretary.send("/transfer")
    listed = (await secretary.expect("在途")).text
    assert "张流动" in listed and "2026-015" in listed


async def test_without_a_recorded_organisation_it_is_asked_and_a_shorter_validity_typed(harness: Harness) -> None:
    await give(harness, "张流动", inflow_place="东莞市长安镇")
    reminder = await reminded(harness)
    secretary = harness.user(SECRETARY)
    await secretary.press("办理转出", reminder)
    head = await secretary.expect("流入地：东莞市长安镇，还没有登记流入地的党组织", kind="message")
    assert "办理组织关系转出" in head.text
    await secretary.expect("请发转往的党组织名称")
    await secretary.send("某" * 61)
    await secretary.expect("太长")
    await secretary.send("中共某某镇委员会")
    await secretary.expect("请发介绍信编号")
    await secretary.send("2026-020")
    await secretary.expect("开具日期")
    await secretary.send("2026-03-01")
    asked = await secretary.expect("有效期一般是 3 个月，到 5月31日（周日）")
    assert "例如 2026-03-31" in asked.text  # a shorter one's example: a month after the letter's day
    await secretary.send("30天")
    await secretary.expect("已登记转出：张流动")
    assert await transfers(harness) == [("中共某某镇委员会", "2026-020", "2026-03-01", "2026-03-30", "open")]


async def test_pressing_twice_never_opens_two_transfers(harness: Harness) -> None:
    await give(harness, "张流动", inflow_org=ORG)
    reminder = await reminded(harness)
    secretary = harness.user(SECRETARY)
    await secretary.press("办理转出", reminder)
    await secretary.expect("请发介绍信编号", skipping=("办理组织关系转出",))
    await secretary.send("2026-015")
    await secretary.expect("开具日期")
    await secretary.press("办理转出", reminder)  # pressed again mid-way: the questions start over
    await secretary.expect("请发介绍信编号", skipping=("办理组织关系转出",))
    await secretary.send("2026-015")
    await secretary.expect("开具日期")
    await secretary.send("今天")
    asked = await secretary.expect("有效期一般是")
    await link(harness, COMMUNITY_SECRETARY)
    community = harness.user(COMMUNITY_SECRETARY)
    await community.send(OUT)  # meanwhile the 社区书记 records the same 转出 by the command
    await community.expect("已登记转出：张流动")
    await secretary.press("有效期3个月", asked)
    await secretary.expect("已经有一次转接正在办理", kind="alert")
    await secretary.press_data(TransferOutUsual(1).pack(), asked)  # a stale copy of the button
    await secretary.expect("这个按钮已经失效了", kind="alert")
    assert [t[1] for t in await transfers(harness)] == ["2026-016"]


async def test_another_branch_a_plain_member_and_a_forged_button_are_refused(harness: Harness) -> None:
    await give(harness, "张流动", inflow_org=ORG)
    reminder = await reminded(harness)
    data = reminder.button("办理转出：张流动").callback_data
    [member] = await harness.store.members.named("张流动")
    assert data == TransferOut(member.id).pack()
    for other in (OTHER_SECRETARY, PLAIN):
        await link(harness, other)
        user = harness.user(other)
        await user.press_data(data)
        refused = await user.expect("只有这位党员所在支部的书记", kind="alert")
        assert "张流动" not in refused.text
        await user.send("2026-015")  # no question was asked: nothing is taken as its answer
        await user.next_message()
    secretary = harness.user(SECRETARY)
    await secretary.press_data(TransferOut(999999).pack(), reminder)
    await secretary.expect("不在党员名单上", kind="alert")
    await secretary.press_data("tr:out:abc", reminder)
    await secretary.expect("这个按钮已经失效了", kind="alert")
    assert await transfers(harness) == []
    assert not harness.emu.internal_errors
