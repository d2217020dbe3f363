"""Residents' requests through the emulator: logged, listed, moved on by the member and the secretary (passed
up, given back with advice, to the community committee), resolved and rated; refusals and stale buttons."""

from __future__ import annotations

from bot.services.households.buttons import RequestAct, RequestOpen, RequestRate
from tests.support.harness import COMMUNITY_SECRETARY, LIAISON, OTHER_SECRETARY, PATROL, SECRETARY, Harness
from tests.support.households import load_households


async def request_row(harness: Harness) -> tuple[object, ...]:
    row = await harness.store.db.fetchone(
        "SELECT r.state, m.name, r.advice, r.resolution, r.satisfaction FROM requests r "
        "LEFT JOIN members m ON m.id = r.handler_id WHERE r.id = 1"
    )
    assert row is not None
    return tuple(row)


async def logged(harness: Harness) -> None:
    await load_households(harness.store)
    for telegram_id in (LIAISON, SECRETARY, COMMUNITY_SECRETARY, OTHER_SECRETARY, PATROL):
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()
    member = harness.user(LIAISON)
    await member.send("/request 李大爷 | 楼道灯坏了，晚上看不见")
    await member.expect("诉求已受理，编号 #1（李大爷）")


async def test_passed_up_given_back_with_advice_then_resolved_and_rated(harness: Harness) -> None:
    await logged(harness)
    member, secretary = harness.user(LIAISON), harness.user(SECRETARY)
    await member.send("/requests")
    listed = await member.expect("待办民情诉求")
    assert "#1 · 0天 · 李大爷：楼道灯坏了" in listed.text and "已受理" in listed.text
    await member.press("#1")
    view = await member.expect("民情诉求 #1", kind="message")
    assert view.labels() == ["开始办理", "办结", "上报支部书记"]
    await member.press("开始办理")
    await member.expect("开始办理", kind="message")
    await member.press("上报支部书记", view)
    await member.expect("已上报支部书记", kind="message")
    notice = await secretary.expect("民情诉求 #1 上报")
    assert "李联络 上报：李大爷：楼道灯坏了" in notice.text
    await secretary.press("#1")
    seen = await secretary.expect("民情诉求 #1", kind="message")
    assert seen.labels() == ["接手办理", "转社区党委", "提建议退回"]
    await secretary.press("提建议退回")
    await secretary.expect("请写上您的建议", kind="message")
    await secretary.send_sticker()
    await secretary.expect("要打字回复")
    await secretary.expect("请写上您的建议")
    await secretary.send("请联系物业王经理，电话在物业公告栏")
    await secretary.expect("已退回联户党员")
    back = await member.expect("已退回")
    assert "请联系物业王经理" in back.text
    assert await request_row(harness) == ("in_progress", "李联络", "请联系物业王经理，电话在物业公告栏", None, None)
    await member.press("#1", back)
    again = await member.expect("书记建议：请联系物业王经理", kind="message")
    assert again.labels() == ["办结", "上报支部书记"]
    await member.press("办结")
    await member.expect("是怎么办的", kind="message")
    await member.send("物业已换好灯泡")
    done = await member.expect("已办结")
    assert done.labels() == ["满意", "基本满意", "不满意"]
    await member.press("满意")
    await member.expect("群众满意度：满意", kind="message")
    await member.press("不满意", done)
    await member.expect("已经记过了", kind="alert")
    assert await request_row(harness) == (
        "resolved",
        "李联络",
        "请联系物业王经理，电话在物业公告栏",
        "物业已换好灯泡",
        "satisfied",
    )
    await member.send("/requests")
    await member.expect("没有待办的民情诉求")


