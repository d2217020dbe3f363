"""Replies to a notice: attend, leave with a reason, changing the answer, check-in, `/notices`,
`/attendance` (names, counts, quorum, 书记登记到会 in the window, 补学 after it), `/cancelnotice`, `/minutes`, and a
bound group."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.services.exports.export import export_files
from tests.support.harness import (
    LIAISON,
    MEDIATOR,
    MIGRANT,
    OTHER_LIAISON,
    OTHER_SECRETARY,
    PATROL,
    PLAIN,
    SECRETARY,
    STRANGER,
    TOM,
    Harness,
)
from tests.support.notices import (
    BRANCH_ONE,
    LECTURE,
    MEETING,
    START,
    T0,
    got,
    link,
    notices_of,
    saw,
    send_notice,
    until,
)


async def _ready(harness: Harness) -> int:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    notice_id = await send_notice(harness, SECRETARY, LECTURE)
    secretary = harness.user(SECRETARY)
    await saw(secretary, "通知发送完毕")  # the summary comes when the sender is done: let it not race a test
    secretary.drain()
    return notice_id


async def mid(harness: Harness, telegram_id: int) -> int:
    member = await harness.store.members.by_telegram_id(telegram_id)
    assert member is not None
    return member.id


async def _leave(harness: Harness, member_id: int, reason: str) -> None:
    member = harness.user(member_id)
    member.drain()
    await member.press("请假")
    await member.expect("请回复请假原因", kind="message")
    await member.send(reason)
    await member.expect("已请假", kind="message")


async def test_attend_then_leave_with_a_reason_then_attend_again(harness: Harness) -> None:
    notice_id = await _ready(harness)
    member = harness.user(LIAISON)
    member.drain()
    await member.press("参加")
    edited = await member.expect("您的回复：参加", kind="edit")
    assert edited.labels() == ["参加", "请假", "签到"]

    await _leave(harness, LIAISON, "家里<有事>")
    edited = await member.expect("您的回复：请假（家里<有事>）", kind="edit")
    assert "&lt;有事&gt;" in edited.html
    rsvp = await harness.store.notices.rsvp(notice_id, await mid(harness, LIAISON))
    assert rsvp is not None and rsvp.answer == "leave" and rsvp.reason == "家里<有事>"

    await member.press("参加")
    await member.expect("您的回复：参加", kind="edit")
    rsvp = await harness.store.notices.rsvp(notice_id, await mid(harness, LIAISON))
    assert rsvp is not None and rsvp.answer == "attend" and rsvp.reason is None


async def test_cancel_while_asked_for_a_reason_keeps_the_answer(harness: Harness) -> None:
    notice_id = await _ready(harness)
    member = harness.user(PATROL)
    member.drain()
    await member.press("参加")
    await member.press("请假")
    await member.expect("请回复请假原因", kind="message")
    await member.send("/cancel")
    await member.expect("没有请假", kind="message")
    await member.send("随便说一句")
    await member.expect("/help", kind="message")  # the reason is no longer awaited
    rsvp = await harness.store.notices.rsvp(notice_id, await mid(harness, PATROL))
    assert rsvp is not None and rsvp.answer == "attend"


async def test_answer_cannot_change_once_the_meeting_started(harness: Harness) -> None:
    notice_id = await _ready(harness)
    harness.at(START + timedelta(minutes=1))
    member = harness.user(MEDIATOR)
    await member.press("请假")
    await member.expect("会议已经开始", kind="alert")
    assert await harness.store.notices.rsvp(notice_id, await mid(harness, MEDIATOR)) is None


async def test_check_in_only_in_its_window(harness: Harness) -> None:
    notice_id = await _ready(harness)
    member = harness.user(MIGRANT)
    await member.press("签到")
    alert = await member.expect("还不能签到", kind="alert")
    assert "下午2:30" in alert.text and "下午5:00" in alert.text
    harness.at(START - timedelta(minutes=20))
    await member.press("签到")
    await member.expect("签到成功", kind="alert")
    await member.expect("✅ 已签到 下午2:40", kind="edit")
    harness.at(START + timedelta(hours=3))
    await member.press("签到")
    await member.expect("签到已经结束", kind="alert")
    assert set(await harness.store.notices.checkins(notice_id)) == {await mid(harness, MIGRANT)}


async def test_attendance_names_and_counts(harness: Harness) -> None:
    notice_id = await _ready(harness)
    await harness.user(LIAISON).press("参加")
    await harness.user(MIGRANT).press("参加")
    await _leave(harness, PATROL, "外出务工")
    await until(lambda: got(harness.user(MIGRANT), "您的回复：参加", kind="edit"))
    secretary = harness.user(SECRETARY)
    await saw(secretary, "请假申请")  # the leave goes to the convener to approve (issue 13)
    secretary.drain()
    await secretary.send("/attendance")
    report = (await secretary.expect(f"#{notice_id} 党课")).text
    assert "应到：6 人" in report
    assert "参加：2 人：李联络、张流动" in report
    assert "请假：1 人：赵巡逻（外出务工，待批）" in report
    assert "未回复：3 人：王书记、钱调解、吴未绑定（未绑定）" in report
    assert "已签到：0 人" in report
    assert "半数" not in report  # only a general meeting has a quorum


async def test_general_meeting_quorum(harness: Harness) -> None:
    """Issue 13: presence is a check-in; a reply to attend is an intention and does not count."""
    harness.at(T0)
    await link(harness, OTHER_SECRETARY, PLAIN, TOM)
    notice_id = await send_notice(harness, OTHER_SECRETARY, f"支部党员大会 | {MEETING} | 二村会议室 | 选举")
    secretary = harness.user(OTHER_SECRETARY)
    await harness.user(PLAIN).press("参加")
    await harness.user(TOM).press("参加")
    await until(lambda: got(harness.user(TOM), "您的回复", kind="edit"))
    await secretary.send(f"/attendance {notice_id}")
    report = (await saw(secretary, "应到：5 人")).text
    assert "有表决权的党员应到 5 人、实到 0 人，不到半数，不能进行表决" in report
    harness.at(START - timedelta(minutes=10))
    await harness.user(PLAIN).press("签到")
    await saw(harness.user(PLAIN), "签到成功", kind="alert")
    await harness.user(TOM).press("签到")
    await saw(harness.user(TOM), "签到成功", kind="alert")
    await secretary.send(f"/attendance {notice_id} | 登记 | 孙书记 | 无智能手机")
    await saw(secretary, "已登记孙书记到会")
    await secretary.send(f"/attendance {notice_id}")
    report = (await saw(secretary, "有表决权的党员应到 5 人、实到 3 人，超过半数，可以进行表决")).text
    assert "✅" in report


async def test_registering_present_only_in_the_window_and_makeup_after(harness: Harness) -> None:
    """Issue 13: 书记登记到会 only during check-in (代签 is the same word), never 补签 afterwards; an absent
    member's 补学 is recorded after the window with a date and a note, and shown apart, never as present."""
    notice_id = await _ready(harness)
    secretary = harness.user(SECRETARY)
    secretary.drain()
    await secretary.send(f"/attendance {notice_id} | 代签 | 钱调解")
    await secretary.expect("只能在签到时间内")
    await secretary.send(f"/attendance {notice_id} | 补签 | 钱调解")
    await secretary.expect("不能补签")
    harness.at(START - timedelta(minutes=10))
    await secretary.send(f"/attendance {notice_id} | 登记 | 钱调解")
    await secretary.expect("书记登记要写明原因")
    await secretary.send(f"/attendance {notice_id} | 登记 | 钱调解 | 其他")
    await secretary.expect("请再写一句是什么情况")
    await secretary.send(f"/attendance {notice_id} | 登记 | 钱调解 | 其他 | 手机忘在家里")
    await secretary.expect("已登记钱调解到会")
    await harness.user(MEDIATOR).expect("已签到", kind="edit")
    await secretary.send(f"/attendance {notice_id} | 登记 | 周普通")
    await secretary.expect("应到名单里没有「周普通」")
    await secretary.send(f"/attendance {notice_id} | 补学 | 吴未绑定 | 03-12 | 看录像")
    await secretary.expect("签到还没结束")
    harness.at(START + timedelta(hours=5))
    await secretary.send(f"/attendance {notice_id} | 登记 | 吴未绑定")
    await secretary.expect("只能在签到时间内")
    await secretary.send(f"/attendance {notice_id} | 补签 | 吴未绑定")
    await secretary.expect("不能补签")
    await secretary.send(f"/attendance {notice_id} | 补学 | 钱调解 | 03-12 | 看录像")
    await secretary.expect("已经到会，不需要补学")
    await secretary.send(f"/attendance {notice_id} | 补学 | 吴未绑定 | 03-11 | 看录像")
    await secretary.expect("要在会议当天（2026-03-12）到今天（2026-03-12）之间")
    await secretary.send(f"/attendance {notice_id} | 补学 | 吴未绑定 | 03-12 | 看了会议录像")
    await secretary.expect("已记吴未绑定 2026-03-12 补学")
    await secretary.send(f"/attendance {notice_id} | 补学 | 吴未绑定 | 03-12 | 再记一次")
    await secretary.expect("补学已经记过了")
    await secretary.send(f"/attendance {notice_id}")
    report = (await secretary.expect("已签到：1 人")).text
    assert "钱调解 下午2:50（书记登记：王书记，其他：手机忘在家里）" in report
    assert "补学：1 人：吴未绑定（2026-03-12 补学：看了会议录像）" in report
    assert "应到 6 人、实到 1 人、请假 0 人、缺席 5 人" in report
    assert set(await harness.store.notices.checkins(notice_id)) == {await mid(harness, MEDIATOR)}
    other = harness.user(OTHER_SECRETARY)
    await other.send(f"/attendance {notice_id}")
    await other.expect("没有编号为")
    attendance_csv = files_of(await export_files(harness.store), "attendance.csv")
    assert [(r["check_in"], r["registered_by"]) for r in attendance_csv if r["member"] == "钱调解"] == [
        ("proxy", "王书记")
    ]
    made_up = [(r["made_up_on"], r["makeup_note"], r["check_in"]) for r in attendance_csv if r["member"] == "吴未绑定"]
    assert made_up == [("2026-03-12", "看了会议录像", "")]  # 补学 is never a check-in
    assert files_of(await export_files(harness.store), "notices.csv")[0]["made_up"] == "1"


