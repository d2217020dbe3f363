"""The gate: where the next text goes when a person switches what they are doing, commands in groups and to
other bots, and people not on the roster in a group."""

from __future__ import annotations

from tests.support.harness import MIGRANT, SECRETARY, STRANGER, Harness
from tests.support.notices import LECTURE, T0, link, send_notice

REPORT = "本月在外务工，坚持学习党的二十届三中全会精神，按时交纳党费。"


async def _status_asks_place(harness: Harness) -> None:
    migrant = harness.user(MIGRANT)
    await migrant.send("/status")
    await migrant.expect("请选择")
    await migrant.press("外出务工")
    await migrant.expect("您在哪里")


async def test_a_button_that_asks_a_next_step_takes_the_next_text(harness: Harness) -> None:
    migrant = harness.user(MIGRANT)
    await _status_asks_place(harness)
    await migrant.press_data("rep:start")  # a reminder's 写思想汇报, pressed while /status waits for a place
    await migrant.expect("已经结束，没有保存")
    await migrant.expect("思想汇报")
    await migrant.send(REPORT)
    await migrant.expect("预览")
    member = await harness.store.members.by_telegram_id(MIGRANT)
    assert member is not None
    statuses = await harness.store.db.fetchall("SELECT count(*) FROM status_reports WHERE member_id = ?", (member.id,))
    assert statuses[0][0] == 0  # the report text did not become the status's place


async def test_a_command_in_a_group_ends_nothing_in_the_private_chat(harness: Harness) -> None:
    migrant = harness.user(MIGRANT)
    group = harness.emu.add_group(-100777, "一村党支部群")
    await _status_asks_place(harness)
    await migrant.send("/help", chat=group)
    await group.expect("/status")
    await migrant.send("广东东莞")
    await migrant.expect("补充")  # the place went to /status, which goes on


async def test_a_command_to_another_bot_ends_nothing(harness: Harness) -> None:
    migrant = harness.user(MIGRANT)
    await _status_asks_place(harness)
    await migrant.send("/weather@otherbot")
    await migrant.send("广东东莞")
    await migrant.expect("补充")  # the first answer is /status's next question: /weather was not ours


async def test_a_stranger_in_a_group_gets_one_short_pointer_and_no_welcome(harness: Harness) -> None:
    group = harness.emu.add_group(-100778, "一村党支部群")
    stranger = harness.user(STRANGER)
    await stranger.send("大家好", chat=group)
    await stranger.send("/help", chat=group)
    pointer = await group.expect("私聊")
    assert str(STRANGER) not in pointer.text  # no public welcome with their id
    await stranger.send("/help", chat=group)
    await stranger.send("/help@otherbot", chat=group)
    await harness.user(MIGRANT).send("/help", chat=group)
    await group.expect("/status")  # the member's answer comes next: nothing more for the stranger


async def test_leave_pressed_while_writing_a_report_takes_the_reason(harness: Harness) -> None:
    """The issue's case: a member writing /report presses 请假 on a notice and types the reason."""
    harness.at(T0)
    await link(harness, SECRETARY, MIGRANT)
    notice_id = await send_notice(harness, SECRETARY, LECTURE)
    migrant = harness.user(MIGRANT)
    notice = await migrant.expect("会议通知")
    await migrant.send("/report")
    await migrant.expect("思想汇报")
    await migrant.press("请假", notice)
    await migrant.expect("已经结束，没有保存")
    await migrant.expect("请假原因")
    await migrant.send("在外地打工，赶不回来")
    await migrant.expect("已请假")
    rsvps = await harness.store.notices.rsvps(notice_id)
    assert [r.reason for r in rsvps.values()] == ["在外地打工，赶不回来"]
    reports = await harness.store.db.fetchall("SELECT count(*) FROM thought_reports")
    assert reports[0][0] == 0


async def test_a_press_without_data_is_answered_and_ends_nothing(harness: Harness) -> None:
    """Issue 30 item 9: PTB hands a press without data to any button handler; the gate answers it like an
    expired button, nothing fails and the conversation in progress goes on."""
    migrant = harness.user(MIGRANT)
    await _status_asks_place(harness)
    await migrant.press_data(None)
    await migrant.expect("这个按钮已经失效了", kind="alert")
    await migrant.send("广东东莞")
    await migrant.expect("补充")  # /status still waits for its place
    stranger = harness.user(STRANGER)
    await stranger.send("/start")
    await stranger.next_message()
    await stranger.press_data(None)
    await stranger.next_message()  # an alert either way, never the error answer
    assert all("出了点问题" not in m.text for u in (migrant, stranger) for m in u.received)
