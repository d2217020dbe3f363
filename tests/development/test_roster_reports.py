"""An 入党积极分子 the roster listed (no steps entered yet) hands in a 思想汇报: the register still shows the roster's
stage and asks for the earlier steps, which the secretary can still enter from the application on (issue 24)."""

from __future__ import annotations

from datetime import date

from bot.services.reports.buttons import RegisterView
from bot.store.development_reports import Saving
from tests.support.development import ACTIVIST, at, hand_in, steps
from tests.support.harness import LIAISON, PLAIN, SECRETARY, Harness

REPORT = "这个季度我认真学习了党章，参加了村里的义务劳动，以后还要多向老党员学习。"


async def roster_activist(harness: Harness) -> int:
    async with harness.store.db.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO development (unit_id, name, stage, stage_on, created_at, telegram_id) "
            "SELECT unit_id, '王小明', 'activist', '2026-12-07', '2026-12-07T10:00:00+08:00', ? FROM members "
            "WHERE name = '王书记'",
            (ACTIVIST,),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid


async def test_a_roster_activists_report_keeps_the_roster_stage(harness: Harness) -> None:
    person = await roster_activist(harness)
    harness.at(at("2026-12-08"))
    saving = Saving(person, "2026-Q4", REPORT, None, None, date(2026, 12, 8))
    await harness.store.development.save_report(saving, at("2026-12-08"))
    secretary = harness.user(SECRETARY)
    await secretary.send("/development")
    listed = (await secretary.expect("王小明")).text
    assert "入党积极分子（名册导入，步骤待补登）" in listed and "未登记" not in listed
    await secretary.send("/development 王小明")
    one = (await secretary.expect("王小明")).text
    assert "入党积极分子" in one and "从入党申请起" in one and "未登记" not in one
    await secretary.send("/development 王小明 | 入党申请 | 2026-03-02 | 出生 2001-05-16")  # before the report's day
    assert "已登记" in (await secretary.expect("王小明")).text


async def second_record(harness: Harness, stage: str) -> None:
    """王小明 re-imported into 二村党支部: a second record with the same Telegram id."""
    async with harness.store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO development (unit_id, name, stage, stage_on, created_at, telegram_id) "
            "SELECT unit_id, '王小明', ?, '2026-12-07', '2026-12-07T10:00:00+08:00', ? FROM members "
            "WHERE name = ?",
            (stage, ACTIVIST, "孙书记"),
        )


async def test_the_writing_record_of_a_telegram_id_takes_the_report(harness: Harness) -> None:
    async with harness.store.db.transaction() as conn:  # the first branch's record: only applied there
        await conn.execute(
            "INSERT INTO development (unit_id, name, stage, stage_on, created_at, telegram_id) "
            "SELECT unit_id, '王小明', 'applicant', '2026-03-02', '2026-03-02T10:00:00+08:00', ? FROM members "
            "WHERE name = '王书记'",
            (ACTIVIST,),
        )
    await second_record(harness, "activist")
    harness.at(at("2026-12-08"))
    activist = harness.user(ACTIVIST, "王小明")
    await hand_in(activist, REPORT, "2026年第四季度")
    people = {p.stage: p for p in await harness.store.development.in_units(None)}
    assert [r.person_id for r in await harness.store.development.reports_of([p.id for p in people.values()])] == [
        people["activist"].id
    ]
    await activist.send("/development")
    assert "入党积极分子" in (await activist.expect("我的入党进程")).text


async def test_two_writing_records_of_one_telegram_id_are_refused(harness: Harness) -> None:
    await roster_activist(harness)
    await second_record(harness, "candidate")
    harness.at(at("2026-12-08"))
    activist = harness.user(ACTIVIST, "王小明")
    await activist.send("/report")
    refused = (await activist.expect("支部书记")).text
    assert "两" in refused or "一村党支部" in refused
    await activist.send("/development")
    assert "支部书记" in (await activist.next_message()).text


async def test_a_register_person_sets_their_language(harness: Harness) -> None:
    await roster_activist(harness)
    harness.at(at("2026-12-08"))
    activist = harness.user(ACTIVIST, "王小明")
    await activist.send("/lang en")
    assert "English" in (await activist.next_message()).text
    await activist.send("/development")  # from now on, in English
    assert "My way into the Party" in (await activist.next_message()).text


async def test_a_namesake_of_the_liaison_in_another_branch_may_not_read(harness: Harness) -> None:
    """The record keeps its 培养联系人 by name: a member of that name in another branch is not one of them."""
    await steps(harness.store, harness.settings)
    [other] = await harness.store.members.named("周普通")
    async with harness.store.db.transaction() as conn:  # 二村's 周普通 renamed 李联络: the namesake
        await conn.execute("UPDATE members SET name = '李联络' WHERE id = ?", (other.id,))
    [person] = await harness.store.development.in_units(None)
    saving = Saving(person.id, "2026-Q2", REPORT, None, None, date(2026, 5, 5))
    report_id, _ = await harness.store.development.save_report(saving, at("2026-05-05"))
    harness.at(at("2026-05-06"))
    namesake = harness.user(PLAIN)
    await namesake.send("/help")
    await namesake.next_message()
    await namesake.press_data(RegisterView(report_id).pack())
    assert "无权查看" in (await namesake.next_message(kind="alert")).text
    liaison = harness.user(LIAISON)  # the 培养联系人 of 一村 may
    await liaison.send("/help")
    await liaison.next_message()
    await liaison.press_data(RegisterView(report_id).pack())
    assert REPORT[:10] in (await liaison.expect(REPORT[:10])).text
