"""/carevisit step by step (a case's button, what was brought, the next step or Skip; text expected for other
messages; rights checked again at saving), and the page buttons of the /care list."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.store.db import Statement
from tests.support.care import link, open_case
from tests.support.harness import LIAISON, MIGRANT, PATROL, PLAIN, SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


async def test_the_care_list_pages_and_its_buttons_are_checked(harness: Harness) -> None:
    harness.at(T0)
    yicun = await harness.store.db.fetchone("SELECT id FROM units WHERE name = '一村党支部'")
    assert yicun is not None
    stamp = "2026-11-01T00:00:00+00:00"
    await harness.store.db.write(
        [
            Statement(
                "INSERT INTO members (name, unit_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
                many=[(f"困难党员{i:02d}", yicun[0], stamp, stamp) for i in range(1, 46)],
            )
        ]
    )
    for row in await harness.store.db.fetchall("SELECT id FROM members WHERE name LIKE '困难党员%' ORDER BY id"):
        await harness.store.care.open_case(row[0], "secretary", "生活困难", None, None, T0, T0.date())
    secretary = harness.user(SECRETARY)
    await secretary.send("/care")
    first = await secretary.expect("未结案 45 人")
    assert "困难党员01" in first.text and "困难党员41" not in first.text and "第 1/2 页" in first.text
    await secretary.press("下一页")
    second = await secretary.expect("第 2/2 页", kind="edit")
    assert second.message_id == first.message_id
    assert "41. 困难党员41" in second.text and "困难党员45" in second.text and "困难党员01" not in second.text
    member = harness.user(PLAIN)
    await member.send("/start")
    welcome = await member.next_message()
    for data in ("pg:care:0:all:2", "pg:care:5:all:1", "pg:care:evil"):
        await member.press_data(data, welcome)
        answer = await member.next_message(kind=("alert", "edit", "message"))
        assert answer.kind == "alert" and "失效" in answer.text, (data, answer)
    assert not harness.emu.callbacks


async def test_carevisit_step_by_step(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, LIAISON)
    secretary, liaison = harness.user(SECRETARY), harness.user(LIAISON)
    await secretary.send("/care 张流动 | 家里困难")
    await secretary.expect("已登记")
    await liaison.expect("帮扶走访安排")
    await liaison.send("/carevisit")
    listing = await liaison.expect("您负责的帮扶对象")
    await liaison.expect("/carevisit 姓名")
    await liaison.press("张流动", listing)
    await liaison.expect("这次带去了什么")
    await liaison.send_sticker()
    await liaison.expect("这一步要打字回复")
    await liaison.expect("这次带去了什么")
    await liaison.send("   ")
    await liaison.expect("没有收到内容")
    await liaison.expect("这次带去了什么")
    await liaison.send("送去米面油")
    ask = await liaison.expect("下一步打算")
    await liaison.send_voice()
    await liaison.expect("这一步要打字回复")
    await liaison.expect("下一步打算")
    await liaison.press("跳过", ask)
    await liaison.expect("已登记 张流动 的走访（11月10日（周二））。下一步：无")
    rows = await harness.store.db.fetchall("SELECT brought, next_step FROM care_visits")
    assert [(r[0], r[1]) for r in rows] == [("送去米面油", "")]
    # once more, with a next step typed; then a stale Skip is answered like an expired button
    await liaison.press("张流动", listing)
    await liaison.expect("这次带去了什么")
    await liaison.send("陪同去医院")
    await liaison.expect("下一步打算")
    await liaison.send("下周再去")
    await liaison.expect("下一步：下周再去")
    await liaison.press("跳过", ask)
    stale = await liaison.next_message(kind=("alert", "message"))
    assert stale.kind == "alert" and "已经结束" in stale.text
    assert len(await harness.store.db.fetchall("SELECT id FROM care_visits")) == 2


async def test_a_case_button_pressed_by_someone_else_or_after_closing_logs_nothing(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, LIAISON)
    secretary, liaison = harness.user(SECRETARY), harness.user(LIAISON)
    await secretary.send("/care 张流动 | 家里困难")
    await secretary.expect("已登记")
    await liaison.expect("帮扶走访安排")
    await liaison.send("/carevisit")
    listing = await liaison.expect("您负责的帮扶对象")
    await liaison.expect("/carevisit 姓名")
    case = await open_case(harness, MIGRANT)
    assert case is not None
    patrol = harness.user(PATROL)
    await patrol.send("/start")
    welcome = await patrol.next_message()
    for data in (f"care:pick:{case.id}", "care:pick:99999", "care:skip", "care:evil"):
        await patrol.press_data(data, welcome)
        answer = await patrol.next_message(kind=("alert", "message"))
        assert answer.kind == "alert" and "已经结束" in answer.text, (data, answer)
    await liaison.press("张流动", listing)
    await liaison.expect("这次带去了什么")
    await secretary.send("/care 结案 张流动 | 已解决")
    await secretary.expect("已结案")
    await liaison.send("送去米面油")
    await liaison.expect("下一步打算")
    await liaison.send("下周再去")
    await liaison.expect("没有找到由您负责的「张流动」")
    assert await harness.store.db.fetchall("SELECT id FROM care_visits") == []
    assert not harness.emu.callbacks
