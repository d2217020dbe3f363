""" "Held" means the unit met (issue 23 item 3), through the emulator's /ledger: a meeting counts for a branch when its
time passed, it was not cancelled, its minutes were saved and members of that branch checked in — a 支部党员大会 or
支委会 with its quorum. A community-wide 党课 that only the community secretary checked in to counts for no branch; one
that 一村's members came to counts for 一村 only, with 一村's own 应到 / 实到; a meeting without quorum or without
minutes is listed as such and not counted."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.rights import OrgTree
from bot.store import Store
from tests.support.harness import COMMUNITY_SECRETARY, SECRETARY, Harness
from tests.support.ledger import at, line, meeting, started


async def _check_in(store: Store, notice_id: int, *names: str) -> None:
    tree = OrgTree.of(await store.units.all())
    everyone = {m.name: m for m in await store.members.in_units(set(tree.units))}
    for name in names:
        await store.notices.record_checkin(notice_id, everyone[name].id, "self", None, at(3, 1, 15))


async def test_a_meeting_counts_for_a_branch_only_when_that_branch_met(harness: Harness) -> None:
    store = harness.store
    # a community-wide 党课 only the community secretary checked in to: no branch met
    await meeting(store, "测试社区党委", "lecture", at(1, 20), present=1, topic="社区书记讲党课")
    # a community-wide 党课 two of 一村 came to: 一村 met, 二村 did not
    lecture = await meeting(store, "测试社区党委", "lecture", at(3, 1), present=0, topic="全社区学习", minutes=False)
    await _check_in(store, lecture, "李联络", "赵巡逻")
    await store.minutes.save(lecture, None, None, "学习", [], None, at(3, 1, 18))
    # 一村's 支部党员大会 with one of six: no quorum; its 主题党日 without minutes
    await meeting(store, "一村党支部", "general", at(2, 10), present=1, topic="只来了一个人")
    await meeting(store, "一村党支部", "partyday", at(2, 12), present=3, topic="没写记录", minutes=False)
    harness.at(at(11, 30))
    await started(harness, COMMUNITY_SECRETARY, SECRETARY)
    secretary = harness.user(SECRETARY)
    await secretary.send("/ledger 2026")
    await secretary.press("第一季度", await secretary.expect("一村党支部 · 2026年三会一课台账"))
    q1 = (await secretary.expect("一村党支部 · 2026年三会一课台账", kind="edit")).text
    assert "1月20日 党课「社区书记讲党课」应到 6 人、实到 0 人（本支部没有党员签到，不算本支部开过）" in q1
    assert "3月1日 党课「全社区学习」应到 6 人、实到 2 人" in q1  # 一村's own figures, not the community's
    assert "全社区学习」应到 6 人、实到 2 人（" not in q1  # counted
    assert "2月10日 支部党员大会「只来了一个人」应到 6 人、实到 1 人（到会没有超过半数，达不到法定人数" in q1
    assert "2月12日 主题党日「没写记录」应到 6 人、实到 3 人（还没有保存会议记录，不算开过" in q1
    quarter = line(q1, "第一季度")
    assert "党课 ✅ 1/1" in quarter and "支部党员大会 ❌ 0/1" in quarter
    assert "主题党日 ❌ 0/1" in line(q1, "2月")
    boss = harness.user(COMMUNITY_SECRETARY)
    await boss.send("/ledger 二村党支部 2026")
    await boss.press("第一季度", await boss.expect("二村党支部 · 2026年三会一课台账"))
    other = (await boss.expect("二村党支部 · 2026年三会一课台账", kind="edit")).text
    assert "党课 ❌ 0/1" in line(other, "第一季度")
    assert "3月1日 党课「全社区学习」应到 5 人、实到 0 人（本支部没有党员签到" in other
    # the minutes saved later: the 主题党日 counts from then on
    partyday = await store.db.fetchone("SELECT id FROM notices WHERE topic = '没写记录'")
    assert partyday is not None
    await store.minutes.save(int(partyday[0]), None, None, "补写的记录", [], None, at(11, 30) - timedelta(hours=1))
    await secretary.send("/ledger 2026")
    await secretary.press("第一季度", await secretary.expect("一村党支部 · 2026年三会一课台账"))
    again = (await secretary.expect("一村党支部 · 2026年三会一课台账", kind="edit")).text
    assert "主题党日 ✅ 1/1" in line(again, "2月")
