"""Duty steps that wait for typed text answer a photo or a file with `common.text_expected` and the step's
own question, and stay where they were; the photo step (and a photo sent with the command) still takes a
photo. Through the real application and the emulator."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.emulator import EmuUser
from tests.support.harness import MEDIATOR, PATROL, Harness

TZ = ZoneInfo("Asia/Shanghai")
TEXT_EXPECTED = "这一步要打字回复"


async def _refused(user: EmuUser, question: str, *, document: bool = False) -> None:
    """Send something other than text: the answer, then the same question again."""
    if document:
        await user.send_document(b"%PDF-1.4 minutes", "notes.pdf")
    else:
        await user.send_photo()
    await user.expect(TEXT_EXPECTED)
    await user.expect(question)


async def test_patrol_steps_refuse_photos_and_files_and_the_photo_step_takes_one(harness: Harness) -> None:
    member = harness.user(PATROL)
    await member.send("/patrol")
    await member.expect("第 1 步")
    await _refused(member, "第 1 步")
    await member.send("村口")
    await member.expect("第 2 步")
    await _refused(member, "第 2 步", document=True)
    await member.send("40")
    await member.expect("第 3 步")
    await _refused(member, "第 3 步")
    await member.send("路灯不亮，已报物业")
    await member.expect("照片")
    await member.send_document(b"not a photo", "scan.pdf")  # the photo step keeps its own answer
    await member.expect("请发一张照片")
    await member.send_photo()
    saved = await member.expect("巡逻已记录")
    assert "已附照片" in saved.text
    [entry] = await harness.store.duty.all()
    assert (entry.area, entry.minutes, entry.findings) == ("村口", 40, "路灯不亮，已报物业")
    assert entry.photo_file_id


async def test_mediation_steps_refuse_photos_and_files(harness: Harness) -> None:
    harness.at(datetime(2026, 3, 10, 10, 0, tzinfo=TZ))
    member = harness.user(MEDIATOR)
    await member.send("/mediate")
    await member.expect("第 1 步")
    await _refused(member, "第 1 步")
    await member.send("张家、李家")
    await member.expect("第 2 步")
    await _refused(member, "第 2 步", document=True)
    await member.press("家庭")  # the question asked again has its buttons
    await member.expect("第 3 步", kind="message")
    await _refused(member, "第 3 步")
    await member.send("调解中")
    await member.expect("哪天回访")
    await _refused(member, "哪天回访", document=True)
    await member.send("2026-03-15")
    await member.expect("第 4 步")
    await _refused(member, "第 4 步")
    await member.send("赡养费争议，约定下周再谈")
    await member.expect("照片")
    await member.press("跳过")
    await member.expect("调解已记录", kind="message")
    [entry] = await harness.store.duty.all()
    assert (entry.parties, entry.kind, entry.outcome, str(entry.followup_on)) == (
        "张家、李家",
        "family",
        "ongoing",
        "2026-03-15",
    )
    assert entry.summary == "赡养费争议，约定下周再谈" and entry.photo_file_id is None


async def test_the_next_followup_date_refuses_a_photo(harness: Harness) -> None:
    harness.at(datetime(2026, 3, 10, 10, 0, tzinfo=TZ))
    member = harness.user(MEDIATOR)
    await member.send("/mediate 张家、李家 | 邻里 | 调解中 | 约定再谈 | 2026-03-12")
    await member.expect("调解已记录")
    harness.at(datetime(2026, 3, 12, 9, 0, tzinfo=TZ))
    await harness.sweep()
    await harness.settle()
    await member.expect("回访")
    await member.press("仍在调解")
    await member.expect("下次回访", kind="message")
    await _refused(member, "下次回访")
    await member.send("2026-03-20")
    await member.expect("下次回访 3月20日（周五）")
    [entry] = await harness.store.duty.all()
    assert str(entry.followup_on) == "2026-03-20"


async def test_a_photo_with_the_command_is_still_kept_step_by_step(harness: Harness) -> None:
    member = harness.user(PATROL)
    await member.send_photo(caption="/patrol")
    await member.expect("第 1 步")
    await member.send("东区")
    await member.expect("第 2 步")
    await member.send("30")
    await member.expect("第 3 步")
    await member.send("无异常")
    saved = await member.expect("巡逻已记录")  # no photo step: the photo came with the command
    assert "已附照片" in saved.text
    [entry] = await harness.store.duty.all()
    assert entry.photo_file_id
