"""Duty posts end to end: /patrol, /mediate (both forms, photos), refusals, follow-up reminders, /duty,
/dutyreport, /posts and the export, through the real application and the emulator."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.exports.export import export_files
from bot.store.duty import DutyLog
from tests.support.harness import MEDIATOR, OTHER_SECRETARY, PATROL, PLAIN, SECRETARY, STRANGER, Harness

TZ = ZoneInfo("Asia/Shanghai")


def local(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


async def logs(harness: Harness) -> list[DutyLog]:
    return await harness.store.duty.all()


async def approve_all(harness: Harness) -> None:
    """The branch approves every pending entry (only approved entries count: issue 17; the review itself is
    tested in tests/duty/test_posts.py)."""
    await harness.store.duty.approve(
        [e.id for e in await logs(harness) if e.review == "pending"], None, "2026-01-01T00:00:00+00:00"
    )


async def test_patrol_one_line_is_saved_with_its_points(harness: Harness) -> None:
    harness.at(local(3, 10))
    member = harness.user(PATROL)
    await member.send("/patrol 3号楼至村口 | 45 | 无异常")
    reply = await member.expect("巡逻已记录")
    assert "45 分钟" in reply.text and "得 1 分" in reply.text
    [entry] = await logs(harness)
    assert (entry.post, entry.area, entry.minutes, entry.findings) == ("patrol", "3号楼至村口", 45, "无异常")
    assert entry.at == "2026-03-10T02:00:00+00:00" and str(entry.local_date) == "2026-03-10"


async def test_a_60_minute_patrol_scores_2_and_a_59_minute_one_1(harness: Harness) -> None:
    member = harness.user(PATROL)
    await member.send("/patrol 村口 | 60 | 无异常")
    await member.expect("得 2 分")
    await member.send("/patrol 村口 | 59 | 无异常")
    await member.expect("得 1 分")
    await approve_all(harness)
    await member.send("/duty")
    summary = await member.expect("积分：3 分")
    assert "巡逻：2 次，共 119 分钟" in summary.text


async def test_patrol_step_by_step_refuses_bad_minutes_and_keeps_a_photo(harness: Harness) -> None:
    member = harness.user(PATROL)
    await member.send("/patrol")
    await member.expect("第 1 步")
    await member.send("2号楼周边")
    await member.expect("第 2 步")
    for bad in ("abc", "0", "1000"):
        await member.send(bad)
        refusal = await member.expect("巡逻时长（分钟）")
        assert f"「{bad}」" in refusal.text and "45" in refusal.text
    await member.send("90")
    await member.expect("第 3 步")
    await member.send("楼道堆放杂物，已提醒住户清理")
    await member.expect("照片")
    await member.send_photo()
    saved = await member.expect("巡逻已记录")
    assert "已附照片" in saved.text and "得 2 分" in saved.text
    [entry] = await logs(harness)
    photo = [m for m in harness.emu.chat_messages(PATROL, include_user=True) if m.kind == "photo"][-1]
    assert entry.photo_file_id == photo.files[-1].file_id  # the largest size
    assert (entry.area, entry.minutes) == ("2号楼周边", 90)


async def test_patrol_step_by_step_photo_can_be_skipped(harness: Harness) -> None:
    member = harness.user(PATROL)
    await member.send("/patrol")
    await member.send("村口")
    await member.send("30")
    await member.send("无异常")
    await member.expect("第 1 步")
    await member.expect("第 2 步")
    await member.expect("第 3 步")
    await member.expect("照片")
    await member.send("没有照片")
    await member.expect("请发一张照片")
    await member.press("跳过")
    saved = await member.expect("巡逻已记录", kind="message")
    assert "已附照片" not in saved.text
    [entry] = await logs(harness)
    assert entry.photo_file_id is None
    await member.press_data("duty:skip")  # a Skip button of a finished log
    await member.expect("失效", kind="alert")
    assert len(await logs(harness)) == 1


async def test_photo_with_the_command_as_caption(harness: Harness) -> None:
    member = harness.user(PATROL)
    await member.send_photo(caption="/patrol 村口 | 30 | 路灯不亮")
    saved = await member.expect("巡逻已记录")
    assert "已附照片" in saved.text
    [entry] = await logs(harness)
    assert entry.photo_file_id and entry.findings == "路灯不亮"


@pytest.mark.parametrize("minutes", ["0", "abc", "1000"])
async def test_one_line_patrol_with_bad_minutes_is_refused(harness: Harness, minutes: str) -> None:
    member = harness.user(PATROL)
    await member.send(f"/patrol 村口 | {minutes} | 无异常")
    await member.expect("巡逻时长（分钟）")
    assert await logs(harness) == []


async def test_one_line_patrol_with_missing_fields_shows_the_form(harness: Harness) -> None:
    member = harness.user(PATROL, lang="en")
    await member.send("/patrol gate | 30")
    await member.expect("/patrol Building 3 to the gate | 45 | all quiet")
    await member.send("/patrol gate | abc | quiet")
    await member.expect("the patrol minutes")
    assert await logs(harness) == []


@pytest.mark.parametrize(
    ("user", "text"),
    [
        (MEDIATOR, "/patrol 村口 | 30 | 无异常"),
        (MEDIATOR, "/patrol"),
        (PATROL, "/mediate 张家、李家 | 邻里 | 已化解 | 清理杂物"),
        (PLAIN, "/mediate"),
    ],
)
async def test_member_without_the_post_is_refused_and_nothing_is_saved(harness: Harness, user: int, text: str) -> None:
    member = harness.user(user)
    await member.send(text)
    await member.expect("只有")
    await member.send("村口")  # no conversation was started
    await member.expect("/help")
    assert await logs(harness) == []


async def test_unknown_user_cannot_log_or_see_duty(harness: Harness) -> None:
    stranger = harness.user(STRANGER)
    for text in ("/patrol 村口 | 30 | 无异常", "/duty", "/dutyreport", "/posts 赵巡逻"):
        await stranger.send(text)
        reply = await stranger.expect("还没有登记")
        assert "赵巡逻" not in reply.text
    assert await logs(harness) == []


async def test_patrol_in_a_group_points_to_the_private_chat(harness: Harness) -> None:
    group = harness.emu.add_group(-100777, "一村党支部群")
    member = harness.user(PATROL)
    await member.send("/patrol 村口 | 30 | 无异常", chat=group)
    message = await group.next_message()
    assert "私聊" in message.text
    assert await logs(harness) == []


@pytest.mark.parametrize(("outcome", "points"), [("已化解", 3), ("referred", 2), ("调解中", 1)])
async def test_mediation_one_line_scores_by_outcome(harness: Harness, outcome: str, points: int) -> None:
    harness.at(local(3, 10))
    member = harness.user(MEDIATOR)
    followup = " | 2026-03-12" if outcome == "调解中" else ""
    await member.send(f"/mediate 张家、李家 | 邻里 | {outcome} | 宅前堆物{followup}")
    saved = await member.expect("调解已记录")
    assert f"得 {points} 分" in saved.text
    [entry] = await logs(harness)
    assert entry.kind == "neighbour" and entry.parties == "张家、李家"
    assert (entry.followup_on is not None) == (outcome == "调解中")


async def test_ongoing_mediation_needs_a_followup_date_not_in_the_past(harness: Harness) -> None:
    harness.at(local(3, 10))
    member = harness.user(MEDIATOR)
    await member.send("/mediate 张家、李家 | land | ongoing | 地界争议")
    await member.expect("回访日期")
    await member.send("/mediate 张家、李家 | land | ongoing | 地界争议 | 2026-03-01")
    await member.expect("不能早于今天")
    assert await logs(harness) == []


async def test_mediation_step_by_step_with_buttons(harness: Harness) -> None:
    harness.at(local(3, 10))
    member = harness.user(MEDIATOR, lang="en")
    await member.send("/mediate")
    await member.expect("Step 1")
    await member.send("Zhang & Li")
    await member.expect("Step 2")
    await member.press("Land")
    await member.expect("Step 3", kind="message")
    await member.press("Ongoing")
    await member.expect("follow up", kind="message")
    await member.send("2026-03-09")
    await member.expect("the follow-up date")
    await member.send("2026-03-12")
    await member.expect("Step 4")
    await member.send("Boundary stones moved; both agreed to wait for the survey")
    await member.expect("photo")
    await member.press("Skip")
    saved = await member.expect("Mediation logged", kind="message")
    assert "Zhang &amp; Li" in saved.html and "Follow-up on Thu 12 Mar" in saved.text and "scores 1" in saved.text
    [entry] = await logs(harness)
    assert (entry.kind, entry.outcome, str(entry.followup_on)) == ("land", "ongoing", "2026-03-12")


async def test_mediation_kind_may_be_typed_and_wrong_words_are_refused(harness: Harness) -> None:
    member = harness.user(MEDIATOR)
    await member.send("/mediate")
    await member.send("王家、赵家")
    await member.expect("第 1 步")
    await member.expect("第 2 步")
    await member.send("吵架")
    await member.expect("纠纷类型")
    await member.send("家庭")
    await member.expect("第 3 步")
    await member.send("已移交")
    await member.expect("第 4 步")
    await member.send("/cancel")
    await member.expect("已取消")
    assert await logs(harness) == []


async def _ongoing_mediation(harness: Harness) -> DutyLog:
    harness.at(local(3, 10))
    member = harness.user(MEDIATOR)
    await member.send("/mediate 张家、李家 | 邻里 | 调解中 | 约定再谈 | 2026-03-12")
    await member.expect("调解已记录")
    [entry] = await logs(harness)
    return entry


async def test_followup_reminder_arrives_on_its_day_and_records_the_outcome(harness: Harness) -> None:
    entry = await _ongoing_mediation(harness)
    member = harness.user(MEDIATOR)
    key = f"mediation:followup:{entry.id}:2026-03-12"
    harness.at(local(3, 12, 7, 59))
    await harness.sweep()
    assert await harness.store.outbox.by_key(key) is None
    harness.at(local(3, 12, 8, 0))
    await harness.sweep()
    await harness.settle()
    reminder = await member.expect("回访")
    assert "张家、李家" in reminder.text and reminder.labels()
    await member.press("已化解", reminder)
    recorded = await member.expect("已记录", kind="message")
    assert "已化解" in recorded.text and "3 分" in recorded.text
    updated = await harness.store.duty.get(entry.id)
    assert updated is not None and updated.outcome == "resolved" and updated.outcome_changed_at
    assert len(await harness.store.duty.followups(entry.id)) == 1
    await member.press_data(f"duty:out:{entry.id}:referred", reminder)
    await member.expect("已经记录", kind="alert")
    await harness.sweep()  # reminded once only
    await harness.settle()
    await harness.nothing_more(member)


async def test_followup_still_ongoing_asks_a_new_date_and_reminds_again(harness: Harness) -> None:
    entry = await _ongoing_mediation(harness)
    member = harness.user(MEDIATOR)
    harness.at(local(3, 12, 9, 0))
    await harness.sweep()
    await harness.settle()
    await member.expect("回访")
    await member.press("仍在调解")
    await member.expect("下次回访", kind="message")
    await member.send("2026-03-12")
    await member.expect("要在今天以后")
    await member.send("2026-03-20")
    await member.expect("下次回访 3月20日（周五）")
    updated = await harness.store.duty.get(entry.id)
    assert updated is not None and updated.outcome == "ongoing" and str(updated.followup_on) == "2026-03-20"
    harness.at(local(3, 20, 8, 30))
    await harness.sweep()
    await harness.settle()
    await member.expect("回访")


async def test_someone_else_cannot_answer_a_followup(harness: Harness) -> None:
    entry = await _ongoing_mediation(harness)
    other = harness.user(PATROL)
    await other.send("/duty")
    await other.expect("履职情况")
    await other.press_data(f"duty:out:{entry.id}:resolved")
    await other.expect("不是您的", kind="alert")
    current = await harness.store.duty.get(entry.id)
    assert current is not None and current.outcome == "ongoing"


async def test_month_boundaries_follow_the_timezone(harness: Harness) -> None:
    member = harness.user(PATROL)
    harness.at(local(3, 31, 23, 59))
    await member.send("/patrol 村口 | 30 | 月末最后一分钟")
    await member.expect("巡逻已记录")
    harness.at(local(4, 1, 0, 30))  # still 31 March in UTC
    await member.send("/patrol 村口 | 30 | 四月第一次")
    await member.expect("巡逻已记录")
    await approve_all(harness)
    await member.send("/duty 2026-03")
    assert "巡逻：1 次" in (await member.expect("2026年3月")).text
    await member.send("/duty")
    assert "巡逻：1 次" in (await member.expect("2026年4月")).text
    await member.send("/duty 2026-13")
    await member.expect("不是月份")


async def test_duty_shows_whether_the_minimum_is_met(harness: Harness) -> None:
    harness.at(local(3, 10))
    member = harness.user(PATROL)
    for _ in range(3):
        await member.send("/patrol 村口 | 30 | 无异常")
        await member.expect("巡逻已记录")
    await approve_all(harness)
    await member.send("/duty")
    await member.expect("还没达到最低要求")
    await member.send("/patrol 村口 | 30 | 无异常")
    await member.expect("巡逻已记录")
    await approve_all(harness)
    await member.send("/duty")
    assert "已达到最低要求" in (await member.expect("巡逻：4 次")).text


async def test_dutyreport_covers_only_the_secretarys_units_sorted_by_points(harness: Harness) -> None:
    harness.at(local(3, 10))
    patrol, mediator = harness.user(PATROL), harness.user(MEDIATOR)
    await patrol.send("/patrol 村口 | 30 | 无异常")
    await patrol.expect("巡逻已记录")
    await mediator.send("/mediate 张家、李家 | 邻里 | 已化解 | 清理杂物")
    await mediator.expect("调解已记录")
    await approve_all(harness)
    secretary = harness.user(SECRETARY)
    await secretary.send("/dutyreport")
    report = (await secretary.expect("设岗定责考核")).text
    assert report.index("钱调解") < report.index("赵巡逻")
    assert "✅ 达标" in report and "❌ 未达标" in report
    lines = {name: next(line for line in report.splitlines() if name in line) for name in ("赵巡逻", "钱调解")}
    # issue 30: each line lists only the posts the member holds
    assert "巡逻 1 次/30 分钟" in lines["赵巡逻"] and "调解" not in lines["赵巡逻"].replace("矛盾调解岗", "")
    assert "调解 1 件" in lines["钱调解"] and "巡逻" not in lines["钱调解"]
    other = harness.user(OTHER_SECRETARY)
    await other.send("/dutyreport 2026-03")
    reply = await other.expect("还没有设岗党员")
    assert "赵巡逻" not in reply.text and "钱调解" not in reply.text
    member = harness.user(PLAIN)
    await member.send("/dutyreport")
    await member.expect("只有党组织书记")


async def test_secretary_toggles_a_members_posts(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/posts 赵巡逻")
    shown = await secretary.expect("治安巡逻岗")
    assert any("矛盾调解岗" in label for label in shown.labels())
    await secretary.press("矛盾调解岗")
    edited = await secretary.expect("矛盾调解岗", kind="edit")
    assert "治安巡逻岗、矛盾调解岗" in edited.text
    member = await harness.store.members.by_telegram_id(PATROL)
    assert member is not None and member.posts == {"patrol", "mediation"}
    patrol = harness.user(PATROL)
    await patrol.send("/mediate 张家、李家 | 邻里 | 已化解 | 清理杂物")
    await patrol.expect("调解已记录")
    await secretary.press("治安巡逻岗")
    await secretary.expect("矛盾调解岗", kind="edit")
    member = await harness.store.members.by_telegram_id(PATROL)
    assert member is not None and member.posts == {"mediation"}


async def test_secretary_sets_posts_in_one_line_and_unknown_posts_are_refused(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/posts 钱调解 | 飞行岗")
    refusal = await secretary.expect("没有「飞行岗」这个岗位")
    assert "治安巡逻岗" in refusal.text and "矛盾调解岗" in refusal.text
    await secretary.send("/posts 钱调解 | 巡逻；调解岗")
    await secretary.expect("已更新")
    member = await harness.store.members.by_telegram_id(MEDIATOR)
    assert member is not None and member.posts == {"patrol", "mediation"}


async def test_another_branchs_secretary_cannot_change_posts(harness: Harness) -> None:
    other = harness.user(OTHER_SECRETARY)
    await other.send("/posts 赵巡逻 | mediation")
    await other.expect("没有找到")
    target = await harness.store.members.by_telegram_id(PATROL)
    assert target is not None
    await other.press_data(f"duty:post:{target.id}:mediation")
    await other.expect("不能修改", kind="alert")
    after = await harness.store.members.by_telegram_id(PATROL)
    assert after is not None and after.posts == {"patrol"}


async def test_duty_logs_are_exported(harness: Harness) -> None:
    harness.at(local(3, 31, 23, 59))
    member = harness.user(PATROL)
    await member.send_photo(caption="/patrol 村口 | 60 | 无异常")
    await member.expect("巡逻已记录")
    files = await export_files(harness.store)
    rows = list(csv.DictReader(io.StringIO(files["duty_logs.csv"].decode("utf-8-sig"))))
    [row] = rows
    assert (row["member"], row["branch"], row["date"], row["minutes"], row["points"]) == (
        "赵巡逻",
        "一村党支部",
        "2026-03-31",
        "60",
        "2",
    )
    assert row["photo_file_id"].startswith("EMU")


async def test_a_redelivered_patrol_is_logged_once(harness: Harness) -> None:
    member = harness.user(PATROL)
    update_id = await member.send("/patrol 村口 | 30 | 无异常")
    await member.expect("巡逻已记录")
    await member.redeliver(update_id)
    await harness.nothing_more(member)
    assert len(await logs(harness)) == 1
