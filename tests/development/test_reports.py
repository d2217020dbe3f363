"""An 入党积极分子 writes the quarter's 思想汇报 to the bot through the report engine members use (issue 24): the
secretary is told, reads it and marks it 已阅, the person hears of it, and the register records the quarter's
思想汇报 step. A quarter without one reminds the person once a week before its end, then tells the secretary and
the 培养联系人 once, in the daily digest — not again after a restart. Another member or a stranger cannot read it."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.call import Call
from bot.services import registry as core
from bot.services.development.register import development_command
from bot.services.kernel.deps import Deps
from bot.services.reports.buttons import RegisterRead, RegisterView
from bot.services.reports.register_read import mark_register
from bot.store import Store
from bot.store.development_reports import Saving
from tests.support.db import open_store
from tests.support.development import ACTIVIST, at, steps
from tests.support.harness import LIAISON, PATROL, PLAIN, SECRETARY, SMALL_ROSTER, STRANGER, Harness, load_roster

TZ = ZoneInfo("Asia/Shanghai")
REPORT = "这个季度我认真学习了党章，参加了村里的义务劳动，帮助邻居收了玉米，以后还要多向老党员学习。"


async def test_an_activist_writes_and_the_secretary_marks_it_read(harness: Harness) -> None:
    await steps(harness.store, harness.settings)
    activist = harness.user(ACTIVIST, "王小明")
    secretary = harness.user(SECRETARY)
    harness.at(at("2026-05-05"))
    for user in (secretary, harness.user(LIAISON), harness.user(PLAIN)):  # each has opened the bot
        await user.send("/help")
        await user.next_message()
    await activist.send("/report")
    asked = (await activist.expect("思想汇报")).text
    assert "2026年第二季度" in asked and "6月30日" in asked
    await activist.send(REPORT)
    await activist.press("发送", await activist.expect("预览"))
    assert "2026年第二季度的思想汇报已提交" in (await activist.expect("已提交", skipping=("预览",))).text

    told = await secretary.expect("交来了2026年第二季度的思想汇报")
    assert "入党积极分子" in told.text and "王小明" in told.text
    await secretary.press("看汇报", told)
    shown = await secretary.expect(REPORT[:10])
    assert "王小明" in shown.text
    await secretary.press("已阅", shown)
    await secretary.expect("已阅，已告诉 王小明")
    assert "王书记 已阅" in (await activist.expect("已阅")).text
    await secretary.press("看汇报", told)  # marked: no second 已阅, the mark is shown
    again = await secretary.expect(REPORT[:10])
    assert "王书记" in again.text and "已阅" in again.text and not again.buttons

    [person] = await harness.store.development.in_units(None)
    assert [s.step for s in person.steps][-1] == "report" and str(person.steps[-1].on) == "2026-05-05"
    [report] = await harness.store.development.reports_of([person.id])
    for outsider in (harness.user(PLAIN), harness.user(LIAISON)):  # 李联络 is a 培养联系人: may read
        await outsider.press_data(RegisterView(report.id).pack())
    assert "无权查看" in (await harness.user(PLAIN).next_message(kind="alert")).text
    liaison = harness.user(LIAISON)
    seen = await liaison.expect(REPORT[:10], skipping=("交来了",))
    assert "王书记" in seen.text and "已阅" in seen.text  # the secretary's mark; the 培养联系人 may add theirs
    await liaison.press("已阅并写意见", seen)
    await liaison.expect("请写对")
    await liaison.send("写得实在，继续保持，多参加村里的活动。")
    await liaison.expect("意见已发给 王小明")
    told_comment = (await activist.expect("李联络 已阅")).text
    assert "写得实在" in told_comment
    await harness.user(PLAIN).press_data(RegisterRead(report.id).pack())
    assert "无权查看" in (await harness.user(PLAIN).next_message(kind="alert")).text
    stranger = harness.user(STRANGER)
    await stranger.send("/start")
    await stranger.next_message()
    await stranger.press_data(RegisterView(report.id).pack())
    assert REPORT[:10] not in (await stranger.next_message(kind=("message", "alert"))).text
    assert len(await harness.store.development.report_reads(report.id)) == 2


async def test_an_applicant_has_nothing_to_write_yet(harness: Harness) -> None:
    await steps(harness.store, harness.settings)
    async with harness.store.db.transaction() as conn:  # a second person, only applied
        await conn.execute(
            "INSERT INTO development (unit_id, name, stage, stage_on, created_at, telegram_id) "
            "SELECT unit_id, '李申请', 'applicant', '2026-04-01', created_at, 5002 FROM development"
        )
    applicant = harness.user(5002, "李申请")
    harness.at(at("2026-05-05"))
    await applicant.send("/report")
    await applicant.expect("现在还不用交思想汇报")
    await applicant.send("/members")  # nothing else of the bot
    assert "名单" not in (await applicant.next_message()).text


async def keys(store: Store) -> list[str]:
    rows = await store.db.fetchall(
        "SELECT key FROM outbox WHERE key LIKE 'report:register:%' "
        "UNION ALL SELECT key FROM digest_items WHERE key LIKE 'report:register:%' ORDER BY 1"
    )
    return [r["key"] for r in rows]


async def test_a_missing_quarter_reminds_once_then_escalates_once(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "r.sqlite3"
    store = await open_store(path)
    try:
        await load_roster(store, SMALL_ROSTER)
        me = await steps(store, settings)
        [person] = await store.development.in_units(None)
        pid, sid = person.id, me.member.id if me.member else 0
        [liaison] = await store.members.named("李联络")
        await core.sweep(store, settings, at("2026-06-22"))  # Q2 ends 30 June: the week before begins on the 23rd
        assert await keys(store) == []
        await core.sweep(store, settings, at("2026-06-23"))
        assert await keys(store) == [f"report:register:remind:{pid}:2026-Q2"]
        row = await store.outbox.by_key(f"report:register:remind:{pid}:2026-Q2")
        assert row is not None and row.chat_id == ACTIVIST and "2026年第二季度" in row.text
        await core.sweep(store, settings, at("2026-06-30"))
        assert len(await keys(store)) == 1
    finally:
        await store.close()
    store = await open_store(path)  # a restart
    try:
        await core.sweep(store, settings, at("2026-07-01", "08:00"))  # the day after: secretary and 培养联系人
        escalated = [f"report:register:escalate:{i}:{pid}:2026-Q2" for i in sorted((sid, liaison.id))]
        assert sorted(await keys(store)) == sorted([f"report:register:remind:{pid}:2026-Q2", *escalated])
        digest_at = at("2026-07-01", "09:30")
        await core.sweep(store, settings, digest_at)  # the digest carries it
        row = await store.outbox.by_key(f"digest:{sid}:2026-07-01")
        assert row is not None and "王小明（入党积极分子，一村党支部）" in row.text and "2026年第二季度" in row.text
        count = len(await keys(store))
        await core.sweep(store, settings, at("2026-07-20"))
        assert len(await keys(store)) == count
    finally:
        await store.close()
    store = await open_store(path)  # another restart: still nothing new
    try:
        await core.sweep(store, settings, at("2026-08-03"))
        assert len(await keys(store)) == count
        row = await store.outbox.by_key(f"digest:{sid}:2026-08-03")  # 张流动's are there; 王小明's not again
        assert row is None or "王小明" not in row.text
        saving = Saving(pid, "2026-Q3", REPORT, None, None, date(2026, 8, 3))  # Q3's handed in: no reminder
        await store.development.save_report(saving, at("2026-08-03"))
        await core.sweep(store, settings, at("2026-09-25"))
        await core.sweep(store, settings, at("2026-10-02"))
        assert len(await keys(store)) == count
    finally:
        await store.close()


async def test_a_probationary_member_is_told_the_quarters_deadline(harness: Harness) -> None:
    """A 预备党员 writes as a member, filed under the quarter, and is told its deadline; a full member who is not
    mobile still has none (tests/development/test_probation_reports.py follows the report)."""
    async with harness.store.db.transaction() as conn:
        await conn.execute("UPDATE members SET membership = 'probationary' WHERE name = '赵巡逻'")
    harness.at(at("2026-05-05"))
    probationary, full = harness.user(PATROL), harness.user(LIAISON)
    await probationary.send("/report")
    asked = (await probationary.expect("思想汇报")).text
    assert "2026年第二季度" in asked and "预备期里每个季度至少交一份" in asked and "6月30日" in asked
    await full.send("/report")
    assert "没有截止时间" in (await full.expect("思想汇报")).text


async def test_a_late_sent_report_counts_for_its_quarter_only(tmp_path: Path, settings: Settings) -> None:
    """A draft begun on 30 June and sent on 1 July is the second quarter's: the third still reminds its week."""
    store = await open_store(tmp_path / "r.sqlite3")
    try:
        await load_roster(store, SMALL_ROSTER)
        await steps(store, settings)
        [person] = await store.development.in_units(None)
        saving = Saving(person.id, "2026-Q2", REPORT, None, None, date(2026, 7, 1))
        await store.development.save_report(saving, at("2026-07-01"))
        await core.sweep(store, settings, at("2026-07-01", "08:00"))  # Q2 is handed in: nobody is told
        assert await keys(store) == []
        await core.sweep(store, settings, at("2026-09-23"))  # Q3's week before its end: 王小明 is reminded
        assert await keys(store) == [f"report:register:remind:{person.id}:2026-Q3"]
    finally:
        await store.close()


