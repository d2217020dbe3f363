"""/households and /visit through the emulator: each role, step by step and in one line, bad input, refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.exports.export import export_files
from bot.services.households.buttons import HouseholdPick
from tests.support.harness import LIAISON, PATROL, PLAIN, SECRETARY, STRANGER, Harness
from tests.support.households import household_id, load_households

TZ = ZoneInfo("Asia/Shanghai")


async def visits(harness: Harness) -> list[tuple[str, str]]:
    rows = await harness.store.db.fetchall(
        "SELECT h.head, v.found FROM visits v JOIN households h ON h.id = v.household_id ORDER BY v.id"
    )
    return [(r[0], r[1]) for r in rows]


async def test_a_member_sees_their_households_with_the_last_visit(harness: Harness) -> None:
    await load_households(harness.store)
    member = harness.user(LIAISON)
    await member.send("/households")
    shown = await member.expect("我联系的住户")
    assert "共 2 户" in shown.text and "李大爷（1号楼1单元101）" in shown.text and "还没走访过" in shown.text
    assert "13900000001" in shown.text and "独居老人" in shown.text
    assert "周大妈" not in shown.text  # another member's household
    await member.send("/visit 李大爷 | 身体还好，一个人在家")
    await member.expect("已登记走访：李大爷")
    await member.send("/households")
    assert "上次走访" in (await member.expect("我联系的住户")).text


async def test_a_secretary_sees_the_coverage_of_their_units(harness: Harness) -> None:
    await load_households(harness.store)
    harness.at(datetime.now(TZ) + timedelta(days=100))  # everything listed 100 days ago is overdue
    secretary = harness.user(SECRETARY)
    await secretary.send("/households")
    shown = await secretary.expect("联户情况")
    assert "住户 3 户，联户党员 2 人" in shown.text and "超过 90 天未走访 3 户" in shown.text
    assert "周大妈" not in shown.text  # 二村's household
    assert "李联络" in shown.text and "⚠️" in shown.text
    await secretary.press("从未走访")
    assert "现在只看" in (await secretary.expect("联户情况", kind="edit")).text


async def test_visit_step_by_step_with_a_request(harness: Harness) -> None:
    await load_households(harness.store)
    member = harness.user(LIAISON)
    await member.send("/visit")
    ask = await member.expect("走访的是哪一户")
    assert ask.labels() == ["李大爷 1号楼1单元101", "王奶奶 1号楼2单元202"]
    await member.send("李大爷")
    await member.expect("请点按钮选择住户")
    await member.expect("走访的是哪一户")
    await member.press("王奶奶")
    await member.expect("看到了什么情况", kind="message")
    await member.send_photo()
    await member.expect("要打字回复")
    await member.expect("看到了什么情况")
    await member.send("   ")
    await member.expect("看到了什么情况")
    await member.send("老人腿脚不好，子女在外地")
    await member.expect("有什么诉求")
    await member.send("想申请居家养老上门服务")
    done = await member.expect("诉求已受理", kind="message")
    assert "#1" in done.text
    assert await visits(harness) == [("王奶奶", "老人腿脚不好，子女在外地")]
    row = await harness.store.db.fetchone("SELECT text, state, visit_id FROM requests")
    assert row is not None and tuple(row) == ("想申请居家养老上门服务", "received", 1)


async def test_visit_without_a_request(harness: Harness) -> None:
    await load_households(harness.store)
    member = harness.user(PATROL)
    await member.send("/visit")
    await member.expect("走访的是哪一户")
    await member.press("赵大叔")
    await member.expect("看到了什么情况", kind="message")
    await member.send("一家四口都好")
    await member.expect("有什么诉求")
    await member.press("没有诉求")
    await member.expect("已登记走访：赵大叔", kind="message")
    assert await harness.store.db.fetchone("SELECT id FROM requests") is None


async def test_refusals_another_members_household_unknown_and_strangers(harness: Harness) -> None:
    await load_households(harness.store)
    member = harness.user(PATROL)
    await member.send("/visit 李大爷 | 顺路看看")  # someone else's: the same answer as one that does not exist
    await member.expect("在您联系的住户里没有找到户主「李大爷」")
    await member.send("/visit 不存在 | 看看")
    await member.expect("在您联系的住户里没有找到户主「不存在」")
    await member.send("/visit 李大爷")
    await member.expect("用法")
    # a forged button for someone else's household
    await member.send("/visit")
    await member.expect("走访的是哪一户")
    await member.press_data(HouseholdPick(await household_id(harness.store, "李大爷")).pack())
    await member.expect("不归您联系", kind="message")
    plain = harness.user(PLAIN)
    await plain.send("/visit")
    await plain.expect("走访的是哪一户")  # 周普通 serves 周大妈
    stranger = harness.user(STRANGER)
    await stranger.send("/households")
    assert "周大妈" not in (await stranger.next_message()).text
    assert await visits(harness) == []


async def test_a_secretary_may_log_a_visit_in_their_units_only(harness: Harness) -> None:
    await load_households(harness.store)
    secretary = harness.user(SECRETARY)
    await secretary.send("/visit 李大爷 | 书记走访，情况良好")
    await secretary.expect("已登记走访：李大爷")
    await secretary.send("/visit 周大妈 | 看看")
    await secretary.expect("没有找到户主「周大妈」")
    assert await visits(harness) == [("李大爷", "书记走访，情况良好")]


async def test_households_are_private_chat_only(harness: Harness) -> None:
    await load_households(harness.store)
    group = harness.emu.add_group(-100200, "一村党员群")
    member = harness.user(LIAISON)
    await member.send("/households", chat=group)
    reply = await group.next_message()
    assert "私聊" in reply.text and "李大爷" not in reply.text
    await member.send("/visit 李大爷 | 很好", chat=group)
    assert "李大爷" not in (await group.next_message()).text
    assert await visits(harness) == []


async def test_exports_hold_households_visits_and_requests_of_the_secretarys_units(harness: Harness) -> None:
    await load_households(harness.store)
    await harness.user(LIAISON).send("/visit 李大爷 | 还好 | 楼道灯坏了")
    await harness.user(LIAISON).expect("诉求已受理")
    await harness.user(PLAIN).send("/visit 周大妈 | 还好")
    await harness.user(PLAIN).expect("已登记走访")
    files = await export_files(harness.store)
    assert "李大爷" in files["households.csv"].decode() and "周大妈" in files["households.csv"].decode()
    assert "楼道灯坏了" in files["requests.csv"].decode() and "还好" in files["visits.csv"].decode()
    member = await harness.store.members.by_telegram_id(SECRETARY)
    assert member is not None
    own = await export_files(harness.store, units={member.unit_id})
    assert "周大妈" not in own["households.csv"].decode() and "周大妈" not in own["visits.csv"].decode()
    assert "李大爷" in own["requests.csv"].decode()


async def test_help_lists_the_commands_and_old_visit_buttons_expire(harness: Harness) -> None:
    await load_households(harness.store)
    member = harness.user(LIAISON)
    await member.send("/help")
    shown = await member.expect("可以使用的命令")
    for command in ("/households", "/visit", "/request", "/requests"):
        assert command in shown.text, command
    await member.send("/visit")
    buttons = await member.expect("走访的是哪一户")
    await member.send("/cancel")
    await member.expect("取消")
    await member.press("李大爷", buttons)
    await member.expect("失效", kind="alert")
    assert await visits(harness) == []