def files_of(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))


async def test_cancel_notice_tells_everyone_notified(harness: Harness) -> None:
    notice_id = await _ready(harness)
    secretary = harness.user(SECRETARY)
    secretary.drain()
    await harness.user(PLAIN).send(f"/cancelnotice {notice_id}")
    await harness.user(PLAIN).expect("只有党组织书记")
    await secretary.send(f"/cancelnotice {notice_id}")
    await saw(secretary, f"会议 #{notice_id} 已取消")
    await harness.settle()
    for member in BRANCH_ONE:
        assert len(got(harness.user(member), "会议取消")) == 1
    await harness.user(LIAISON).press("参加")
    await harness.user(LIAISON).expect("已经取消", kind="alert")
    await secretary.send(f"/cancelnotice {notice_id}")
    await saw(secretary, "已经取消过了")
    await harness.settle()
    assert len(got(harness.user(LIAISON), "会议取消")) == 1


async def test_cancel_withdraws_deliveries_not_yet_sent(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    sender = harness.services.sender
    assert sender is not None
    await sender.stop()  # the broadcast is queued but nothing goes out yet
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/notice {LECTURE}")
    await secretary.press("发送", await secretary.expect("预览"))
    await until(lambda: got(secretary, "已开始发送"))
    await secretary.send("/cancelnotice 1")
    reply = (await saw(secretary, "已取消")).text
    assert "0 处" in reply and "5 条" in reply
    await sender.start()
    await harness.settle()
    for member in BRANCH_ONE:
        assert notices_of(harness.user(member)) == []
        assert got(harness.user(member), "会议取消") == []


async def test_notices_lists_upcoming_meetings_with_my_answer(harness: Harness) -> None:
    await _ready(harness)
    await _leave(harness, LIAISON, "住院")
    member = harness.user(LIAISON)
    await member.send("/notices")
    listing = await saw(member, "近期会议")
    assert "党课" in listing.text and "请假（住院），待批" in listing.text
    other = harness.user(PLAIN)
    await link(harness, PLAIN)
    await other.send("/notices")
    await other.expect("近期没有要参加的会议")


async def test_minutes_are_kept_and_exported(harness: Harness) -> None:
    notice_id = await _ready(harness)
    await harness.user(LIAISON).press("参加")
    secretary = harness.user(SECRETARY)
    await saw(secretary, "通知发送完毕")  # the broadcast summary comes first, whenever the sender is done
    secretary.drain()
    await until(lambda: got(harness.user(LIAISON), "您的回复", kind="edit"))
    harness.at(START + timedelta(hours=3))  # minutes are kept once the meeting was held (issue 13 item 6)
    await secretary.send(f"/minutes {notice_id} | 到会 5 人，学习了党章")
    await secretary.expect("记录已保存")
    await secretary.send(f"/minutes {notice_id}")
    await secretary.expect("到会 5 人")
    files = await export_files(harness.store)
    notices_csv = files["notices.csv"].decode("utf-8-sig")
    assert "到会 5 人，学习了党章" in notices_csv and "lecture" in notices_csv
    attendance_csv = files["attendance.csv"].decode("utf-8-sig").splitlines()
    assert len(attendance_csv) == 1 + 6
    assert any("李联络" in line and "attend" in line for line in attendance_csv)
    assert any("吴未绑定" in line and ",no,not_sent," in line for line in attendance_csv)


async def test_group_chat_gets_the_notice_and_its_buttons_count_for_whoever_presses(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE, PLAIN, OTHER_LIAISON)
    group = harness.emu.add_group(-100500, "一村党支部群")
    secretary = harness.user(SECRETARY)
    await harness.user(PLAIN).send("/bindgroup", chat=group)
    await group.expect("只有党组织书记")
    group.add_member(secretary, admin=True)  # only a group administrator may bind it (tests/notices/test_group.py)
    await secretary.send("/bindgroup", chat=group)
    await group.expect("本群已和一村党支部绑定")
    await secretary.send("/bindgroup")
    await secretary.expect("请在要绑定的群里")
    notice_id = await send_notice(harness, SECRETARY, LECTURE)
    post = await group.expect("会议通知：党课")
    assert "已回复：参加 0 人" in post.text

    await harness.user(LIAISON).press("参加", post)
    await group.expect("已回复：参加 1 人，请假 0 人", kind="edit", timeout=5)
    await harness.user(LIAISON).expect("您的回复：参加", kind="edit")

    patrol = harness.user(PATROL)
    patrol.drain()
    await patrol.press("请假", post)
    await saw(patrol, "私聊里写请假原因", kind="alert")
    await saw(patrol, "请回复请假原因")
    await patrol.send("值班")
    await saw(patrol, "已请假")
    await group.expect("请假 1 人", kind="edit")

    outsider = harness.user(OTHER_LIAISON)
    await outsider.press("参加", post)
    await outsider.expect("不在您的通知范围内", kind="alert")
    stranger = harness.user(STRANGER)
    await stranger.press("参加", post)
    await stranger.expect("还没有登记", kind="alert")
    rsvps = await harness.store.notices.rsvps(notice_id)
    assert {m: r.answer for m, r in rsvps.items()} == {
        await mid(harness, LIAISON): "attend",
        await mid(harness, PATROL): "leave",
    }
    summary = got(secretary, "通知发送完毕")[0].text
    assert "群里也已发布" in summary
