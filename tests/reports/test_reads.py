"""Thought reports as issue 12 wants them (items 6, 7, 9), through the emulator: a voice message may be the
report (previewed with its length, sent, stored by file id, played from /reports); a secretary or the
liaison marks a report 已阅, with an optional comment sent to the member; a member who is not mobile hands
one in when they wish (no deadline) and /reports shows it; the counts are 已交 / 未到期未交 / 逾期未交; /members
shows 「—」 for those who owe no status; the states 随子女外住 and 外出就医."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.call import Call
from bot.domain.rights import Actor
from bot.emulator import EmuUser
from bot.services.kernel.deps import Deps
from bot.services.reports import write as reports_write
from bot.services.reports.buttons import ReportComment, ReportRead
from tests.support.harness import LIAISON, MIGRANT, OTHER_LIAISON, OTHER_SECRETARY, PLAIN, SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, tzinfo=TZ)
REPORT = "本月在外务工期间，我认真学习了党的二十大精神，按时参加线上组织生活，遵守纪律。"
VOICE_BYTES = b"OggS-fake-voice"  # what the emulator's send_voice uploads


async def started(harness: Harness, *ids: int, lang: str = "zh") -> list[EmuUser]:
    users = []
    for telegram_id in ids:
        user = harness.user(telegram_id, lang=lang)
        await user.send("/start")
        await user.next_message()
        users.append(user)
    return users


async def voice_report(harness: Harness, migrant: EmuUser) -> int:
    """The migrant speaks October's (overdue) report; returns its id."""
    await migrant.send("/report")
    await migrant.expect("也可以发一条语音")
    await migrant.send_voice()
    preview = await migrant.expect("语音，预览")
    assert "语音 5秒" in preview.text and preview.labels() == ["发送", "取消"]
    await migrant.press("发送", preview)
    saved = await migrant.expect("已提交", kind="message")
    assert "2026年10月" in saved.text and "语音 5秒" in saved.text
    row = await harness.store.db.fetchone("SELECT id, period, text, voice_file_id, voice_seconds FROM thought_reports")
    assert row is not None and row[1:3] == ("2026-10", "") and row[3] and row[4] == 5
    return int(row[0])


async def test_a_voice_report_is_sent_and_played_from_reports(harness: Harness) -> None:
    harness.at(T0)
    migrant, secretary = await started(harness, MIGRANT, SECRETARY)
    await voice_report(harness, migrant)
    await secretary.send("/reports 2026-10")
    overview = await secretary.expect("已交 1 人，未到期未交 0 人，逾期未交 0 人")
    assert "张流动（一村党支部 · 流动党员党小组）已交 11月10日（周二） 🎤语音" in overview.text
    await secretary.press("查看 张流动", overview)
    heading = await secretary.expect("语音 5秒", kind="message")
    assert "张流动 · 2026年10月思想汇报" in heading.text and heading.labels() == ["已阅", "已阅并写意见"]
    played = await secretary.next_message(kind="voice")
    assert played.document_bytes == VOICE_BYTES and "张流动" in (played.caption or "")


async def test_typing_after_a_voice_message_writes_the_report_instead(harness: Harness) -> None:
    harness.at(T0)
    (migrant,) = await started(harness, MIGRANT)
    await migrant.send("/report")
    await migrant.expect("思想汇报")
    await migrant.send_voice()
    voice_preview = await migrant.expect("语音，预览")
    await migrant.send(REPORT)
    await migrant.expect("预览")
    await migrant.press("发送", voice_preview)  # the voice preview is out of date now
    assert "之前的预览" in (await migrant.next_message(kind="alert")).text
    await migrant.press("发送")
    await migrant.expect("已提交", kind="message")
    row = await harness.store.db.fetchone("SELECT text, voice_file_id FROM thought_reports")
    assert row is not None and tuple(row) == (REPORT, None)


async def test_a_voice_message_too_short_is_asked_again(harness: Harness) -> None:
    """(The emulator's voice messages last five seconds: the short one is given to the use case.)"""
    harness.at(T0)
    member = await harness.store.members.by_telegram_id(MIGRANT)
    assert member is not None
    person = Actor(MIGRANT, member)
    deps, call = Deps(harness.store, harness.settings), Call(person, T0, "zh")
    start = await reports_write.begin(deps, call, "")
    step = await reports_write.add_voice(deps, call, start.draft, reports_write.Voice("file-x", 2))
    assert [r.key for r in step.result.replies] == ["report.voice_too_short"] and step.draft == start.draft
    assert await reports_write.add_voice(deps, call, None, reports_write.Voice("file-x", 30)) == reports_write.Writing(
        reports_write.Result.of(), None
    )


