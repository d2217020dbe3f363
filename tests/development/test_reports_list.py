"""The register's 思想汇报 where a secretary looks for reports (issue 24): `/reports` lists the quarter's report of an
入党积极分子 of the secretary's branch, marked with the stage, unread before the members' reports already read; the
secretary opens it from there, marks it 已阅 and the line says so; a quarter owed and not handed in is a line too
(未交, then 逾期). Another branch's secretary does not see it."""

from __future__ import annotations

from bot.emulator import EmuUser
from bot.services.reports.buttons import RegisterView
from tests.support.development import ACTIVIST, at, hand_in, steps
from tests.support.harness import OTHER_SECRETARY, SECRETARY, Harness

REPORT = "这个季度我跟着老党员学习党章，参加了村里清理河道的义务劳动，也帮五保户收了玉米。"
MEMBER_REPORT = "本月学习了党的二十大精神，在村里值班巡逻四次。"


async def started(harness: Harness, *ids: int) -> list[EmuUser]:
    users = []
    for telegram_id in ids:
        user = harness.user(telegram_id)
        await user.send("/help")
        await user.next_message()
        users.append(user)
    return users


async def test_the_secretary_finds_reads_and_marks_an_activists_report_from_reports(harness: Harness) -> None:
    await steps(harness.store, harness.settings)
    secretary, other = await started(harness, SECRETARY, OTHER_SECRETARY)
    [patrol] = await harness.store.members.named("赵巡逻")
    [wang] = await harness.store.members.named("王书记")
    member_report, _ = await harness.store.reports.save_thought(patrol.id, "2026-05", MEMBER_REPORT, at("2026-05-03"))
    await harness.store.reports.mark_read(member_report, wang.id, None, at("2026-05-04"))  # read already
    harness.at(at("2026-05-05"))
    activist = harness.user(ACTIVIST, "王小明")
    await hand_in(activist, REPORT)
    await secretary.expect("交来了2026年第二季度的思想汇报")

    await secretary.send("/reports")
    listed = await secretary.expect("2026年5月思想汇报")
    lines = [line for line in listed.text.splitlines() if "已交" in line and "✅" in line]
    assert lines == [  # the unread report first, marked with the stage; the member's read one after it
        "✅ 王小明（入党积极分子，一村党支部）已交 5月5日（周二）",
        "✅ 赵巡逻（一村党支部 · 一组）已交 5月3日（周日） · 已阅",
    ]
    await secretary.press("查看 王小明", listed)
    shown = await secretary.expect(REPORT[:10])
    assert "王小明（入党积极分子）" in shown.text and "2026年第二季度" in shown.text
    await secretary.press("已阅", shown)
    await secretary.expect("已阅，已告诉 王小明")
    assert "王书记 已阅" in (await activist.expect("已阅")).text

    await secretary.send("/reports 2026-06")  # the quarter's other months show it too, read now
    again = await secretary.expect("2026年6月思想汇报")
    assert "✅ 王小明（入党积极分子，一村党支部）已交 5月5日（周二） · 已阅" in again.text
    await secretary.send("/reports 2026-07")  # not the next quarter's report: that quarter is still owed
    owing = (await secretary.next_message()).text
    assert "⏳ 王小明（入党积极分子，一村党支部）未到期未交，截止 9月30日（周三）晚上11:59" in owing
    assert "王小明（入党积极分子，一村党支部）已交" not in owing
    await secretary.send("/reports 2026-03")  # chosen on 10 April, after the first quarter's first month: not owed
    assert "王小明" not in (await secretary.next_message()).text

    await other.send("/reports 2026-05")  # 二村's secretary: not theirs
    assert "王小明" not in (await other.next_message()).text
    [person] = await harness.store.development.in_units(None)
    [report] = await harness.store.development.reports_of([person.id])
    await other.press_data(RegisterView(report.id).pack())
    assert "无权查看" in (await other.next_message(kind="alert")).text


async def test_a_quarter_owed_by_an_activist_is_a_line_until_handed_in(harness: Harness) -> None:
    """Chosen on 10 April: the second quarter is owed (chosen within its first month), so after its deadline it is
    逾期未交 in `/reports`, for the secretary and not for another branch's. A report sent now is the third
    quarter's; the secretary records the second's handed in on paper, and the line goes."""
    await steps(harness.store, harness.settings)
    secretary, other = await started(harness, SECRETARY, OTHER_SECRETARY)
    harness.at(at("2026-07-03"))
    await secretary.send("/reports 2026-06")
    late = (await secretary.next_message()).text
    assert "❌ 王小明（入党积极分子，一村党支部）逾期未交（截止 6月30日（周二）晚上11:59）" in late
    await other.send("/reports 2026-06")
    assert "王小明" not in (await other.next_message()).text
    activist = harness.user(ACTIVIST, "王小明")
    await hand_in(activist, REPORT)
    await secretary.expect("交来了2026年第三季度")
    await secretary.send("/reports 2026-07")
    assert "✅ 王小明（入党积极分子，一村党支部）已交 7月3日（周五）" in (await secretary.next_message()).text
    await secretary.send("/reports 2026-06")
    assert "王小明（入党积极分子，一村党支部）逾期未交" in (await secretary.next_message()).text
    await secretary.send("/development 王小明 | 思想汇报 | 2026-06-28")
    await secretary.expect("已登记：王小明 6月28日（周日） 交思想汇报")
    await secretary.send("/reports 2026-06")
    assert "王小明" not in (await secretary.next_message()).text
