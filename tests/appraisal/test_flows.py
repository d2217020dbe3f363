"""The branch's year through the emulator (issue 26): talks counted by pair and nudged from October; a secret
民主测评 (a second vote and a self-vote refused, nothing in the database or a group ties a voter to a grade);
the 评定 with its 限期改正; a 整改 item reminded until closed; 对照检查材料 reminded once; a pledge with 践诺
and 评诺."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.appraisal.buttons import Ballot
from bot.services.appraisal.rules import Grade
from tests.support.harness import LIAISON, MEDIATOR, MIGRANT, PATROL, SECRETARY, STRANGER, Harness

TZ = ZoneInfo("Asia/Shanghai")


async def link(harness: Harness, *ids: int) -> None:
    for telegram_id in ids:
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()


async def swept(harness: Harness, *prefixes: str) -> int:
    """Sweep; how many messages of these key prefixes it queued or put in a digest (other capabilities'
    reminders left aside)."""
    where = " OR ".join("key LIKE ?" for _ in prefixes)
    sql = f"SELECT (SELECT count(*) FROM outbox WHERE {where}) + (SELECT count(*) FROM digest_items WHERE {where})"
    params = tuple(f"{p}%" for p in prefixes) * 2
    before = await harness.store.db.fetchone(sql, params)
    await harness.sweep()
    after = await harness.store.db.fetchone(sql, params)
    assert before is not None and after is not None
    return int(after[0]) - int(before[0])


async def member_id(harness: Harness, telegram_id: int) -> int:
    member = await harness.store.members.by_telegram_id(telegram_id)
    assert member is not None
    return member.id


async def test_talks_are_counted_by_pair_and_nudged_from_october(harness: Harness) -> None:
    harness.at(datetime(2026, 9, 30, 10, 0, tzinfo=TZ))
    await link(harness, LIAISON, PATROL)
    liaison = harness.user(LIAISON)
    await liaison.send("/talk 王书记 | 2026-03-05 | 谈了村里修路的意见 | 家里老人身体不好")
    await liaison.expect("已登记")
    await liaison.send("/talk 王书记 | 2026-10-05 | 还没到的日子")
    await liaison.expect("日期「2026-10-05」不对")
    await liaison.send("/talk 李联络 | 2026-03-05 | 自己")
    await liaison.expect("不能登记和自己谈")
    await liaison.send("/talk 孙书记 | 2026-03-05 | 别的支部")
    await liaison.expect("没有找到「孙书记」")
    await liaison.send("/talk 王书记")
    await liaison.expect("请这样写")
    secretary = harness.user(SECRETARY)
    await secretary.send("/talks")
    seen = await secretary.expect("已谈 1 对")
    assert "该谈的 5 对" in seen.text and "还差 4 对" in seen.text and "家里老人身体不好" in seen.text
    # another member sees neither the talk nor its private note
    patrol = harness.user(PATROL)
    await patrol.send("/talks")
    mine = await patrol.expect("谈心谈话")
    assert "家里老人身体不好" not in mine.text and "修路" not in mine.text and "王书记 与 赵巡逻" in mine.text
    harness.user(STRANGER).drain()
    # September: no nudge; 1 October: one, once a month
    assert await swept(harness, "talks:missing:") == 0
    harness.at(datetime(2026, 10, 1, 10, 0, tzinfo=TZ))
    assert await swept(harness, "talks:missing:") == 1
    nudge = await secretary.expect("谈心谈话还没谈完", skipping=("9月30日",))
    assert "一村党支部：还差 4 对" in nudge.text
    assert await swept(harness, "talks:missing:") == 0


async def test_a_secret_ballot_counted_once_never_on_oneself(harness: Harness) -> None:
    harness.at(datetime(2026, 12, 1, 10, 0, tzinfo=TZ))
    await link(harness, LIAISON, PATROL, MEDIATOR)
    patrol = harness.user(PATROL)
    await patrol.send("/appraisal 测评")
    await patrol.expect("还没有开始")
    await patrol.send("/appraisal 开始 2026-12-01 2026-12-20")
    await patrol.expect("要由支部书记")
    secretary = harness.user(SECRETARY)
    await secretary.send("/appraisal 开始 2026-11-01 2026-12-20")
    await secretary.expect("请这样写")
    await secretary.send("/appraisal 开始 2026-12-01 2026-12-20")
    assert "12月1日（周二） 至 12月20日（周日）" in (await secretary.expect("已开始")).text
    assert "时间：12月1日（周二） 至 12月20日（周日）" in (await patrol.expect("民主评议党员")).text
    await patrol.send("/appraisal 自评 今年巡逻从不缺勤，学习还不够")
    await patrol.expect("自评已收到")
    await patrol.send("/appraisal 测评")
    ballot = await patrol.expect("民主测评")
    assert "王书记" in ballot.text and ballot.buttons
    await patrol.press("优秀", ballot)
    counted = await patrol.next_message(kind=("alert",))
    assert "已投" in counted.text
    second = await patrol.expect("民主测评")
    assert "李联络" in second.text
    # the first ballot pressed again: refused, nothing counted
    await patrol.press("不合格", ballot)
    again = await patrol.next_message(kind=("alert",))
    assert "投过票了" in again.text
    appraisal = await harness.store.appraisal.appraisal(await _unit(harness), 2026)
    assert appraisal is not None
    me = await member_id(harness, PATROL)
    await patrol.press_data(Ballot(appraisal.id, me, Grade.EXCELLENT).pack())
    refused = await patrol.next_message(kind=("alert",))
    assert "不能给自己投票" in refused.text
    await patrol.press_data("apr:vote:1:2:evil")
    stale = await patrol.next_message(kind=("alert",))
    assert "失效" in stale.text
    tallies = await harness.store.appraisal.tallies(appraisal.id)
    assert tallies == {await member_id(harness, SECRETARY): {"excellent": 1}}
    # the database cannot tell who voted how: no table holds a voter beside a grade
    for (table,) in await harness.store.db.fetchall_tuples("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = {r[1] for r in await harness.store.db.fetchall_tuples(f"PRAGMA table_info({table})")}
        assert not ("voter_id" in columns and "grade" in columns), table
    tally_columns = {r[1] for r in await harness.store.db.fetchall_tuples("PRAGMA table_info(appraisal_tally)")}
    assert tally_columns == {"appraisal_id", "subject_id", "grade", "votes"}
    assert "excellent" not in str(await harness.store.db.fetchall_tuples("SELECT * FROM appraisal_voted"))
    outbox = await harness.store.db.fetchall_tuples("SELECT key, text FROM outbox")
    assert not any("优秀" in str(r) for r in outbox)
    # the secretary sees the count of one ballot only as a count
    await secretary.send("/appraisal")
    overview = await secretary.expect("民主评议党员")
    assert "满 3 票才显示票数" in overview.text and "优秀 1" not in overview.text


async def test_ballots_never_go_to_a_group(harness: Harness) -> None:
    harness.at(datetime(2026, 12, 1, 10, 0, tzinfo=TZ))
    await link(harness, PATROL)
    group = harness.emu.add_group(-100777, "一村党支部群")
    patrol = harness.user(PATROL)
    group.add_member(patrol)
    await harness.user(SECRETARY).send("/appraisal 开始 2026-12-01 2026-12-20")
    await harness.user(SECRETARY).expect("已开始")
    await patrol.expect("民主评议党员")
    await patrol.send("/appraisal 测评", chat=group)
    answer = await group.expect("私聊")
    assert not any("apr:" in (b.callback_data or "") for row in (answer.buttons or []) for b in row)
    assert all("民主测评" not in m.text for m in harness.emu.chat_messages(group.chat_id))


async def test_the_rating_with_a_correction_and_its_follow_up(harness: Harness) -> None:
    harness.at(datetime(2026, 12, 1, 10, 0, tzinfo=TZ))
    await link(harness, PATROL)
    secretary = harness.user(SECRETARY)
    await secretary.send("/appraisal 开始 2026-12-01 2026-12-20")
    await secretary.expect("已开始")
    await secretary.send("/appraisal 评定 赵巡逻 | 不合格")
    await secretary.expect("要写限期改正的日期")
    await secretary.send("/appraisal 评定 赵巡逻 | 很差 | 2027-03-31")
    await secretary.expect("等次「很差」不对")
    await secretary.send("/appraisal 评定 赵巡逻 | 不合格 | 2027-03-31")
    await secretary.expect("限期2027年3月31日（周三）前改正")
    await harness.user(PATROL).expect("评定您为：不合格", skipping=("民主评议党员",))
    harness.at(datetime(2027, 3, 30, 10, 0, tzinfo=TZ))
    assert await swept(harness, "appraisal:correct:") == 0
    harness.at(datetime(2027, 3, 31, 10, 0, tzinfo=TZ))
    assert await swept(harness, "appraisal:correct:") == 1
    due = await secretary.expect("限期改正到期", skipping=("3月30日", "承诺", "述职", "三会一课", "台账", "谈心谈话"))
    assert "赵巡逻：3月31日（周三）" in due.text


async def test_an_item_is_reminded_until_closed_and_material_once(harness: Harness) -> None:
    harness.at(datetime(2026, 6, 1, 10, 0, tzinfo=TZ))
    await link(harness, LIAISON, MIGRANT)
    secretary, liaison = harness.user(SECRETARY), harness.user(LIAISON)
    await liaison.send("/rectify 学习少 | 多学 | 李联络 | 2026-06-30")
    await liaison.expect("由书记登记")
    await secretary.send("/rectify 学习少 | 多学 | 李联络 | 2026-05-30")
    await secretary.expect("日期「2026-05-30」不对")
    await secretary.send("/rectify 党员学习不经常 | 每月集中学习 | 李联络 | 2026-06-30")
    added = await secretary.expect("已登记整改事项")
    assert "6月30日（周二）" in added.text and "2026-06-30" not in added.text  # the day in words, as said
    assert "6月30日（周二）" in (await liaison.expect("整改事项")).text
    number = added.text.split("#")[1].split("，")[0]
    for day, expected in ((26, 0), (27, 1), (28, 0), (30, 1)):
        harness.at(datetime(2026, 6, day, 10, 0, tzinfo=TZ))
        assert await swept(harness, "rectify:") == expected, day
    harness.at(datetime(2026, 7, 7, 10, 0, tzinfo=TZ))
    assert await swept(harness, "rectify:") == 1
    await harness.user(MIGRANT).send(f"/rectify 销号 {number} | 不是我的")
    await harness.user(MIGRANT).expect("没有找到您能销号")
    await liaison.send(f"/rectify 销号 {number} | 已建立每月集中学习制度")
    await liaison.expect("已销号", skipping=("待办汇总", "整改事项"))
    harness.at(datetime(2026, 7, 14, 10, 0, tzinfo=TZ))
    assert await swept(harness, "rectify:") == 0
    # 对照检查材料: asked, reminded once before the deadline, not once handed in
    await secretary.send("/rectify 材料截止 2026-07-20")
    assert "7月20日（周一）前交" in (await secretary.expect("已定", skipping=("待办汇总",))).text
    harness.at(datetime(2026, 7, 17, 10, 0, tzinfo=TZ))
    assert await swept(harness, "rectify:material:") == 3  # the linked: 王书记, 李联络, 张流动
    await harness.user(MIGRANT).send("/rectify 材料 学习不够经常，今后每月学两次")
    await harness.user(MIGRANT).expect("已收到", skipping=("思想汇报", "整改事项", "对照检查材料"))
    harness.at(datetime(2026, 7, 18, 10, 0, tzinfo=TZ))
    assert await swept(harness, "rectify:material:") == 0


async def test_a_pledge_with_its_progress_and_review(harness: Harness) -> None:
    harness.at(datetime(2027, 1, 5, 10, 0, tzinfo=TZ))
    await link(harness, PATROL)
    patrol, secretary = harness.user(PATROL), harness.user(SECRETARY)
    assert await swept(harness, "pledge:ask:") == 1
    await patrol.expect("党员承诺", skipping=("述职", "三会一课"))
    await patrol.send("/pledge 践诺 巡逻")
    await patrol.expect("还没有写承诺")
    await patrol.send("/pledge 每月参加两次治安巡逻")
    await patrol.expect("承诺已记下")
    await patrol.send("/pledge 践诺 上半年巡逻 12 次")
    await patrol.expect("第 1 次")
    await secretary.send("/pledge 评诺 赵巡逻 | 很好")
    await secretary.expect("等次「很好」不对")
    await secretary.send("/pledge 评诺 赵巡逻 | 好 | 从不缺勤")
    await secretary.expect("评为「好」")
    await patrol.send("/pledge 改一下")
    await patrol.expect("已经评诺")
    await secretary.send("/pledge")
    listed = await secretary.expect("党员承诺")
    assert "每月参加两次治安巡逻" in listed.text and "践诺 1 次" in listed.text and "李联络" in listed.text


async def _unit(harness: Harness) -> int:
    member = await harness.store.members.by_telegram_id(SECRETARY)
    assert member is not None
    return member.unit_id
