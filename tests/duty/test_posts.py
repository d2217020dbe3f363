"""设岗定责 as data end to end (issue 17), through the real application and the emulator: a post defined
without code, claimed, approved and logged; entries approved one by one, a page or a month at a time, and
rejected with a reason the post-holder is told; the minimum counting approved entries only; reviewers;
rights; bad input."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.duty.buttons import DutyApprove, DutyApproveMonth, DutyApproveRange, DutyReject
from bot.services.duty.month import month_key
from bot.services.duty.rules import Month
from bot.store.duty import DutyLog
from tests.support.harness import (
    COMMUNITY_SECRETARY,
    LIAISON,
    MEDIATOR,
    OTHER_SECRETARY,
    PATROL,
    PLAIN,
    SECRETARY,
    Harness,
)
from tests.support.notices import until

TZ = ZoneInfo("Asia/Shanghai")


def local(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


async def entries(harness: Harness) -> list[DutyLog]:
    return await harness.store.duty.all()


async def hello(harness: Harness, *telegram_ids: int) -> None:
    """Each person writes to the bot once, so their account is linked (and reachable)."""
    for telegram_id in telegram_ids:
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()


async def test_a_new_post_without_code_is_claimed_approved_and_logged(harness: Harness) -> None:
    harness.at(local(3, 10))
    await hello(harness, PLAIN, OTHER_SECRETARY, COMMUNITY_SECRETARY)
    secretary, community = harness.user(OTHER_SECRETARY), harness.user(COMMUNITY_SECRETARY)
    await community.send("/posts 新增 防汛巡查岗 | 每条1分+每30分钟1分 | 2")
    added = await community.expect("已新增岗位「防汛巡查岗」")
    assert "每满 30 分钟再加 1 分" in added.text and "每月至少 2 条" in added.text
    await secretary.send("/posts")
    assert "防汛巡查岗" in (await secretary.expect("岗位目录")).text

    member = harness.user(PLAIN)
    await member.send("/claim")
    menu = await member.expect("想认领哪个岗位")
    assert "防汛巡查岗" in menu.labels() and "治安巡逻岗" in menu.labels()
    await member.press("防汛巡查岗")
    await member.expect("已申请认领「防汛巡查岗」")
    await harness.settle()
    asked = await secretary.expect("申请认领「防汛巡查岗」")
    assert "周普通" in asked.text
    late = await community.expect("申请认领「防汛巡查岗」")  # the community's secretary over 二村 too
    await member.press("防汛巡查岗", menu)  # asked twice: still one claim
    await member.expect("已经交给书记了")

    await secretary.press("准", asked)
    await secretary.expect("已批准 周普通 认领「防汛巡查岗」", kind="message")
    await harness.settle()
    await member.expect("书记已批准您认领「防汛巡查岗」")
    await community.press("不准", late)  # decided already: nothing changes
    await community.expect("已经审批过了", kind="alert")
    person = await harness.store.members.by_telegram_id(PLAIN)
    assert person is not None and person.posts == {"防汛巡查岗"}

    await member.send("/log")
    await member.expect("开始记录「防汛巡查岗」")
    await member.send("清理河道杂物，检查堤坝")
    await member.expect("第 2 步")
    await member.send("一个半小时")
    await member.expect("用时（分钟）")
    await member.send("90")
    await member.expect("第 3 步")
    await member.send_sticker()
    await member.expect("要打字回复")
    await member.expect("第 3 步")
    await member.send("很多人")
    await member.expect("服务人数")
    await member.send("3")
    await member.expect("照片")
    await member.press("跳过")
    saved = await member.expect("已记录「防汛巡查岗」", kind="message")
    assert "90 分钟，服务 3 人，得 4 分" in saved.text and "待支部审核" in saved.text
    [entry] = await entries(harness)
    assert (entry.post, entry.summary, entry.minutes, entry.served, entry.review) == (
        "防汛巡查岗",
        "清理河道杂物，检查堤坝",
        90,
        3,
        "pending",
    )
    await member.send("/duty")
    month = await member.expect("履职情况")
    assert "防汛巡查岗：0 条" in month.text and "待审核：1 条（4 分" in month.text
    assert "巡逻" not in month.text.split("积分")[0]  # no patrol line for a member without the patrol post


async def test_claims_are_refused_and_a_stranger_cannot_decide(harness: Harness) -> None:
    await hello(harness, MEDIATOR, SECRETARY)
    member = harness.user(MEDIATOR)
    await member.send("/claim")
    menu = await member.expect("想认领哪个岗位")
    assert "矛盾调解岗" not in menu.labels()  # held already
    await member.press("环境卫生岗")
    await member.expect("已申请")
    await harness.settle()
    secretary = harness.user(SECRETARY)
    asked = await secretary.expect("申请认领「环境卫生岗」")
    data = next(b.callback_data for row in asked.buttons for b in row if b.text == "准")
    outsider = harness.user(PLAIN)
    await outsider.press_data(data, asked)
    await outsider.expect("不能审批", kind="alert")
    await secretary.press("不准", asked)
    await secretary.expect("没有批准", kind="message")
    await harness.settle()
    await member.expect("没有批准您认领「环境卫生岗」")
    person = await harness.store.members.by_telegram_id(MEDIATOR)
    assert person is not None and person.posts == {"mediation"}


async def test_review_approves_one_and_rejects_one_with_a_reason_the_member_sees(harness: Harness) -> None:
    harness.at(local(3, 10))
    await hello(harness, PATROL)
    patrol = harness.user(PATROL)
    for minutes in (30, 45):
        await patrol.send(f"/patrol 村口 | {minutes} | 无异常")
        await patrol.expect("巡逻已记录")
    first, second = [e.id for e in await entries(harness)]
    await patrol.send("/duty")
    before = await patrol.expect("履职情况")
    assert "巡逻：0 次" in before.text and "待审核：2 条（2 分" in before.text

    secretary = harness.user(SECRETARY)
    await secretary.send("/review")
    listed = await secretary.expect("待审核的履职记录")
    assert "赵巡逻" in listed.text and "共 2 条" in listed.text
    await secretary.press(f"✅ {first}")
    after = await secretary.expect("已通过 1 条", kind="edit")
    assert "共 1 条" in after.text
    await secretary.press(f"❌ {second}", after)
    await secretary.expect(f"退回记录 {second} 的理由")
    await secretary.send_photo()
    await secretary.expect("要打字回复")
    await secretary.expect("的理由")
    await secretary.send("时长填错了，请核实后重新记录")
    done = await secretary.expect(f"已退回记录 {second}")
    assert "赵巡逻" in done.text
    await harness.settle()
    told = await patrol.expect("没有通过支部审核")
    assert "时长填错了" in told.text and f"编号 {second}" in told.text
    await patrol.send("/duty")
    month = await patrol.expect("履职情况")
    assert "巡逻：1 次" in month.text and "积分：1 分" in month.text and "待审核" not in month.text
    reviewed = {e.id: e for e in await entries(harness)}
    assert reviewed[first].review == "approved" and reviewed[second].review == "rejected"
    assert reviewed[second].review_reason == "时长填错了，请核实后重新记录"
    await secretary.press(f"✅ {second}", after)  # an old list: the entry was reviewed already
    await secretary.expect("没有待审核", kind="edit")


async def test_a_month_at_once_and_the_minimum_counts_approved_entries_only(harness: Harness) -> None:
    harness.at(local(3, 10))
    patrol = harness.user(PATROL)
    for _ in range(4):
        await patrol.send("/patrol 村口 | 30 | 无异常")
        await patrol.expect("巡逻已记录")
    await patrol.send("/duty")
    assert "还没达到最低要求" in (await patrol.expect("待审核：4 条")).text
    secretary = harness.user(SECRETARY)
    await secretary.send("/dutyreport")
    report = await secretary.expect("设岗定责考核")
    assert "另有待审核 4 条 4 分" in report.text and "❌ 未达标" in report.text
    await secretary.send("/review 2026-02")
    await secretary.expect("2026年2月没有待审核")
    await secretary.send("/review 2026-3")
    listed = await secretary.expect("待审核的履职记录")
    await secretary.press("✅ 2026年3月全部通过（4 条）", listed)
    await secretary.expect("已通过 4 条", kind="edit")
    await patrol.send("/duty")
    assert "已达到最低要求" in (await patrol.expect("巡逻：4 次")).text
    await secretary.send("/review 2026-13")
    await secretary.expect("不是月份")


async def test_a_page_at_once_and_the_other_branchs_secretary_sees_none(harness: Harness) -> None:
    harness.at(local(3, 10))
    patrol = harness.user(PATROL)
    for _ in range(12):
        await patrol.send("/patrol 村口 | 30 | 无异常")
        await patrol.expect("巡逻已记录")
    other = harness.user(OTHER_SECRETARY)
    await other.send("/review")
    await other.expect("没有待审核")
    secretary = harness.user(SECRETARY)
    await secretary.send("/review")
    listed = await secretary.expect("共 12 条")
    assert "第 1/2 页" in listed.text
    await secretary.press("✅ 本页 10 条全部通过", listed)
    left = await secretary.expect("已通过 10 条", kind="edit")
    assert "共 2 条" in left.text
    assert sum(e.review == "approved" for e in await entries(harness)) == 10


async def test_a_committee_member_named_reviewer_reviews_and_a_member_is_refused(harness: Harness) -> None:
    harness.at(local(3, 10))
    patrol = harness.user(PATROL)
    await patrol.send("/patrol 村口 | 30 | 无异常")
    await patrol.expect("巡逻已记录")
    liaison = harness.user(LIAISON)
    await liaison.send("/review")
    await liaison.expect("只有书记和书记指定的审核人")
    secretary = harness.user(SECRETARY)
    await secretary.send("/posts 审核人 李联络")
    await secretary.expect("不是支部委员")
    member = await harness.store.members.by_telegram_id(LIAISON)
    assert member is not None
    async with harness.store.db.transaction() as conn:  # made a committee member (支委) by the roster
        await conn.execute("INSERT INTO member_offices (member_id, office) VALUES (?, 'committee')", (member.id,))
    await secretary.send("/posts 审核人 李联络")
    await secretary.expect("已指定 李联络")
    await liaison.send("/review")
    await liaison.expect("赵巡逻")
    await liaison.press("✅ 1")
    await liaison.expect("已通过 1 条", kind="edit")
    await secretary.send("/posts 审核人 李联络")
    await secretary.expect("已取消")
    await liaison.send("/review")
    await liaison.expect("只有书记和书记指定的审核人")
    plain = harness.user(PLAIN)
    await plain.send("/posts 新增 飞行岗 | 1 | 1")
    await plain.expect("只有党组织书记")
    assert len(await harness.store.duty.posts.all()) == 6


async def test_bad_catalogue_input_gets_clear_answers(harness: Harness) -> None:
    secretary = harness.user(COMMUNITY_SECRETARY)
    cases = [
        ("/posts 新增 护河岗 | 很多分 | 2", "「很多分」不是积分规则"),
        ("/posts 新增 护河岗 | 2", "新增、修改岗位的一行写法"),
        ("/posts 新增 护河岗 | 2 | 三条", "每月最低要填 0 到 100"),
        ("/posts 新增 环境卫生岗 | 2 | 2", "已经有「环境卫生岗」这个岗位了"),
        ("/posts 修改 治安巡逻岗 | 3 | 4", "积分规则是固定的"),
        ("/posts 修改 飞行岗 | 3 | 4", "岗位目录里没有「飞行岗」"),
        ("/posts 审核人", "请写支委的姓名"),
    ]
    for text, answer in cases:
        await secretary.send(text)
        await secretary.expect(answer)
    await secretary.send("/posts 修改 治安巡逻岗 | - | 6")
    await secretary.expect("每月至少 6 条")
    await secretary.send("/posts 修改 环境卫生岗 | 每条3分 | 0")
    edited = await secretary.expect("已修改岗位「环境卫生岗」")
    assert "每条 3 分" in edited.text and "没有每月最低要求" in edited.text
    await secretary.send("/posts 钱调解 | 环境卫生岗；调解")  # a catalogue post given by name
    await secretary.expect("已更新")
    mediator = await harness.store.members.by_telegram_id(MEDIATOR)
    assert mediator is not None and mediator.posts == {"mediation", "环境卫生岗"}
    member = harness.user(MEDIATOR)
    await member.send("/log")
    choice = await member.expect("记录哪个岗位")
    assert set(choice.labels()) == {"矛盾调解岗", "环境卫生岗"}
    await member.press("矛盾调解岗")
    await member.expect("开始记录调解")  # /log keeps the mediation form
    await member.send("/log 治安巡逻岗")
    await member.expect("您没有「治安巡逻岗」这个岗位")


async def test_patrol_and_mediate_shortcuts_and_roster_names_still_work(harness: Harness) -> None:
    harness.at(local(3, 10))
    patrol = harness.user(PATROL)
    await patrol.send("/log")  # one post: straight to the patrol form
    await patrol.expect("开始记录巡逻")
    await patrol.send("/patrol 村口 | 60 | 无异常")
    saved = await patrol.expect("巡逻已记录")
    assert "得 2 分" in saved.text
    secretary = harness.user(SECRETARY)
    await secretary.send("/posts 赵巡逻 | 巡逻岗；关爱帮扶岗")
    await secretary.expect("已更新")
    shown = await harness.store.members.by_telegram_id(PATROL)
    assert shown is not None and shown.posts == {"patrol", "关爱帮扶岗"}
    await secretary.send("/posts 赵巡逻")
    buttons = await secretary.expect("点下面的按钮设岗或撤岗")
    await secretary.press("✅ 关爱帮扶岗", buttons)
    await secretary.expect("治安巡逻岗", kind="edit")
    after = await harness.store.members.by_telegram_id(PATROL)
    assert after is not None and after.posts == {"patrol"}


async def test_starting_an_account_drops_a_half_written_log(harness: Harness) -> None:
    harness.at(local(3, 26))
    member = harness.user(MEDIATOR)
    await member.send("/mediate")
    await member.expect("第 1 步")
    await member.send("/account")
    await member.expect("请写2026年第一季度的述职")
    await member.send("本季度调解两起邻里纠纷。")
    await member.expect("述职已收到")  # the account, not the mediation's parties
    assert await entries(harness) == []
    await member.send("/cancel")
    await member.expect("现在没有进行中的操作")  # the mediation begun before went with it


async def test_a_roster_post_the_catalogue_lacks_joins_it_when_used(harness: Harness) -> None:
    harness.at(local(3, 10))
    member = await harness.store.members.by_telegram_id(PLAIN)
    assert member is not None
    await harness.store.duty.set_posts(member.id, {"护林岗"})  # as a roster's 岗位 column gives it
    plain = harness.user(PLAIN)
    await plain.send("/log")
    await plain.expect("开始记录「护林岗」")
    for answer in ("巡山一圈", "120", "0"):
        await plain.send(answer)
    await plain.expect("第 2 步")
    await plain.expect("第 3 步")
    await plain.expect("照片")
    await plain.press("跳过")
    saved = await plain.expect("已记录「护林岗」", kind="message")
    assert "得 1 分" in saved.text  # a generic post: 1 point an entry until the secretary sets its rule
    secretary = harness.user(OTHER_SECRETARY)
    await secretary.send("/posts")
    shown = await secretary.expect("岗位目录")
    assert "护林岗：记做了什么、用时、服务人数；每条 1 分；没有每月最低要求" in shown.text


async def test_a_closed_post_takes_no_claims_until_opened_again(harness: Harness) -> None:
    secretary, plain = harness.user(COMMUNITY_SECRETARY), harness.user(PLAIN)
    await plain.send("/claim")
    old_menu = await plain.expect("想认领哪个岗位")
    await secretary.send("/posts 停用 文明劝导岗")
    await secretary.expect("「文明劝导岗」已停用")
    await secretary.send("/posts")
    assert "文明劝导岗</b>（已停用）" in (await secretary.expect("岗位目录")).html
    await plain.press("文明劝导岗", old_menu)
    await plain.expect("已停用，暂不接受认领")
    await plain.send("/claim")
    assert "文明劝导岗" not in (await plain.expect("想认领哪个岗位")).labels()
    await secretary.send("/posts 停用 文明劝导岗")
    await secretary.expect("已重新启用")
    await secretary.send("/posts 停用 飞行岗")
    await secretary.expect("岗位目录里没有「飞行岗」")


async def test_a_reviewer_never_sees_nor_approves_their_own_entries(harness: Harness) -> None:
    """Issue 30 item 2: a secretary who also holds a post reviews the others' entries; their own wait for
    another reviewer (the community's secretary), and a forged ✅ / ❌ on one is refused with nothing changed."""
    harness.at(local(3, 10))
    secretary_row = await harness.store.members.by_telegram_id(SECRETARY)
    assert secretary_row is not None
    await harness.store.duty.set_posts(secretary_row.id, {"patrol"})
    secretary, patrol = harness.user(SECRETARY), harness.user(PATROL)
    for person in (secretary, secretary, patrol):
        await person.send("/patrol 村口 | 30 | 无异常")
        await person.expect("巡逻已记录")
    mine_1, mine_2, theirs = [e.id for e in await entries(harness)]

    await secretary.send("/review")
    listed = await secretary.expect("待审核的履职记录")
    assert "赵巡逻" in listed.text and "王书记" not in listed.text and "共 1 条" in listed.text
    assert "您自己的 2 条记录不在这里" in listed.text
    assert f"✅ {mine_1}" not in listed.labels() and f"❌ {mine_1}" not in listed.labels()

    await secretary.press_data(DutyApprove(0, 1, mine_1).pack(), listed)  # forged: one of their own
    await secretary.expect("不能自己审核", kind="alert")
    await secretary.press_data(DutyReject(mine_2).pack(), listed)
    await secretary.expect("不能自己审核", kind="alert")
    await secretary.press_data(DutyApproveRange(0, mine_1, theirs).pack(), listed)  # a range over all three
    after = await secretary.expect("已通过 1 条", kind="edit")
    assert "王书记" not in after.text
    reviewed = {e.id: e.review for e in await entries(harness)}
    assert reviewed == {mine_1: "pending", mine_2: "pending", theirs: "approved"}

    community = harness.user(COMMUNITY_SECRETARY)  # another reviewer over 一村 takes them
    await community.send("/review")
    theirs_listed = await community.expect("待审核的履职记录")
    assert "王书记" in theirs_listed.text and "共 2 条" in theirs_listed.text
    await community.press(f"✅ {mine_1}", theirs_listed)
    await community.expect("已通过 1 条", kind="edit")
    assert (await harness.store.duty.get(mine_1)) is not None
    assert {e.id: e.review for e in await entries(harness)}[mine_1] == "approved"


async def test_a_named_reviewer_holding_a_post_does_not_see_their_own_entries(harness: Harness) -> None:
    harness.at(local(3, 10))
    liaison_row = await harness.store.members.by_telegram_id(LIAISON)
    assert liaison_row is not None
    async with harness.store.db.transaction() as conn:  # 支委 by the roster, and a post-holder
        await conn.execute("INSERT INTO member_offices (member_id, office) VALUES (?, 'committee')", (liaison_row.id,))
    await harness.store.duty.set_posts(liaison_row.id, {"patrol"})
    secretary, liaison = harness.user(SECRETARY), harness.user(LIAISON)
    await secretary.send("/posts 审核人 李联络")
    await secretary.expect("已指定 李联络")
    await liaison.send("/patrol 村口 | 30 | 无异常")
    await liaison.expect("巡逻已记录")
    [own] = [e.id for e in await entries(harness)]
    await liaison.send("/review")
    listed = await liaison.expect("没有待审核")
    assert "您自己的 1 条记录不在这里" in listed.text
    await liaison.press_data(DutyApprove(0, 1, own).pack(), listed)
    await liaison.expect("不能自己审核", kind="alert")
    await liaison.press_data(DutyApproveMonth(month_key(Month(2026, 3))).pack(), listed)
    await liaison.expect("已通过 0 条", kind="edit")
    assert [e.review for e in await entries(harness)] == ["pending"]
    await secretary.send("/review")
    await secretary.press(f"✅ {own}", await secretary.expect("李联络"))
    await secretary.expect("已通过 1 条", kind="edit")


async def test_the_catalogue_is_the_communitys_and_a_branch_chooses_its_posts(harness: Harness) -> None:
    """Issue 30 item 3: a branch secretary cannot change the scoring, minimums or open posts of every branch
    (told why, nothing changed); they choose which posts their branch uses, which only their members feel."""
    before = await harness.store.duty.posts.all()
    secretary = harness.user(OTHER_SECRETARY)
    for text in (
        "/posts 修改 治安巡逻岗 | - | 100",
        "/posts 修改 环境卫生岗 | 每条9分 | 9",
        "/posts 新增 飞行岗 | 1 | 1",
        "/posts 停用 文明劝导岗",
    ):
        await secretary.send(text)
        refused = await secretary.expect("岗位目录归社区党委统一管理")
        assert "/posts 不用" in refused.text
    assert await harness.store.duty.posts.all() == before
    await secretary.send("/posts")
    shown = await secretary.expect("岗位目录")
    assert "/posts 不用" in shown.text and "/posts 新增" not in shown.text

    plain, mediator = harness.user(PLAIN), harness.user(MEDIATOR)
    await plain.send("/claim")
    old_menu = await plain.expect("想认领哪个岗位")
    await secretary.send("/posts 不用 文明劝导岗")
    await secretary.expect("二村党支部不用「文明劝导岗」了")
    await secretary.send("/posts 不用 文明劝导岗")
    await secretary.expect("本来就没有用")
    await secretary.send("/posts")
    assert "文明劝导岗</b>（本支部不用）" in (await secretary.expect("岗位目录")).html
    await plain.press("文明劝导岗", old_menu)  # a menu from before: refused, no claim
    await plain.expect("本支部没有选用「文明劝导岗」")
    assert await harness.store.db.fetchall("SELECT * FROM post_claims") == []
    await plain.send("/claim")
    assert "文明劝导岗" not in (await plain.expect("想认领哪个岗位")).labels()
    await mediator.send("/claim")  # 一村 still uses it
    assert "文明劝导岗" in (await mediator.expect("想认领哪个岗位")).labels()
    await secretary.send("/posts 周普通 | 文明劝导岗")
    await secretary.expect("二村党支部没有选用「文明劝导岗」")
    await secretary.send("/posts 周普通")
    assert "文明劝导岗" not in " ".join((await secretary.expect("点下面的按钮")).labels())
    member = await harness.store.members.by_telegram_id(PLAIN)
    assert member is not None and member.posts == frozenset()
    await secretary.send("/posts 选用 文明劝导岗")
    await secretary.expect("二村党支部选用「文明劝导岗」")
    await plain.send("/claim")
    assert "文明劝导岗" in (await plain.expect("想认领哪个岗位")).labels()

    community = harness.user(COMMUNITY_SECRETARY)  # the community's secretary keeps the catalogue
    await community.send("/posts 修改 治安巡逻岗 | - | 5")
    await community.expect("每月至少 5 条")
    await community.send("/posts")
    assert "/posts 新增" in (await community.expect("岗位目录")).text


async def test_a_branch_secretary_in_english_is_told_whose_catalogue_it_is(harness: Harness) -> None:
    secretary = harness.user(SECRETARY, lang="en")
    await secretary.send("/lang en")
    await secretary.expect("English")
    await secretary.send("/posts edit 治安巡逻岗 | - | 100")
    refused = await secretary.expect("belongs to the community")
    assert "/posts skip 治安巡逻岗" in refused.text
    assert next(p for p in await harness.store.duty.posts.all() if p.key == "patrol").minimum == 4
    await secretary.send("/posts skip 关爱帮扶岗")
    await secretary.expect("no longer uses")


def menu_of(harness: Harness, telegram_id: int | None = None) -> list[str]:
    """The commands of a person's own menu (None: the default menu of private chats)."""
    scope = {"type": "chat", "chat_id": telegram_id} if telegram_id else {"type": "all_private_chats"}
    return [c["command"] for c in harness.emu.commands.get((json.dumps(scope, sort_keys=True), ""), [])]


async def test_review_is_in_the_menus_and_help_of_reviewers_only(harness: Harness) -> None:
    """Issue 30 item 10: /review is listed (menu and /help) for secretaries and named reviewers only; naming or
    unnaming a reviewer changes their menu the next time they write."""
    await until(lambda: bool(menu_of(harness)))
    assert "review" not in menu_of(harness) and "help" in menu_of(harness)
    await hello(harness, SECRETARY, LIAISON, PLAIN)
    await until(lambda: "review" in menu_of(harness, SECRETARY))
    plain, liaison = harness.user(PLAIN), harness.user(LIAISON)
    await plain.send("/help")
    assert "/review" not in (await plain.expect("/status")).text
    await liaison.send("/help")
    assert "/review" not in (await liaison.expect("/contact")).text
    assert "contact" in menu_of(harness, LIAISON) and "review" not in menu_of(harness, LIAISON)
    member = await harness.store.members.by_telegram_id(LIAISON)
    assert member is not None
    async with harness.store.db.transaction() as conn:  # 支委 by the roster
        await conn.execute("INSERT INTO member_offices (member_id, office) VALUES (?, 'committee')", (member.id,))
    secretary = harness.user(SECRETARY)
    await secretary.send("/posts 审核人 李联络")
    await secretary.expect("已指定 李联络")
    await liaison.send("/help")
    assert "/review" in (await liaison.expect("/contact")).text
    await until(lambda: "review" in menu_of(harness, LIAISON))
    await secretary.send("/posts 审核人 李联络")
    await secretary.expect("已取消")
    await liaison.send("/review")
    await liaison.expect("只有书记和书记指定的审核人")
    await until(lambda: "review" not in menu_of(harness, LIAISON) and "contact" in menu_of(harness, LIAISON))
    await plain.send("/review")
    await plain.expect("只有书记和书记指定的审核人")
    assert menu_of(harness, PLAIN) == []  # the default menu is theirs
