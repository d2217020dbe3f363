"""`/notice` and Leave through the emulator: a button acts on what its own message shows (an older preview
cannot send), a time more than a year ahead is refused, a photo or a file where typed text is expected is
answered and the question asked again, and stale or forged `ntc` buttons are answered like expired ones."""

from __future__ import annotations

from bot.emulator import BotMessage
from tests.support.harness import LIAISON, PATROL, SECRETARY, Harness
from tests.support.notices import BRANCH_ONE, LECTURE, MEETING, T0, got, link, notices_of, send_notice, until

# A 主题党日 goes to every member of the branch (a 支委会 would reach the committee only: issue 13).
PARTY_DAY = f"主题党日 | {MEETING} | 党员活动室 | 重温入党誓词"


async def _nothing_written(harness: Harness) -> None:
    for table in ("notices", "outbox", "rsvps", "checkins"):
        assert await harness.store.db.fetchone(f"SELECT 1 FROM {table}") is None, table


async def test_send_on_an_older_preview_is_refused_and_the_newer_one_sends(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    secretary = harness.user(SECRETARY)
    secretary.drain()
    await secretary.send(f"/notice {LECTURE}")
    older = await secretary.expect("预览")
    await secretary.send(f"/notice {PARTY_DAY}")
    newer = await secretary.expect("预览")
    assert "党课" in older.text and "主题党日" in newer.text

    await secretary.press("发送", older)
    refusal = await secretary.expect("不是最新的预览", kind="alert")
    assert refusal.show_alert
    await secretary.press("取消", older)  # Cancel on it does not drop the newer draft either
    await secretary.expect("不是最新的预览", kind="alert")
    await harness.nothing_more(secretary)
    await harness.nothing_more(harness.user(LIAISON))
    await _nothing_written(harness)
    assert harness.emu.get_message(SECRETARY, newer.message_id).buttons  # the newer preview still works

    await secretary.press("发送", newer)
    await until(lambda: got(secretary, "通知发送完毕"))
    rows = await harness.store.db.fetchall("SELECT kind, topic FROM notices")
    assert [tuple(r) for r in rows] == [("partyday", "重温入党誓词")]
    for member in BRANCH_ONE:
        received = notices_of(harness.user(member))
        assert len(received) == 1 and "主题党日" in received[0].text, member
    await secretary.press_data(newer.buttons[0][0].callback_data or "", newer)  # pressed again: spent
    await secretary.expect("失效", kind="alert")
    assert len(await harness.store.db.fetchall("SELECT 1 FROM notices")) == 1


async def test_a_time_more_than_a_year_ahead_is_refused(harness: Harness) -> None:
    harness.at(T0)
    secretary = harness.user(SECRETARY)
    await secretary.send("/notice 党课 | 9999-12-31 23:59 | 村委会 | 学习党章")
    refusal = await secretary.expect("太远了")
    assert "9999-12-31 23:59" in refusal.text and "一年以内" in refusal.text and "2026-03-11 15:00" in refusal.text
    await secretary.send("/notice")
    await secretary.press("党课", await secretary.expect("会议类型"))
    await secretary.press("一村党支部 一组", await secretary.expect("哪个组织", kind="message"))
    await secretary.expect("会议时间", kind="message")
    await secretary.send("2028-03-12 15:00")
    await secretary.expect("太远了")
    await secretary.send("03-12 15:00")  # the step waits on: a time within the year goes on
    await secretary.expect("会议地点")
    await secretary.send("/cancel")
    await secretary.expect("已取消")
    await _nothing_written(harness)


async def _asked_again(message: BotMessage, question: BotMessage, words: str) -> None:
    assert "要打字回复" in message.text
    assert words in question.text


async def test_photos_and_files_where_text_is_expected_are_answered_and_asked_again(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    secretary = harness.user(SECRETARY)
    secretary.drain()
    await secretary.send("/notice")
    await secretary.expect("会议类型")
    await secretary.send_photo()
    await _asked_again(await secretary.next_message(), question := await secretary.next_message(), "会议类型")
    assert "党课（三会一课）" in question.labels()  # the term on the type buttons (issue 13)
    await secretary.press("党课", question)
    await secretary.expect("会议类型：党课", kind="edit")
    await secretary.expect("哪个组织")
    await secretary.send_document(b"%PDF-1.4", "agenda.pdf", caption="一组")
    await _asked_again(await secretary.next_message(), question := await secretary.next_message(), "哪个组织")
    assert "一村党支部 一组" in question.labels()
    await secretary.send("一组")
    await secretary.expect("会议时间")
    await secretary.send_photo(caption="明天 15:00")
    await _asked_again(await secretary.next_message(), await secretary.next_message(), "会议时间")
    await secretary.send("03-12 15:00")
    await secretary.expect("会议地点")
    await secretary.send_document(b"map", "map.png")
    await _asked_again(await secretary.next_message(), await secretary.next_message(), "会议地点")
    await secretary.send("村委会")
    await secretary.expect("会议议题")
    await secretary.send_photo()
    await _asked_again(await secretary.next_message(), await secretary.next_message(), "会议议题")
    await secretary.send("学习党章")
    preview = await secretary.expect("预览")
    assert "一村党支部 一组" in preview.text and "村委会" in preview.text
    await secretary.press("取消", preview)
    await secretary.expect("没有发送任何通知", kind="message")


async def test_a_photo_instead_of_the_leave_reason_is_answered_and_the_reason_asked_again(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    notice_id = await send_notice(harness, SECRETARY, LECTURE)
    member = harness.user(PATROL)
    member.drain()
    await member.press("请假")
    await member.expect("请回复请假原因", kind="message")
    await member.send_photo(caption="病假条")
    await _asked_again(
        await member.next_message(kind="message"), await member.next_message(kind="message"), "请回复请假原因"
    )
    patrol = await harness.store.members.by_telegram_id(PATROL)
    assert patrol is not None
    assert await harness.store.notices.rsvp(notice_id, patrol.id) is None  # nothing recorded for a photo
    await member.send("生病住院")
    await member.expect("已请假，原因：生病住院", kind="message")
    rsvp = await harness.store.notices.rsvp(notice_id, patrol.id)
    assert rsvp is not None and rsvp.answer == "leave" and rsvp.reason == "生病住院"


async def test_stale_and_forged_notice_buttons_are_answered_like_expired_ones(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    secretary = harness.user(SECRETARY)
    secretary.drain()
    await secretary.send("/notice")
    question = await secretary.expect("会议类型")
    member = harness.user(LIAISON)
    member.drain()
    forged = (
        "ntc:kind:evil",
        "ntc:unit:abc",
        "ntc:send",
        "ntc:send:zz:yy",
        "ntc:drop:" + "a" * 17,
        "ntc:att:",
        "ntc:lv:-1",
        "ntc:in:1:2",
        "ntc:evil",
    )
    for data in forged:
        await secretary.press_data(data, question)
        alert = await secretary.next_message()
        assert alert.kind == "alert" and alert.show_alert and "失效" in alert.text, data
    await secretary.press("党课", question)  # the conversation is where it was
    await secretary.expect("会议类型：党课", kind="edit")
    await secretary.expect("哪个组织")
    await secretary.send("/cancel")
    await secretary.expect("已取消")
    assert not harness.emu.internal_errors
    await _nothing_written(harness)
