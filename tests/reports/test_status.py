"""Status reports, thought reports, /reports and /contact through the emulator."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.harness import LIAISON, MIGRANT, OTHER_LIAISON, OTHER_SECRETARY, PLAIN, SECRETARY, STRANGER, Harness

TZ = ZoneInfo("Asia/Shanghai")
REPORT = "本月在外务工期间，我认真学习了党的二十大精神，按时参加线上组织生活，遵守纪律。"


async def link(harness: Harness, *ids: int) -> None:
    for telegram_id in ids:
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()


async def statuses(harness: Harness) -> list[tuple[str, str | None, str | None]]:
    rows = await harness.store.db.fetchall("SELECT state, location, note FROM status_reports ORDER BY id")
    return [(r[0], r[1], r[2]) for r in rows]


async def test_status_one_line_form(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/status away_work | 广东东莞 | 电子厂上班")
    await member.expect("已报备：外出务工（广东东莞）")
    assert await statuses(harness) == [("away_work", "广东东莞", "电子厂上班")]


async def test_status_conversation_with_buttons(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/status")
    await member.expect("请选择")
    await member.press("外出经商")
    await member.expect("您在哪里")
    await member.send("   ")
    await member.expect("请写上地点")
    await member.send("浙江义乌")
    await member.expect("补充")
    await member.press("跳过")
    await member.expect("已报备：外出经商（浙江义乌）")
    assert await statuses(harness) == [("away_business", "浙江义乌", None)]


async def test_status_bad_state_is_refused_with_an_example(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/status flying | 月球")
    reply = await member.expect("不是有效的状态")
    assert "/status 外出务工" in reply.text
    await member.send("/status away_work")
    await member.expect("外出时请写上地点")
    assert await statuses(harness) == []


async def test_hardship_alerts_the_liaison_and_the_secretary(harness: Harness) -> None:
    await link(harness, LIAISON, SECRETARY, OTHER_SECRETARY)
    migrant = harness.user(MIGRANT)
    await migrant.send("/status hardship | | 家里老人住院，<急需>帮助")
    await migrant.expect("已告知您的联系人和支部书记")
    for telegram_id in (LIAISON, SECRETARY):
        alert = await harness.user(telegram_id).expect("张流动")
        assert "生活困难" in alert.text and "<急需>" in alert.text
    await harness.nothing_more(harness.user(OTHER_SECRETARY))


async def test_status_needs_the_private_chat(harness: Harness) -> None:
    group = harness.emu.add_group(-100777, "一村党支部群")
    await harness.user(PLAIN).send("/status home", chat=group)
    assert "私聊" in (await group.next_message()).text
    assert await statuses(harness) == []


async def test_unknown_user_cannot_report(harness: Harness) -> None:
    stranger = harness.user(STRANGER)
    await stranger.send("/report " + REPORT)
    await stranger.expect("还没有登记")
    assert await harness.store.db.fetchone("SELECT 1 FROM thought_reports") is None


async def thoughts(harness: Harness) -> list[tuple[str, str]]:
    rows = await harness.store.db.fetchall("SELECT period, text FROM thought_reports ORDER BY id")
    return [(r[0], r[1]) for r in rows]


async def test_report_too_short_is_refused_and_nothing_saved(harness: Harness) -> None:
    harness.at(datetime(2026, 11, 10, 10, tzinfo=TZ))
    member = harness.user(PLAIN)
    await member.send("/report 还行")
    reply = await member.expect("太短")
    assert "至少要 20 字" in reply.text
    assert await thoughts(harness) == []


async def test_report_preview_then_send_saves(harness: Harness) -> None:
    harness.at(datetime(2026, 11, 10, 10, tzinfo=TZ))
    member = harness.user(PLAIN)
    await member.send("/report")
    await member.expect("2026年11月")
    await member.send("本月我认真学习，")
    await member.expect("太短")
    await member.send("积极参加社区志愿服务和组织生活，按时交纳党费。")
    preview = await member.expect("预览")
    assert preview.labels() == ["发送", "取消"]
    assert await thoughts(harness) == []
    await member.press("发送")
    await member.expect("已提交", kind="message")
    saved = await thoughts(harness)
    assert len(saved) == 1 and saved[0][0] == "2026-11" and "志愿服务" in saved[0][1]


async def test_report_cancel_saves_nothing(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/report " + REPORT)
    await member.expect("预览")
    await member.press("取消")
    await member.expect("没有保存", kind="message")
    assert await thoughts(harness) == []


async def test_second_report_asks_to_replace(harness: Harness) -> None:
    harness.at(datetime(2026, 11, 10, 10, tzinfo=TZ))
    member = harness.user(PLAIN)
    await member.send("/report " + REPORT)
    await member.expect("预览")
    await member.press("发送")
    await member.expect("已提交", kind="message")
    await member.send("/report " + REPORT + "补充一点。")
    preview = await member.expect("预览")
    assert "会替换" in preview.text
    await member.press("发送")
    await member.expect("替换了原来那份", kind="message")
    assert len(await thoughts(harness)) == 1


async def test_stale_send_button_after_the_conversation_is_refused(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/report " + REPORT)
    preview = await member.expect("预览")
    await member.send("/cancel")
    await member.expect("已取消")
    await member.press("发送", preview)
    alert = await member.next_message(kind="alert")
    assert "失效" in alert.text
    assert await thoughts(harness) == []


async def submit(harness: Harness, telegram_id: int, text: str = REPORT) -> None:
    user = harness.user(telegram_id)
    await user.send("/report " + text)
    await user.expect("预览")
    await user.press("发送")
    await user.expect("✅", kind="message")


async def test_reports_for_secretary_and_liaison(harness: Harness) -> None:
    harness.at(datetime(2026, 11, 10, 10, tzinfo=TZ))
    await submit(harness, MIGRANT)  # files the overdue October report
    secretary = harness.user(SECRETARY)
    await secretary.send("/reports 2026-10")
    overview = await secretary.expect("已交 1 人")
    assert "张流动" in overview.text and "陈外出" not in overview.text
    await secretary.press("查看 张流动")
    text = await secretary.expect("思想汇报")
    assert REPORT in text.text

    await secretary.send("/reports 2026-11")
    assert "未到期未交" in (await secretary.expect("张流动")).text

    liaison = harness.user(OTHER_LIAISON)
    await liaison.send("/reports 2026-10")
    seen = await liaison.expect("陈外出")
    assert "张流动" not in seen.text
    assert "⏳ 陈外出" in seen.text  # quarterly: 2026-Q4 is not over yet


async def test_member_cannot_read_anothers_report(harness: Harness) -> None:
    harness.at(datetime(2026, 11, 10, 10, tzinfo=TZ))
    await submit(harness, MIGRANT)
    row = await harness.store.db.fetchone("SELECT id FROM thought_reports")
    assert row is not None
    other = harness.user(PLAIN)
    await other.send("/reports")
    await other.expect("只有书记或联系人可以使用")
    await other.send("/start")
    message = await other.next_message()
    await other.press_data(f"rep:view:{row[0]}", message)
    alert = await other.next_message(kind="alert")
    assert "无权" in alert.text and REPORT not in alert.text
    await harness.nothing_more(other)


async def test_contact_logged_by_liaison_only_for_their_members(harness: Harness) -> None:
    liaison = harness.user(LIAISON)
    await liaison.send("/contact 陈外出 | 电话联系")
    await liaison.expect("不在您负责联系的党员里")
    await liaison.send("/contact 张流动")
    await liaison.expect("请写上联系情况")
    await liaison.send("/contact 张流动 | 电话联系，在东莞务工，一切正常")
    await liaison.expect("已登记")
    member = harness.user(PLAIN)
    await member.send("/contact 张流动 | 随便")
    await member.expect("只有联系人可以使用")
    rows = await harness.store.db.fetchall("SELECT note FROM contacts")
    assert [r[0] for r in rows] == ["电话联系，在东莞务工，一切正常"]


async def test_members_list_shows_latest_status_and_registration(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/status ill | | 感冒")
    await member.next_message()
    secretary = harness.user(OTHER_SECRETARY)
    await secretary.send("/members")
    listing = await secretary.expect("二村党支部")
    assert "周普通 · 生病" in listing.text
    assert "陈外出 · 未报备 · 未绑定" in listing.text
    assert "王书记" not in listing.text
    await secretary.send("/members 一村")
    await secretary.expect("没有「一村」")
    await member.send("/members")
    await member.expect("只有党组织书记可以使用")


async def test_export_sends_csv_documents_to_the_secretary(harness: Harness) -> None:
    migrant = harness.user(MIGRANT)
    await migrant.send("/status away_work | 东莞 | 工厂")
    await migrant.expect("已报备")  # saved: another person's updates are handled beside the secretary's, not before
    secretary = harness.user(SECRETARY)
    await secretary.send("/export")
    await secretary.expect("正在导出")
    names = {}
    while True:
        message = await secretary.next_message()
        if message.kind != "document":
            assert "导出完成" in message.text
            break
        names[message.document_name] = message.document_bytes
    assert {"members.csv", "status_reports.csv", "thought_reports.csv"} <= set(names)
    assert "东莞".encode() in names["status_reports.csv"]
    assert "周普通".encode() not in names["members.csv"]  # another branch


async def test_a_new_command_ends_the_conversation_in_progress(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/status")
    await member.expect("请选择")
    await member.send("/report")
    await member.expect("思想汇报")
    await member.send(REPORT)
    await member.expect("预览")  # the text went to /report, not to /status
    await member.send("/cancel")
    await member.expect("已取消")
    await member.send("/cancel")
    await member.expect("没有进行中")
    assert await statuses(harness) == [] and await thoughts(harness) == []


async def test_forged_callback_with_a_huge_id_is_ignored_quietly(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/start")
    message = await member.next_message()
    for data in ("rep:view:" + "9" * 30, "ntc:att:" + "9" * 30, "duty:out:" + "9" * 30 + ":resolved"):
        await member.press_data(data, message)
        alert = await member.next_message()  # each press: the expired-button alert, nothing else
        assert alert.kind == "alert" and ("失效" in alert.text or "过期" in alert.text), alert
    await member.send("/help")
    assert "可以使用的命令" in (await member.next_message()).text  # nothing else came in between
    assert not harness.emu.internal_errors