async def test_the_secretary_marks_read_and_the_member_is_told(harness: Harness) -> None:
    harness.at(T0)
    migrant, secretary = await started(harness, MIGRANT, SECRETARY)
    await migrant.send("/report " + REPORT)
    await migrant.press("发送", await migrant.expect("预览"))
    await migrant.expect("已提交", kind="message")
    await secretary.send("/reports 2026-10")
    await secretary.press("查看 张流动", await secretary.expect("已交 1 人"))
    shown = await secretary.expect(REPORT, kind="message")
    await secretary.press("已阅", shown)
    await secretary.expect("已阅，已告诉 张流动", kind="message")
    told = await migrant.expect("已阅")
    assert "2026年10月" in told.text and "王书记" in told.text
    await secretary.press("已阅", shown)  # once is enough
    assert "已经阅过" in (await secretary.next_message(kind="alert")).text
    await harness.nothing_more(migrant)
    await secretary.send("/reports 2026-10")
    assert "已交 11月10日（周二） · 已阅" in (await secretary.expect("已交 1 人")).text
    await secretary.press("查看 张流动")
    assert "✔️ 王书记 11月10日（周二） 已阅" in (await secretary.expect(REPORT, kind="message")).text


async def test_the_liaison_comments_and_the_member_gets_the_comment(harness: Harness) -> None:
    harness.at(T0)
    migrant, liaison = await started(harness, MIGRANT, LIAISON)
    await migrant.send("/report " + REPORT)
    await migrant.press("发送", await migrant.expect("预览"))
    await migrant.expect("已提交", kind="message")
    await liaison.send("/reports 2026-10")
    await liaison.press("查看 张流动", await liaison.expect("已交 1 人"))
    await liaison.press("已阅并写意见", await liaison.expect(REPORT, kind="message"))
    await liaison.expect("请写对 张流动 这份汇报的意见", kind="message")
    await liaison.send_sticker()  # text is expected: said so, and asked again
    await liaison.expect("要打字回复")
    await liaison.expect("请写对")
    await liaison.send(" ")
    await liaison.expect("意见不能为空")
    await liaison.send("写得很实在，外出期间也要按时参加线上学习。")
    await liaison.expect("意见已发给 张流动")
    told = await migrant.expect("意见")
    assert "李联络" in told.text and "写得很实在，外出期间也要按时参加线上学习。" in told.text
    rows = await harness.store.db.fetchall("SELECT comment FROM report_reads")
    assert [r[0] for r in rows] == ["写得很实在，外出期间也要按时参加线上学习。"]
    await liaison.send("这句不是意见")  # the conversation is over: nothing more is recorded
    await liaison.next_message()
    assert len(await harness.store.db.fetchall("SELECT id FROM report_reads")) == 1


async def test_only_a_secretary_over_the_member_or_their_liaison_may_mark(harness: Harness) -> None:
    harness.at(T0)
    migrant, other_secretary, other_liaison, plain = await started(
        harness, MIGRANT, OTHER_SECRETARY, OTHER_LIAISON, PLAIN
    )
    await migrant.send("/report " + REPORT)
    await migrant.press("发送", await migrant.expect("预览"))
    await migrant.expect("已提交", kind="message")
    row = await harness.store.db.fetchone("SELECT id FROM thought_reports")
    assert row is not None
    report_id = int(row[0])
    for user in (other_secretary, other_liaison, plain):
        await user.press_data(ReportRead(report_id).pack())
        assert "无权查看" in (await user.next_message(kind="alert")).text
        await user.press_data(ReportComment(report_id).pack())
        assert "无权查看" in (await user.next_message(kind="alert")).text
    # the author may read their own report but not mark it
    await migrant.press_data(ReportRead(report_id).pack())
    assert "只有这位党员所在支部的书记或联系人" in (await migrant.next_message(kind="alert")).text
    await migrant.press_data(f"rep:read:{report_id}x")
    assert "失效" in (await migrant.next_message(kind="alert")).text
    assert await harness.store.db.fetchall("SELECT id FROM report_reads") == []


