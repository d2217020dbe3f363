"""A voice message or a sticker where a step expects typed text gets the answer saying so, and the step goes on
(photos and files are covered in each capability's tests)."""

from __future__ import annotations

from tests.support.harness import MIGRANT, PATROL, SECRETARY, Harness

EXPECTED = "要打字回复"


async def test_a_sticker_while_writing_a_report_is_answered(harness: Harness) -> None:
    # (a voice message is now taken as the report itself: tests/reports/test_reads.py)
    migrant = harness.user(MIGRANT)
    await migrant.send("/report")
    await migrant.expect("思想汇报")
    await migrant.send_sticker()
    await migrant.expect(EXPECTED)
    await migrant.expect("思想汇报")  # the step's question again
    await migrant.send("本月在外务工，坚持学习党的二十届三中全会精神，按时交纳党费。")
    await migrant.expect("预览")


async def test_a_sticker_at_a_notice_step_is_answered_and_the_step_stays(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/notice")
    await secretary.press("党课", await secretary.expect("类型"))
    await secretary.press("一村党支部", await secretary.expect("发给哪个组织", kind="message"))
    await secretary.expect("时间", kind="message")  # each choice stays on its question (an edit)
    await secretary.send_sticker()
    await secretary.expect(EXPECTED, kind="message")
    await secretary.expect("时间", kind="message")
    await secretary.send("明天 15:00")
    await secretary.expect("地点", kind="message")


async def test_a_voice_message_for_a_patrol_area_is_answered(harness: Harness) -> None:
    patrol = harness.user(PATROL)
    await patrol.send("/patrol")
    await patrol.expect("第 1 步")
    await patrol.send_voice()
    await patrol.expect(EXPECTED)
    await patrol.expect("第 1 步")
    await patrol.send("3号楼")
    await patrol.expect("第 2 步")
