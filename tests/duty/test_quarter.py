"""Quarterly 述职 and 公示 (issue 17): the prompt to each post-holder once a quarter (also after a restart), the
account as text or voice, the secretary's list with the quarter's approved figures, the panel's rating, and
the 公示 previewed and posted to the bound group; all of it in the export."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services import registry as core
from bot.services.duty.buttons import DutyAccountWrite
from bot.services.exports.export import export_files
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import (
    LIAISON,
    MEDIATOR,
    MIGRANT,
    OTHER_SECRETARY,
    PATROL,
    PLAIN,
    SECRETARY,
    SMALL_ROSTER,
    Harness,
    load_roster,
)

TZ = ZoneInfo("Asia/Shanghai")
GROUP = -100777


def local(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


async def account_keys(store: Store) -> list[str]:
    rows = await store.db.fetchall("SELECT key FROM outbox WHERE key LIKE 'duty:account:%' ORDER BY key")
    return [str(r[0]) for r in rows]


async def link(store: Store, *telegram_ids: int) -> None:
    for telegram_id in telegram_ids:
        member = await store.members.by_telegram_id(telegram_id)
        assert member is not None
        await store.members.link(member.id, telegram_id)


async def test_the_prompt_goes_to_each_post_holder_once_also_after_a_restart(
    tmp_path: Path, settings: Settings
) -> None:
    first = await open_store(tmp_path / "q.sqlite3")
    try:
        await load_roster(first, SMALL_ROSTER)
        await link(first, PATROL, MEDIATOR, PLAIN)
        assert await core.sweep(first, settings, local(3, 24)) == 0  # before the 25th: nothing yet
        await core.sweep(first, settings, local(3, 25, 9))
        patrol, mediator = [await first.members.by_telegram_id(t) for t in (PATROL, MEDIATOR)]
        assert patrol is not None and mediator is not None
        assert await account_keys(first) == sorted(
            [f"duty:account:2026Q1:{patrol.id}", f"duty:account:2026Q1:{mediator.id}"]
        )
        await core.sweep(first, settings, local(3, 28))
        assert len(await account_keys(first)) == 2
    finally:
        await first.close()
    second = await open_store(tmp_path / "q.sqlite3")
    try:
        await core.sweep(second, settings, local(4, 2))
        assert len(await account_keys(second)) == 2  # asked once, whatever restarts in between
        await core.sweep(second, settings, local(5, 5))  # the first quarter's window closed
        assert len(await account_keys(second)) == 2
        await core.sweep(second, settings, local(6, 25, 9))
        assert len(await account_keys(second)) == 4  # the second quarter's
    finally:
        await second.close()


async def test_the_account_by_voice_or_text_the_list_the_rating_and_the_publicity(harness: Harness) -> None:
    harness.at(local(3, 10))
    patrol, mediator = harness.user(PATROL), harness.user(MEDIATOR)
    for person in (patrol, mediator):
        await person.send("/start")
        await person.next_message()
    for _ in range(3):
        await patrol.send("/patrol 村口 | 60 | 无异常")
        await patrol.expect("巡逻已记录")
    await mediator.send("/mediate 张家、李家 | 邻里 | 已化解 | 清理杂物")
    await mediator.expect("调解已记录")
    secretary = harness.user(SECRETARY)
    await secretary.send("/review 2026-03")
    listed = await secretary.expect("待审核的履职记录")
    await secretary.press("✅ 2026年3月全部通过（4 条）", listed)
    await secretary.expect("已通过 4 条", kind="edit")

    harness.at(local(3, 26, 9))
    await harness.sweep()
    await harness.settle()
    prompt = await patrol.expect("2026年第一季度就要结束了")
    await patrol.press("写述职", prompt)
    await patrol.expect("请写2026年第一季度的述职")
    await patrol.send_sticker()
    await patrol.expect("要打字回复")
    await patrol.expect("请写2026年第一季度的述职")
    await patrol.send("本季度巡逻三次，发现路灯损坏一处已报修。下季度争取每周巡逻一次。")
    await patrol.expect("述职已收到")
    await mediator.expect("就要结束了")
    await mediator.send("/account")
    await mediator.expect("请写2026年第一季度的述职")
    await mediator.send_voice()
    await mediator.expect("述职已收到")
    await harness.sweep()  # asked once only
    await harness.nothing_more(patrol)

    harness.at(local(4, 3))
    await secretary.send("/accounts")
    accounts = await secretary.expect("2026年第一季度设岗定责述职", skipping=("思想汇报",))
    assert "已交述职 2 人" in accounts.text
    assert accounts.text.index("赵巡逻") < accounts.text.index("钱调解")  # 6 points before 3
    assert "路灯损坏" in accounts.text and "（语音）" in accounts.text and "评定：未评定" in accounts.text
    await secretary.send("/rate 赵巡逻 | 很好")
    await secretary.expect("不是评定等次")
    await secretary.send("/rate 赵巡逻 | 优秀 | 2026Q5")
    await secretary.expect("不是季度")
    await secretary.send("/rate 周普通 | 优秀")
    await secretary.expect("没有找到")
    await secretary.send("/rate 赵巡逻 | 优秀")
    await secretary.expect("2026年第一季度述职的评定：优秀")
    await secretary.send("/rate 钱调解 | 称职 | 2026Q1")
    await secretary.expect("评定：称职")
    other = harness.user(OTHER_SECRETARY)
    await other.send("/rate 赵巡逻 | 不称职")
    await other.expect("没有找到")

    await secretary.send("/publicity 岗位")
    unbound = await secretary.expect("公示预览")
    assert "还没有绑定群" in unbound.text and not unbound.buttons
    group = harness.emu.add_group(GROUP, "一村党员群")
    group.add_member(secretary, admin=True)
    await secretary.send("/bindgroup", chat=group)
    await group.expect("绑定")
    await secretary.send("/publicity 2026Q1")
    preview = await secretary.expect("公示预览")
    assert "1. 赵巡逻（治安巡逻岗）审核通过积分 6 分，评定：优秀" in preview.text
    assert "2. 钱调解（矛盾调解岗）审核通过积分 3 分，评定：称职" in preview.text
    await harness.nothing_more(group)  # nothing goes to the group before it is posted
    publish = preview.button("发布到群").callback_data
    assert publish is not None
    await secretary.press("发布到群", preview)
    await secretary.expect("公示已发布", kind="message")
    await harness.settle()
    posted = await group.expect("设岗定责公示")
    assert "赵巡逻" in posted.text and "优秀" in posted.text and "公示期：" in posted.text and "个工作日" in posted.text
    await secretary.press_data(publish, preview)  # pressed again (a second phone): posted once only
    await secretary.expect("已经发布过了", kind="alert")
    await harness.nothing_more(group)

    files = await export_files(harness.store)
    rows = list(csv.DictReader(io.StringIO(files["duty_accounts.csv"].decode("utf-8-sig"))))
    by_name = {r["member"]: r for r in rows}
    assert by_name["赵巡逻"]["rating"] == "excellent" and "路灯损坏" in by_name["赵巡逻"]["account"]
    assert by_name["钱调解"]["voice_file_id"] and by_name["钱调解"]["rating"] == "competent"
    [publicity] = list(csv.DictReader(io.StringIO(files["publicity_items.csv"].decode("utf-8-sig"))))
    assert publicity["source"] == "posts:2026Q1" and "赵巡逻" in publicity["text"] and publicity["kind"] == "posts"
    logs = list(csv.DictReader(io.StringIO(files["duty_logs.csv"].decode("utf-8-sig"))))
    assert {r["review"] for r in logs} == {"approved"} and logs[0]["post_name"] == "治安巡逻岗"
    posts = list(csv.DictReader(io.StringIO(files["posts.csv"].decode("utf-8-sig"))))
    assert [p["name"] for p in posts][:2] == ["治安巡逻岗", "矛盾调解岗"]


async def test_members_without_the_right_get_refusals(harness: Harness) -> None:
    plain = harness.user(PLAIN)
    for command, who in (
        ("/accounts", "只有支委会成员"),
        ("/rate 赵巡逻 | 优秀", "只有支委会成员"),
        ("/publicity", "只有党组织书记"),
        ("/account", "/account 只有"),
        ("/log", "/log 只有"),
    ):
        await plain.send(command)
        await plain.expect(who)
    await plain.press_data("duty:pub:1")
    await plain.expect("失效", kind="alert")


async def test_an_account_only_for_an_open_quarter_and_frozen_once_rated(harness: Harness) -> None:
    """Issue 30 item 9: a (forged) 写述职 for a quarter other than the current or the previous one is refused,
    and an account that was rated cannot be replaced, also when it was asked for before the rating."""
    harness.at(local(4, 3))
    patrol, secretary = harness.user(PATROL), harness.user(SECRETARY)
    await patrol.send("/start")
    greeting = await patrol.next_message()
    await patrol.press_data(DutyAccountWrite(20254).pack(), greeting)  # 2025Q4: two quarters ago
    await patrol.expect("现在不能写2025年第四季度的述职")
    await patrol.press_data(DutyAccountWrite(20263).pack(), greeting)  # 2026Q3: not begun
    await patrol.expect("现在不能写2026年第三季度的述职")
    assert await harness.store.db.fetchall("SELECT * FROM post_accounts") == []
    await patrol.press_data(DutyAccountWrite(20262).pack(), greeting)  # the current quarter: fine
    await patrol.expect("请写2026年第二季度的述职")
    await patrol.send("/cancel")
    await patrol.expect("已取消")

    await patrol.send("/account")  # 2026Q1, under review until a month after it
    await patrol.expect("请写2026年第一季度的述职")
    await patrol.send("本季度巡逻十二次。")
    await patrol.expect("述职已收到")
    await patrol.send("/account")
    await patrol.expect("请写2026年第一季度的述职")  # asked before the rating, sent after it
    await secretary.send("/rate 赵巡逻 | 称职 | 2026Q1")
    await secretary.expect("评定")
    await patrol.send("改一下：本季度巡逻二十次。")
    await patrol.expect("已经评定了，不能再改")
    await patrol.send("/account")
    await patrol.expect("已经评定了，不能再改")
    [row] = await harness.store.db.fetchall("SELECT quarter, text FROM post_accounts")
    assert tuple(row) == ("2026Q1", "本季度巡逻十二次。")


async def _member_id(store: Store, telegram_id: int) -> int:
    member = await store.members.by_telegram_id(telegram_id)
    assert member is not None
    return member.id


async def test_the_committee_rates_each_rating_is_kept_and_the_majority_decides(harness: Harness) -> None:
    """Issue 30 item 10: every member of the 支委会 rates (not the secretary alone), who rated what is kept, the
    outcome is the rating more than half of the committee gave; a member who is ill or in hardship care is
    flagged where they are rated."""
    harness.at(local(4, 3))
    store = harness.store
    async with store.db.transaction() as conn:  # 一村's committee: 王书记, 李联络 and 张流动 (支委 by the roster)
        for telegram_id in (LIAISON, MIGRANT):
            await conn.execute(
                "INSERT INTO member_offices (member_id, office) VALUES (?, 'committee')",
                (await _member_id(store, telegram_id),),
            )
    patrol_id, mediator_id = await _member_id(store, PATROL), await _member_id(store, MEDIATOR)
    await store.reports.add_status(patrol_id, "ill", None, "住院", local(4, 1))
    await store.care.open_case(mediator_id, "secretary", "家里困难", None, None, local(4, 1), local(4, 1).date())
    secretary, liaison, migrant = harness.user(SECRETARY), harness.user(LIAISON), harness.user(MIGRANT)

    await liaison.send("/accounts")  # a 支委 sees their branch's accounts, to rate them
    listed = await liaison.expect("2026年第一季度设岗定责述职")
    assert "赵巡逻</b> ⚠️生病" in listed.html and "钱调解</b> ⚠️困难帮扶中" in listed.html
    assert "标 ⚠️ 的党员正在生病" in listed.text

    await secretary.send("/rate 赵巡逻 | 称职")
    first = await secretary.expect("已记录您对 赵巡逻 ⚠️生病 2026年第一季度述职的评定：称职")
    assert "评定中：支委会 3 人已评 1 人（王书记 称职），2 人意见一致才定等次" in first.text
    await liaison.send("/rate 赵巡逻 | 优秀")
    split = await liaison.expect("评定中")
    assert "已评 2 人（王书记 称职 李联络 优秀）" in split.text  # one each: no majority yet
    await migrant.send("/rate 赵巡逻 | 称职")
    decided = await migrant.expect("支委会评定：称职（王书记 称职 李联络 优秀 张流动 称职）")
    assert decided.text
    await liaison.send("/rate 赵巡逻 | 称职")  # changes their own rating: replaced, not added
    await liaison.expect("支委会评定：称职（王书记 称职 李联络 称职 张流动 称职）")
    rows = await store.db.fetchall("SELECT rater_id, rating FROM post_ratings WHERE member_id = ?", (patrol_id,))
    assert sorted(tuple(r) for r in rows) == sorted(
        [
            (await _member_id(store, SECRETARY), "competent"),
            (await _member_id(store, LIAISON), "competent"),
            (await _member_id(store, MIGRANT), "competent"),
        ]
    )
    await secretary.send("/accounts")
    assert "评定：称职（王书记 称职" in (await secretary.expect("设岗定责述职")).text

    plain, other = harness.user(PLAIN), harness.user(OTHER_SECRETARY)
    await plain.send("/rate 赵巡逻 | 优秀")
    await plain.expect("只有支委会成员")
    await other.send("/rate 赵巡逻 | 不称职")  # another branch's secretary: not on 一村's committee
    await other.expect("在本支部没有找到叫「赵巡逻」的设岗党员")
    await store.duty.set_posts(await _member_id(store, LIAISON), {"patrol"})
    await liaison.send("/rate 李联络 | 优秀")
    await liaison.expect("不能给自己的述职评定")
    await secretary.send("/rate 李联络 | 优秀")  # the panel of 李联络 is the two others: one is not a majority
    await secretary.expect("评定中：支委会 2 人已评 1 人")
    files = await export_files(store)
    rows_out = list(csv.DictReader(io.StringIO(files["duty_accounts.csv"].decode("utf-8-sig"))))
    by_name = {r["member"]: r for r in rows_out}
    assert by_name["赵巡逻"]["rating"] == "competent"
    raters = sorted(by_name["赵巡逻"]["ratings"].split(";"))
    assert raters == ["张流动:competent", "李联络:competent", "王书记:competent"]
    assert by_name["李联络"]["rating"] == "" and by_name["李联络"]["ratings"] == "王书记:excellent"