async def test_a_double_press_of_read_marks_once(tmp_path: Path, settings: Settings) -> None:
    """Two presses of 已阅 handled at once: one mark, one word to the person; the second says it is done."""
    store = await open_store(tmp_path / "r.sqlite3")
    try:
        await load_roster(store, SMALL_ROSTER)
        me = await steps(store, settings)
        [person] = await store.development.in_units(None)
        saving = Saving(person.id, "2026-Q2", REPORT, None, None, date(2026, 5, 5))
        report_id, _ = await store.development.save_report(saving, at("2026-05-05"))
        call = Call(me, at("2026-05-06"), "zh")
        results = await asyncio.gather(*(mark_register(Deps(store, settings), call, report_id) for _ in range(2)))
        assert len(await store.development.report_reads(report_id)) == 1
        assert sorted(r.queued for r in results) == [0, 1]
        assert sorted(r.replies[0].key for r in results) == ["report.read_already", "report.read_done"]
        told = await store.db.fetchall("SELECT key FROM outbox WHERE key LIKE 'report:register:read:%'")
        assert len(told) == 1
    finally:
        await store.close()


async def test_the_list_still_asks_for_the_quarter_after_a_late_sent_report(tmp_path: Path, settings: Settings) -> None:
    """The second quarter's report sent on 1 July: /development still says the third's is not in yet."""
    store = await open_store(tmp_path / "r.sqlite3")
    try:
        await load_roster(store, SMALL_ROSTER)
        me = await steps(store, settings)
        [person] = await store.development.in_units(None)
        saving = Saving(person.id, "2026-Q2", REPORT, None, None, date(2026, 7, 1))
        await store.development.save_report(saving, at("2026-07-01"))
        listed = await development_command(Deps(store, settings), Call(me, at("2026-07-05"), "zh"), "")
        assert "本季度还没交思想汇报" in (listed.replies[0].html or "")
        saving = Saving(person.id, "2026-Q3", REPORT, None, None, date(2026, 7, 6))
        await store.development.save_report(saving, at("2026-07-06"))
        listed = await development_command(Deps(store, settings), Call(me, at("2026-07-06"), "zh"), "")
        assert "本季度还没交思想汇报" not in (listed.replies[0].html or "")
    finally:
        await store.close()
