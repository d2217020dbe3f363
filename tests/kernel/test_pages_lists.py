"""Long lists as pages, through the emulator (issue 11): with 10 000 members in a branch, `/members`,
`/reports`, `/dutyreport` and `/attendance` each answer with ONE message — the counts and 40 entries —
whose ◀ ▶ and filter buttons edit that message; `/reports` has read buttons for the page's reports only.
Forged or foreign page buttons change nothing and are answered like expired ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.emulator import BotMessage, EmuUser
from tests.support import bulk
from tests.support.harness import COMMUNITY_SECRETARY, OTHER_SECRETARY, PLAIN, SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, tzinfo=TZ)
REPORT = "本月在外务工期间，我认真学习了党的二十大精神，按时参加线上组织生活，遵守纪律。"
WAIT = 30.0  # a loaded machine runs several suites at once


def entries(message: BotMessage, marker: str) -> list[str]:
    return [line for line in message.text.splitlines() if marker in line]


def labels(message: BotMessage) -> list[str]:
    return message.labels()


async def answered_once(harness: Harness, user: EmuUser, first: BotMessage) -> None:
    """Nothing but the one message: no second part, no storm."""
    await harness.nothing_more(user)
    assert first.kind == "message"


@pytest.mark.slow
async def test_members_of_a_branch_of_10000(harness: Harness) -> None:
    harness.at(T0)
    big = await bulk.big_branch(harness.store, 10_000)
    await bulk.statuses(harness.store, [(m, "away_work", "广东东莞") for m in big.ids[::3]], T0)
    secretary = harness.user(SECRETARY)
    await secretary.send("/members")
    first = await secretary.expect("共 10006 人", timeout=WAIT)
    await answered_once(harness, secretary, first)
    assert "其中未绑定 7505 人" in first.text  # a quarter of the 10 000 linked, and 王书记 by writing
    shown = entries(first, " · ")
    assert len(shown) == 40 and shown[0].startswith("党员00001 · ")
    assert "第 1/251 页" in first.text and "请用 /export 导出" in first.text
    assert {"✔ 全部 10006", "未绑定 7505", "外出 3334", "一组 5005", "下一页 ▶"} <= set(labels(first))

    await secretary.press("下一页")
    second = await secretary.expect("第 2/251 页", kind="edit", timeout=WAIT)
    assert second.message_id == first.message_id
    assert len(entries(second, " · ")) == 40 and not set(entries(second, " · ")) & set(shown)
    assert "◀ 上一页" in labels(second)

    await secretary.press("未绑定")
    unlinked = await secretary.expect("现在只看：未绑定，7505 人", kind="edit", timeout=WAIT)
    assert "第 1/188 页" in unlinked.text
    rows = entries(unlinked, " · ")
    assert len(rows) == 40 and all(" · 未绑定" in row for row in rows)

    await secretary.press("一组")  # the filter stays on
    group = await secretary.expect("一村党支部 一组 党员名册：共 5005 人", kind="edit", timeout=WAIT)
    rows = entries(group, " · ")
    assert len(rows) == 40 and all("（一组）" in row and " · 未绑定" in row for row in rows)
    await secretary.press("⬆ 一村党支部")
    back = await secretary.expect("一村党支部 党员名册：共 10006 人", kind="edit", timeout=WAIT)
    assert back.message_id == first.message_id
    await harness.nothing_more(secretary)


@pytest.mark.slow
async def test_reports_of_10000_mobile_members_with_read_buttons_for_the_page_only(harness: Harness) -> None:
    harness.at(T0)
    big = await bulk.big_branch(harness.store, 10_000, category="migrant", cadence="monthly", since="2025-01-01")
    await bulk.thought_reports(harness.store, big.ids[::5], "2026-10", REPORT, T0 - timedelta(days=20))
    secretary = harness.user(SECRETARY)
    await secretary.send("/reports 2026-10")
    first = await secretary.expect("已交 2000 人，未到期未交 0 人，逾期未交 8001 人", timeout=WAIT)
    await answered_once(harness, secretary, first)
    assert len(entries(first, "❌ ")) == 40 and "第 1/251 页" in first.text
    assert not any(label.startswith("查看") for label in labels(first))  # nobody on this page handed it in

    await secretary.press("已交")
    submitted = await secretary.expect("现在只看：已交，2000 人", kind="edit", timeout=WAIT)
    names = [line.split("✅ ")[1].split("（")[0] for line in entries(submitted, "✅ ")]
    assert len(names) == 40 and names[0] == bulk.name(0)
    assert [label for label in labels(submitted) if label.startswith("查看")] == [f"查看 {n}" for n in names]

    await secretary.press("下一页")
    page2 = await secretary.expect("第 2/50 页", kind="edit", timeout=WAIT)
    later = [line.split("✅ ")[1].split("（")[0] for line in entries(page2, "✅ ")]
    assert [label for label in labels(page2) if label.startswith("查看")] == [f"查看 {n}" for n in later]
    assert not set(later) & set(names)
    await secretary.press(f"查看 {later[0]}")
    text = await secretary.expect(f"{later[0]} · 2026年10月思想汇报", timeout=WAIT)
    assert REPORT in text.text and text.kind == "message"


@pytest.mark.slow
async def test_dutyreport_of_10000_post_holders(harness: Harness) -> None:
    harness.at(T0)
    big = await bulk.big_branch(harness.store, 10_000, posts=("patrol",))
    await bulk.patrols(harness.store, big.ids[::7], 4, T0, "2026-11-10")
    secretary = harness.user(SECRETARY)
    await secretary.send("/dutyreport")
    first = await secretary.expect("10002 名设岗党员", timeout=WAIT)
    await answered_once(harness, secretary, first)
    assert "达标 1429 人，未达标 8573 人" in first.text
    ranks = [line.split(". ")[0] for line in entries(first, " 分 · ")]
    assert ranks == [str(n) for n in range(1, 41)]
    assert all("✅ 达标" in line for line in entries(first, " 分 · "))  # most points first

    await secretary.press("下一页")
    second = await secretary.expect("第 2/251 页", kind="edit", timeout=WAIT)
    assert entries(second, " 分 · ")[0].startswith("41. ")
    await secretary.press("未达标")
    below = await secretary.expect("现在只看：未达标，8573 人", kind="edit", timeout=WAIT)
    rows = entries(below, " 分 · ")
    assert len(rows) == 40 and all("❌ 未达标" in row for row in rows)
    assert rows[0].startswith("1430. ")  # ranks stay those among all post-holders


@pytest.mark.slow
async def test_attendance_of_a_meeting_expecting_10000(harness: Harness) -> None:
    harness.at(T0)
    big = await bulk.big_branch(harness.store, 10_000)
    start = T0 + timedelta(days=2)
    notice_id = await bulk.meeting(harness.store, big.unit_id, None, SECRETARY, start, T0)
    await bulk.answers(
        harness.store,
        notice_id,
        [(m, "leave", "外出务工") for m in big.ids[1::9]] + [(m, "attend", None) for m in big.ids[2::9]],
        T0,
    )
    async with harness.store.db.transaction() as conn:  # approved (准假): on leave, not absent (issue 13)
        await conn.execute("UPDATE rsvps SET approval = 'approved' WHERE answer = 'leave'")
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/attendance {notice_id}")
    first = await secretary.expect("应到：10006 人", timeout=WAIT)
    await answered_once(harness, secretary, first)
    assert "参加：1111 人：" in first.text and "请假：1111 人：" in first.text and "未回复：7784 人：" in first.text
    assert "第 1/251 页" in first.text and "缺席" not in first.text  # not begun: nobody is absent yet
    assert {"✔ 应到 10006", "参加 1111", "请假 1111", "未回复 7784", "下一页 ▶"} <= set(labels(first))

    await secretary.press("请假")
    leave = await secretary.expect("现在只看：请假，1111 人", kind="edit", timeout=WAIT)
    assert leave.text.count("（外出务工，已准假）") == 40 and "第 1/28 页" in leave.text
    assert "参加：1111 人\n" in leave.text  # the other lines keep their counts only
    await secretary.press("下一页")
    await secretary.expect("第 2/28 页", kind="edit", timeout=WAIT)

    await bulk.checkins(harness.store, notice_id, big.ids[2::9][:100], start)
    harness.at(start + timedelta(hours=3))
    await secretary.press("应到")
    after = await secretary.expect("已签到：100 人：", kind="edit", timeout=WAIT)
    assert "缺席：8795 人：" in after.text and "缺席 8795" in labels(after)
    await secretary.press("缺席")
    absent = await secretary.expect("现在只看：缺席，8795 人", kind="edit", timeout=WAIT)
    assert "已签到：100 人\n" in absent.text


async def test_a_forged_or_foreign_page_button_changes_nothing(harness: Harness) -> None:
    yicun = await bulk.unit_id(harness.store, "一村党支部")
    erkun = await bulk.unit_id(harness.store, "二村党支部")
    notice_id = await bulk.meeting(harness.store, yicun, None, SECRETARY, T0 + timedelta(days=2), T0)
    other = harness.user(OTHER_SECRETARY)
    await other.send("/members")
    listing = await other.expect("二村党支部")
    forged = [
        f"pg:members:{yicun}:all:1",
        f"pg:attendance:{notice_id}:all:1",
        "pg:members:0:evil:1",
        "pg:members:99999:all:1",
        "pg:dutyreport:202613:all:1",
        "pg:reports:202613:all:1",
        "pg:evil",
        "pg:members:0:all:1:2",
    ]
    for data in forged:
        await other.press_data(data, listing)
        alert = await other.next_message(kind=("alert", "edit", "message"))
        assert alert.kind == "alert" and "失效" in alert.text, (data, alert)
    await harness.nothing_more(other)
    current = harness.emu.get_message(listing.chat_id, listing.message_id)
    assert current is not None and "王书记" not in current.snapshot("message").text

    member = harness.user(PLAIN)  # a member may use none of these lists
    await member.send("/start")
    welcome = await member.next_message()
    for data in (f"pg:members:{erkun}:all:1", "pg:reports:202610:all:1", "pg:dutyreport:202610:all:1"):
        await member.press_data(data, welcome)
        alert = await member.next_message(kind=("alert", "edit", "message"))
        assert alert.kind == "alert" and "失效" in alert.text, (data, alert)
    assert not harness.emu.callbacks  # every press answered


async def test_a_page_button_on_a_group_message_is_refused(harness: Harness) -> None:
    secretary = harness.user(OTHER_SECRETARY)
    group = harness.emu.add_group(-100777, "二村党员群")
    await secretary.send("/help", chat=group)
    posted = await group.next_message()
    erkun = await bulk.unit_id(harness.store, "二村党支部")
    await secretary.press_data(f"pg:members:{erkun}:all:1", posted)
    alert = await secretary.next_message(kind=("alert", "edit", "message"))
    assert alert.kind == "alert" and "失效" in alert.text
    await harness.nothing_more(group)


async def test_a_unit_name_that_fits_several_asks_which(harness: Harness) -> None:
    secretary = harness.user(COMMUNITY_SECRETARY)
    await secretary.send("/members 组")
    ask = await secretary.expect("请点选")
    assert labels(ask) == ["一村党支部 一组", "一村党支部 流动党员党小组"]
    await secretary.press("一村党支部 一组")
    page = await secretary.expect("一村党支部 一组 党员名册：共 5 人", kind="edit")
    assert "王书记（一组）" in page.text and "张流动" not in page.text
    assert "第 1/" not in page.text and "/export" not in page.text  # one page: no position, no pointer
    await secretary.press("⬆ 一村党支部")
    whole = await secretary.expect("一村党支部 党员名册：共 6 人", kind="edit")
    assert "张流动（流动党员党小组）" in whole.text


async def test_unit_buttons_are_plain_text(harness: Harness) -> None:
    async with harness.store.db.transaction() as conn:
        await conn.execute("UPDATE units SET name = 'A&B<组>' WHERE name = '一组'")
    secretary = harness.user(SECRETARY)
    await secretary.send("/members")
    listing = await secretary.expect("一村党支部 党员名册")
    assert "A&B<组> 5" in labels(listing) and "A&amp;B" not in " ".join(labels(listing))
    await secretary.press("A&B<组> 5")
    group = await secretary.expect("A&B<组> 党员名册：共 5 人", kind="edit")
    assert "⬆ 一村党支部" in labels(group)