async def test_a_member_who_is_not_mobile_hands_one_in_when_they_wish(harness: Harness) -> None:
    harness.at(T0)
    plain, secretary = await started(harness, PLAIN, OTHER_SECRETARY)
    await plain.send("/report")
    asked = await plain.expect("什么时候写好都可以交")
    assert "没有截止时间" in asked.text and "截止时间 2026" not in asked.text and "2026年11月" in asked.text
    await plain.send(REPORT)
    await plain.press("发送", await plain.expect("预览"))
    await plain.expect("已提交", kind="message")
    await secretary.send("/reports")
    overview = await secretary.expect("2026年11月思想汇报")
    # 陈外出 (mobile, quarterly) owes Q4 by 31 Dec; 周普通 owes nothing and handed one in: counted, no overlap
    assert "已交 1 人，未到期未交 1 人，逾期未交 0 人" in overview.text
    assert "✅ 周普通（二村党支部）已交 11月10日（周二）" in overview.text
    assert "⏳ 陈外出（二村党支部）未到期未交，截止 12月31日（周四）晚上11:59" in overview.text
    await secretary.press("查看 周普通", overview)
    await secretary.press("已阅", await secretary.expect(REPORT, kind="message"))
    await secretary.expect("已阅，已告诉 周普通", kind="message")
    await plain.expect("已阅")
    await secretary.send("/reports")
    assert "已交 11月10日（周二） · 已阅" in (await secretary.expect("已交 1 人")).text
    # handed in again (it replaces the month's): the mark was for the old text
    harness.at(T0.replace(hour=11))
    await plain.send("/report " + REPORT + "补充一句。")
    await plain.press("发送", await plain.expect("预览"))
    await plain.expect("已更新", kind="message")
    await secretary.send("/reports")
    assert "· 已阅" not in (await secretary.expect("已交 1 人")).text
    # the quarter shows the months' reports of members who are not mobile, and 陈外出's quarter is not over
    await secretary.send("/reports 2026-Q4")
    quarter = await secretary.expect("2026年第四季度思想汇报")
    assert "已交 1 人，未到期未交 1 人，逾期未交 0 人" in quarter.text


async def test_members_says_no_report_needed_for_members_who_owe_no_status(harness: Harness) -> None:
    harness.at(T0)
    (secretary,) = await started(harness, OTHER_SECRETARY)
    await secretary.send("/members")
    listing = await secretary.expect("二村党支部")
    assert "陈外出 · 未报备" in listing.text  # mobile: owes a status
    assert "冯联络 · 无需报备 ·" in listing.text and "冯联络 · 未报备" not in listing.text
    await secretary.press("未报备", listing)
    narrowed = await secretary.expect("现在只看：未报备，1 人", kind="edit")
    assert "陈外出" in narrowed.text and "冯联络" not in narrowed.text


async def test_the_new_states_in_both_languages(harness: Harness) -> None:
    harness.at(T0)
    plain, secretary, liaison = await started(harness, PLAIN, OTHER_SECRETARY, OTHER_LIAISON)
    await plain.send("/status 随子女外住 | 江苏苏州")
    await plain.expect("已报备：随子女外住（江苏苏州）")
    await harness.nothing_more(plain)  # not a question of going away for work
    await plain.send("/status")
    states = await plain.expect("情况")
    assert {"随子女外住", "外出就医"} <= set(states.labels())
    await plain.press("外出就医", states)
    await plain.expect("在哪里", kind="message")
    await plain.send("省人民医院")
    await plain.press("跳过", await plain.expect("补充"))
    await plain.expect("已告知您的联系人和支部书记", kind="message")
    assert "外出就医（省人民医院）" in (await secretary.expect("党员动态提醒")).text
    await harness.nothing_more(liaison)  # 冯联络 keeps 陈外出, not 周普通
    english = harness.user(MIGRANT, lang="en")
    await english.send("/status with_children | Suzhou")
    await english.expect("Living with children elsewhere (Suzhou)")


async def test_two_presses_that_both_pass_the_look_mark_once(harness: Harness) -> None:
    """A fast double press of 已阅: both answers may read "not marked yet" before either writes. The write looks
    again in its own transaction, so one mark is kept and the member is told once; a comment is always kept."""
    harness.at(T0)
    migrant, _ = await started(harness, MIGRANT, SECRETARY)
    await migrant.send("/report " + REPORT)
    await migrant.press("发送", await migrant.expect("预览"))
    await migrant.expect("已提交", kind="message")
    report = await harness.store.db.fetchone("SELECT id FROM thought_reports")
    reader = await harness.store.db.fetchone("SELECT id FROM members WHERE telegram_id = ?", (SECRETARY,))
    assert report is not None and reader is not None
    store = harness.store.reports
    assert await store.mark_read(int(report[0]), int(reader[0]), None, T0) is True
    assert await store.mark_read(int(report[0]), int(reader[0]), None, T0) is False
    assert await store.mark_read(int(report[0]), int(reader[0]), "写得实在", T0) is True
    marks = await harness.store.db.fetchall("SELECT comment FROM report_reads ORDER BY id")
    assert [m[0] for m in marks] == [None, "写得实在"]