async def test_the_secretary_passes_it_to_the_community_committee(harness: Harness) -> None:
    await logged(harness)
    member, secretary, community = harness.user(LIAISON), harness.user(SECRETARY), harness.user(COMMUNITY_SECRETARY)
    await member.send("/requests")
    await member.expect("待办民情诉求")
    await member.press("#1")
    await member.expect("民情诉求 #1", kind="message")
    await member.press("上报支部书记")
    await member.expect("已上报", kind="message")
    await secretary.expect("上报")
    await secretary.send("/requests")
    assert "已上报" in (await secretary.expect("待办民情诉求")).text
    await secretary.press("#1")
    await secretary.expect("民情诉求 #1", kind="message")
    await secretary.press("转社区党委")
    await secretary.expect("已转社区党委", kind="message")
    await community.expect("转社区党委")
    await community.press("#1")
    view = await community.expect("民情诉求 #1", kind="message")
    assert "办结" in view.labels()
    await community.press("办结")
    await community.expect("是怎么办的", kind="message")
    await community.send("社区协调供电所处理完毕")
    await community.expect("已办结")
    told = await member.expect("民情诉求 #1 已办结")
    assert "社区协调供电所处理完毕" in told.text
    assert (await request_row(harness))[:2] == ("resolved", "社区书记")


async def test_refusals_and_stale_buttons(harness: Harness) -> None:
    await logged(harness)
    patrol, other = harness.user(PATROL), harness.user(OTHER_SECRETARY)
    await patrol.send("/request 李大爷 | 帮忙修水管")  # someone else's household
    not_yours = await patrol.expect("没有找到户主「李大爷」")
    await patrol.send("/request 没这户 | 帮忙")  # no such household
    not_found = await patrol.expect("没有找到户主「没这户」")
    assert not_yours.text.replace("李大爷", "X") == not_found.text.replace("没这户", "X")  # one answer for both
    await patrol.send("/request 李大爷")
    await patrol.expect("用法")
    await patrol.send("/requests")
    await patrol.expect("没有待办的民情诉求")
    await patrol.press_data(RequestAct(1, "resolve").pack())
    await patrol.expect("没有权限", kind="alert")
    await other.press_data(RequestOpen(1).pack())
    await other.expect("没有权限", kind="alert")
    await other.press_data(RequestAct(1, "take").pack())
    await other.expect("没有权限", kind="alert")
    await other.press_data(RequestRate(1, "satisfied").pack())
    await other.expect("没有权限", kind="alert")
    await other.press_data("rq:act:1:explode")
    await other.expect("失效", kind="alert")
    member = harness.user(LIAISON)
    await member.press_data(RequestAct(1, "take").pack())  # a secretary's action
    await member.expect("不能这样办", kind="alert")
    await member.press_data(RequestAct(1, "start").pack())
    await member.expect("开始办理", kind="message")
    await member.press_data(RequestAct(1, "start").pack())  # pressed twice
    await member.expect("不能这样办", kind="alert")
    await member.press_data(RequestAct(1, "resolve").pack())
    await member.expect("是怎么办的", kind="message")
    await member.send("/cancel")
    await member.expect("取消")
    assert (await request_row(harness))[0] == "in_progress"


async def test_requests_are_private_chat_only(harness: Harness) -> None:
    await logged(harness)
    group = harness.emu.add_group(-100300, "一村党员群")
    member = harness.user(LIAISON)
    await member.send("/requests", chat=group)
    assert "楼道灯" not in (await group.next_message()).text
    await member.send("/request 李大爷 | 又坏了", chat=group)
    assert "李大爷" not in (await group.next_message()).text
    count = await harness.store.db.fetchone("SELECT count(*) FROM requests")
    assert count is not None and count[0] == 1


async def test_request_buttons_in_a_group_are_refused(harness: Harness) -> None:
    await logged(harness)
    group = harness.emu.add_group(-100400, "一村党员群")
    member = harness.user(LIAISON)
    await member.send("/help", chat=group)
    posted = await group.next_message()
    for data in (RequestOpen(1).pack(), RequestAct(1, "start").pack(), RequestRate(1, "basic").pack()):
        await member.press_data(data, posted)
        await member.expect("没有权限", kind="alert")
    assert (await request_row(harness))[0] == "received"
