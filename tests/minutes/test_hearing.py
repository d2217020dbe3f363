"""民情恳谈 (issue 28 item 2): a 民情恳谈会 (meeting type `hearing`) is called like any meeting; its record turns each
issue raised into a resident's request (source 恳谈会, linked to the meeting), never twice; the 三会一课台账 of the
branch counts the hearings held, the issues raised and those resolved. Through the emulator, plus the parsing."""

from __future__ import annotations

from bot.services.minutes.hearing import Issue, issues_of
from tests.support.harness import LIAISON, SECRETARY, Harness
from tests.support.households import load_households
from tests.support.ledger import at, meeting, started

RECORD = (
    "会上群众反映：\n诉求：李大爷｜楼道灯坏了，晚上看不见\n2. 问题：王奶奶：想问低保复核\n诉求：没有这户｜修路\n散会。"
)


def test_the_issues_of_a_record() -> None:
    assert issues_of(RECORD) == [
        Issue("李大爷", "楼道灯坏了，晚上看不见"),
        Issue("王奶奶", "想问低保复核"),
        Issue("没有这户", "修路"),
    ]
    assert issues_of("诉求：只有户主\n诉求：｜只有内容\n大家说诉求：不算，不在行首") == []


async def test_a_hearing_turns_two_issues_into_requests(harness: Harness) -> None:
    await load_households(harness.store)
    await started(harness, SECRETARY, LIAISON)
    harness.at(at(11, 20, 9))
    secretary = harness.user(SECRETARY)
    await secretary.send("/notice 恳谈会 | 2026-11-25 19:00 | 村委会议室 | 听听群众的意见")
    assert "民情恳谈会" in (await secretary.expect("听听群众的意见")).text
    await secretary.send("/cancel")
    await secretary.next_message()
    notice_id = await meeting(harness.store, "一村党支部", "hearing", at(11, 18, 19), present=2, minutes=False)
    await secretary.send(f"/minutes {notice_id} | {RECORD}")
    await secretary.expect("会议内容")
    raised = await secretary.expect(f"恳谈会 #{notice_id}：新登记民情诉求 2 件（#1、#2）")
    assert "一共 2 件" in raised.text and "没找到" in raised.text and "没有这户" in raised.text
    rows = await harness.store.db.fetchall("SELECT id, text, source, notice_id, state FROM requests ORDER BY id")
    assert [tuple(r) for r in rows] == [
        (1, "楼道灯坏了，晚上看不见", "hearing", notice_id, "received"),
        (2, "想问低保复核", "hearing", notice_id, "received"),
    ]
    await secretary.send(f"/minutes {notice_id} | {RECORD}")  # saved again: nothing doubled
    await secretary.expect("会议内容")
    assert "新登记民情诉求 0 件（—），这次会上一共 2 件" in (await secretary.expect("恳谈会")).text
    member = harness.user(LIAISON)  # the households' 联户党员 handles them
    await member.send("/requests")
    listed = await member.expect("待办民情诉求 2 件")
    await member.press("#1", listed)
    view = await member.expect("民情诉求 #1", kind="message")
    assert "来源：恳谈会" in view.text
    await member.press("办结", view)
    await member.expect("是怎么办的", kind="message")
    await member.send("物业换了灯泡")
    await member.expect("已办结")
    await secretary.send("/ledger 一村党支部 2026")
    ledger = await secretary.expect("一村党支部 · 2026年三会一课台账")
    assert "民情恳谈会：今年开了 1 次，群众反映问题 2 件，已办结 1 件" in ledger.text


async def test_another_meeting_raises_nothing(harness: Harness) -> None:
    await load_households(harness.store)
    await started(harness, SECRETARY)
    harness.at(at(11, 20, 9))
    notice_id = await meeting(harness.store, "一村党支部", "general", at(11, 18, 19), present=2, minutes=False)
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/minutes {notice_id} | {RECORD}")
    await secretary.expect("会议内容")
    await harness.nothing_more(secretary)
    row = await harness.store.db.fetchone("SELECT count(*) FROM requests")
    assert row is not None and row[0] == 0


async def test_the_record_taken_step_by_step_raises_them_too(harness: Harness) -> None:
    await load_households(harness.store)
    await started(harness, SECRETARY)
    harness.at(at(11, 20, 9))
    notice_id = await meeting(harness.store, "一村党支部", "hearing", at(11, 18, 19), present=2, minutes=False)
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/minutes {notice_id}")
    assert "民情恳谈会" in (await secretary.expect(f"会议 #{notice_id} 的记录")).text
    ask = await secretary.expect("主持人")
    await secretary.press(ask.labels()[0], ask)
    ask = await secretary.expect("记录人")
    await secretary.press(ask.labels()[-1], ask)
    await secretary.expect("会议内容")
    await secretary.send(RECORD)
    await secretary.press("内容写完了", await secretary.expect("已记下"))
    await secretary.press("完成", await secretary.expect("已记 0 条决议"))
    await secretary.press("保存", await secretary.expect("请核对"))
    await secretary.expect(f"会议 #{notice_id} 的记录已保存")
    raised = await secretary.expect(f"恳谈会 #{notice_id}：新登记民情诉求 2 件（#1、#2）")
    assert "没有这户" in raised.text


async def test_one_issue_written_twice_in_a_record_is_one_request(harness: Harness) -> None:
    await load_households(harness.store)
    await started(harness, SECRETARY, LIAISON)
    harness.at(at(11, 20, 9))
    notice_id = await meeting(harness.store, "一村党支部", "hearing", at(11, 18, 19), present=2, minutes=False)
    secretary = harness.user(SECRETARY)
    record = "诉求：李大爷｜楼道灯坏了\n又说了一遍：\n诉求：李大爷｜楼道灯坏了\n诉求：李大爷｜门口积水"
    await secretary.send(f"/minutes {notice_id} | {record}")
    await secretary.expect("会议内容")
    raised = await secretary.expect("恳谈会")
    assert "2 件" in raised.text or "#1、#2" in raised.text, raised.text
    rows = await harness.store.db.fetchall("SELECT text FROM requests ORDER BY id")
    assert [r[0] for r in rows] == ["楼道灯坏了", "门口积水"]


async def test_a_request_raised_again_by_a_save_at_the_same_time_is_not_added(harness: Harness) -> None:
    """Two saves of one record at once both read "not raised yet": the unique index lets only one insert through."""
    from bot.store.households_requests import NewRequest

    await load_households(harness.store)
    notice_id = await meeting(harness.store, "一村党支部", "hearing", at(11, 18, 19), present=2, minutes=False)
    household = await harness.store.db.fetchone("SELECT id, member_id FROM households WHERE head = '李大爷'")
    unit = await harness.store.db.fetchone("SELECT id FROM units WHERE name = '一村党支部'")
    assert household is not None and unit is not None
    new = NewRequest(household[0], None, household[1], household[1], unit[0], "楼道灯坏了", "hearing", notice_id)
    async with harness.store.unit_of_work() as uow:
        first = await uow.requests.add_once(new, at(11, 20))
    async with harness.store.unit_of_work() as uow:
        second = await uow.requests.add_once(new, at(11, 20))
    assert first is not None and second is None
    other = NewRequest(household[0], None, household[1], household[1], unit[0], "门口积水", "hearing", notice_id)
    async with harness.store.unit_of_work() as uow:
        assert await uow.requests.add_once(other, at(11, 20)) is not None
