"""三会一课 by the rules (issue 13), through the emulator on the roster tests/data/org.csv (a committee, a Party
group leader, a probationary member and a member whose relation is elsewhere):

- a 支委会 reaches the branch's committee members only; a 党小组会 to a branch is refused naming the groups, and
  a group is found by the very name the refusal lists; a group leader calls their group's 党小组会, nothing else;
- the quorum of a 支部党员大会 counts check-ins of members with a vote (a probationary member's does not count);
- a leave is approved (准假) or refused (不准) by the convener or a secretary over the unit, never by a member;
  a member on approved leave cannot be registered present, and reminders skip pending and approved leaves;
- the demo tour shows a 支委会 and a 支部党员大会 with its quorum.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import Member
from bot.emulator import BotMessage
from bot.services.exports.export import export_files
from bot.services.notices.compose import counted
from bot.services.notices.text import no_vote_line
from bot.store.notices import Expected
from tests.support.db import open_store
from tests.support.harness import Harness, load_roster
from tests.support.meetings import BRANCH_ONE, COMMUNITY, LI, MEETING, QIAN, START, SUN, T0, WANG, WU, ZHANG, ZHAO
from tests.support.notices import got, link, notices_of, saw, send_notice, until
from tests.support.roster import ORG


async def _harness(harness_factory: Any, tmp_path: Path) -> Harness:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, ORG)
    finally:
        await store.close()
    harness: Harness = await harness_factory(load=False)
    harness.at(T0)
    await link(harness, COMMUNITY, *BRANCH_ONE, WU)
    return harness


async def _leave(harness: Harness, telegram_id: int, reason: str) -> None:
    member = harness.user(telegram_id)
    member.drain()
    await member.press("请假", notices_of(member)[-1])
    await member.expect("请回复请假原因", kind="message")
    await member.send(reason)
    await saw(member, "已请假")


async def test_a_committee_meeting_reaches_committee_members_only(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    secretary = harness.user(WANG)
    secretary.drain()
    await secretary.send(f"/notice 支委会 | {MEETING} | 党员活动室 | 研究发展党员")
    preview = await secretary.expect("预览")
    assert "参会范围：一村党支部支部委员（支委会）" in preview.text
    assert "支委会只由本支部的支部委员参加：应到 2 人" in preview.text and "支委名单：王书记、李委员" in preview.text
    await secretary.press("发送", preview)
    await saw(secretary, "通知发送完毕")
    for member in (WANG, LI):
        assert len(notices_of(harness.user(member))) == 1, member
    for member in (ZHAO, QIAN, SUN, ZHANG, WU, COMMUNITY):
        assert notices_of(harness.user(member)) == [], member
    row = await harness.store.db.fetchone("SELECT kind, audience FROM notices")
    assert row is not None and tuple(row) == ("committee", "committee")


async def test_a_group_meeting_to_a_branch_is_refused_naming_the_groups(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    secretary = harness.user(WANG)
    secretary.drain()
    await secretary.send(f"/notice 党小组会 | {MEETING} | 2号楼 | 学习 | 一村党支部")
    refusal = (await secretary.expect("党小组会不能发给这个组织")).text
    assert "一村党支部 一组" in refusal and "一村党支部 流动党员党小组" in refusal
    assert await harness.store.db.fetchone("SELECT 1 FROM notices") is None
    # the very name the refusal lists is found (it used to be refused)
    await secretary.send(f"/notice 党小组会 | {MEETING} | 2号楼 | 学习 | 一村党支部 一组")
    preview = await secretary.expect("预览")
    assert "参会范围：一村党支部 一组全体党员" in preview.text and "应到 5 人" in preview.text
    await secretary.send(f"/notice 党小组会 | {MEETING} | 2号楼 | 学习 | 一村党支部一组")
    await secretary.expect("预览")
    # step by step: a 支部党员大会 is for the branch, the only one there is
    await secretary.send("/notice")
    await secretary.press("支部党员大会", await secretary.expect("三会一课"))
    await secretary.expect("会议类型：支部党员大会", kind="edit")
    await secretary.expect("会议时间")  # one branch: taken at once
    await secretary.send("/cancel")
    await secretary.expect("已取消")


async def test_a_group_leader_calls_their_group_meeting_only(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    leader = harness.user(ZHAO)
    leader.drain()
    await leader.send("/notice")
    question = await leader.expect("会议类型")
    assert question.labels() == ["党小组会（三会一课）"]
    await leader.send("/cancel")
    await leader.expect("已取消")
    await leader.send(f"/notice 党课 | {MEETING} | 2号楼 | 学习")
    await leader.expect("您没有可以召开党课的组织")
    notice_id = await send_notice(harness, ZHAO, f"党小组会 | {MEETING} | 3号楼 | 学习党章")
    assert notice_id == 1
    row = await harness.store.db.fetchone("SELECT u.name FROM notices n JOIN units u ON u.id = n.unit_id")
    assert row is not None and row[0] == "一组"
    for member in (WANG, LI, ZHAO, QIAN, SUN):
        assert len(notices_of(harness.user(member))) == 1, member
    assert notices_of(harness.user(ZHANG)) == []  # 流动党员党小组
    plain = harness.user(QIAN)
    plain.drain()
    await plain.send(f"/notice 党小组会 | {MEETING} | 3号楼 | 学习")
    await plain.expect("只有党组织书记或党小组长可以使用")
    assert len(await harness.store.db.fetchall("SELECT 1 FROM notices")) == 1


async def test_the_quorum_counts_check_ins_of_members_with_a_vote(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    secretary = harness.user(WANG)
    secretary.drain()
    await secretary.send(f"/notice 支部党员大会 | {MEETING} | 村委会 | 选举支部委员")
    preview = await secretary.expect("预览")
    assert "应到 6 人" in preview.text
    assert "其中预备党员1人、组织关系不在本支部的党员1人参加会议，无表决权：钱预备、孙外来" in preview.text
    await secretary.press("发送", preview)
    await saw(secretary, "通知发送完毕")
    for member in (LI, ZHAO, ZHANG):
        await harness.user(member).press("参加", notices_of(harness.user(member))[-1])
    harness.at(START - timedelta(minutes=10))
    for member in (QIAN, SUN, WANG):  # two of them without a vote
        await harness.user(member).press("签到", notices_of(harness.user(member))[-1])
        await saw(harness.user(member), "签到成功", kind="alert")
    secretary.drain()
    await secretary.send("/attendance 1")
    report = (await saw(secretary, "有表决权的党员应到 4 人、实到 1 人，不到半数，不能进行表决")).text
    assert "已签到：3 人" in report
    for member in (LI, ZHAO):
        await harness.user(member).press("签到", notices_of(harness.user(member))[-1])
        await saw(harness.user(member), "签到成功", kind="alert")
    harness.at(START + timedelta(minutes=5))
    await secretary.send("/attendance 1")
    report = (await saw(secretary, "有表决权的党员应到 4 人、实到 3 人，超过半数，可以进行表决")).text
    assert "应到 6 人、实到 5 人、请假 0 人、缺席 1 人" in report and "缺席：1 人：张流动" in report


def _request(user: Any, name: str) -> BotMessage:
    found = [m for m in got(user, "请假申请") if name in m.text]
    assert found, name
    return found[-1]


async def test_leave_is_approved_by_the_convener_and_never_by_a_member(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    notice_id = await send_notice(harness, WANG, f"支部党员大会 | {MEETING} | 村委会 | 学习")
    secretary = harness.user(WANG)
    await _leave(harness, ZHANG, "在苏州打工")
    await _leave(harness, LI, "住院")
    await until(lambda: len(got(secretary, "请假申请")) == 2)
    request = _request(secretary, "张流动")
    assert "张流动：在苏州打工" in request.text and request.labels() == ["准假", "不准"]
    data = request.buttons[0][0].callback_data or ""

    plain = harness.user(QIAN)  # a member without the right, pressing the same payload
    await plain.press_data(data, notices_of(plain)[-1])
    await plain.expect("只有召集这个会的人", kind="alert")
    other = harness.user(WU)  # the secretary of another branch
    await other.press_data(data)
    await other.expect("只有召集这个会的人", kind="alert")
    rsvp = await harness.store.notices.rsvps(notice_id)
    assert {r.approval for r in rsvp.values()} == {"pending"}

    await secretary.press("准假", request)
    await secretary.expect("已准张流动的假", kind="alert")
    await secretary.expect("张流动的请假（在苏州打工）：已准假", kind="edit")
    await saw(harness.user(ZHANG), "您的请假已批准")
    await saw(harness.user(ZHANG), "请假审批：已准假", kind="edit")
    await secretary.press_data(data, request)
    await secretary.expect("已经处理过了", kind="alert")
    community = harness.user(COMMUNITY)  # a secretary over the unit (the community's) may decide too
    await community.press_data(_request(secretary, "李委员").buttons[0][1].callback_data or "")
    await community.expect("没有准李委员的假", kind="alert")
    await saw(harness.user(LI), "请假未获批准，请尽量参会；确实来不了请联系书记，会后安排补学")

    harness.at(START - timedelta(minutes=10))
    secretary.drain()
    await secretary.send(f"/attendance {notice_id} | 登记 | 张流动")
    await secretary.expect("张流动已经准假，不能登记到会")
    await secretary.send(f"/attendance {notice_id}")
    report = (await saw(secretary, "应到：6 人")).text
    assert "张流动（在苏州打工，已准假）" in report and "李委员（住院，不准）" in report
    assert await harness.store.notices.checkins(notice_id) == {}
    harness.at(START + timedelta(minutes=1))
    await secretary.send(f"/attendance {notice_id}")
    report = (await saw(secretary, "应到 6 人、实到 0 人、请假 1 人、缺席 5 人")).text  # only the approved leave
    # the 请假 line lists what the tally counts (issue 23); the refused request is named among the absent
    assert "请假：1 人：张流动（在苏州打工，已准假）" in report
    assert "缺席：5 人" in report and "李委员（请假不准：住院）" in report

    files = await export_files(harness.store)
    notices = list(csv.DictReader(io.StringIO(files["notices.csv"].decode("utf-8-sig"))))
    assert [(n["audience"], n["leave_approved"], n["voters_expected"], n["voters_present"]) for n in notices] == [
        ("members", "1", "4", "0")
    ]
    lines = {r["member"]: r for r in csv.DictReader(io.StringIO(files["attendance.csv"].decode("utf-8-sig")))}
    assert (lines["张流动"]["leave_approval"], lines["张流动"]["leave_decided_by"]) == ("approved", "王书记")
    assert (lines["李委员"]["leave_approval"], lines["李委员"]["leave_decided_by"]) == ("refused", "社区书记")
    assert (lines["钱预备"]["votes"], lines["王书记"]["votes"]) == ("no", "yes")


async def test_a_group_leader_decides_the_leaves_of_their_meeting(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    await send_notice(harness, ZHAO, f"党小组会 | {MEETING} | 3号楼 | 学习党章")
    await _leave(harness, SUN, "回老家")
    leader = harness.user(ZHAO)
    request = await saw(leader, "请假申请")
    await leader.press("不准", request)
    await leader.expect("没有准孙外来的假", kind="alert")
    await saw(harness.user(SUN), "请假未获批准")
    assert got(harness.user(WANG), "请假申请") == []  # the convener decides, the secretary is not asked


@pytest.mark.slow  # waits out the sender's real pace (or builds every schema)
async def test_reminders_skip_pending_and_approved_leave(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    await send_notice(harness, WANG, f"支部党员大会 | {MEETING} | 村委会 | 学习")
    await _leave(harness, ZHANG, "打工")
    await _leave(harness, LI, "住院")
    await _leave(harness, SUN, "回老家")
    secretary = harness.user(WANG)
    await until(lambda: len(got(secretary, "请假申请")) == 3)
    await secretary.press("准假", _request(secretary, "张流动"))
    await secretary.expect("已准张流动的假", kind="alert")
    await secretary.press("不准", _request(secretary, "孙外来"))
    await secretary.expect("没有准孙外来的假", kind="alert")
    harness.at(START - timedelta(hours=1))
    await harness.sweep()
    await harness.settle()
    rows = await harness.store.db.fetchall("SELECT key FROM outbox WHERE key LIKE 'meeting:1h:%'")
    reminded = {int(r[0].rsplit(":", 1)[1]) for r in rows}
    names = {m.id: m.name for m in await harness.store.members.all()}
    assert {names[i] for i in reminded} == {"王书记", "赵组长", "钱预备", "孙外来"}  # 李委员 pending, 张流动 approved


async def test_a_group_leader_finds_notice_in_their_help(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    leader = harness.user(ZHAO)
    leader.drain()
    await leader.send("/help")
    text = (await leader.expect("/notice")).text
    assert "三会一课" in text and "书记专用" not in text
    plain = harness.user(QIAN)
    plain.drain()
    await plain.send("/help")
    assert "/notice —" not in (await plain.expect("/help")).text


async def test_a_group_leader_keeps_attendance_and_minutes_of_their_group_meeting(
    harness_factory: Any, tmp_path: Path
) -> None:
    """Issue 30 item 10: a 党小组长 takes /attendance and /minutes of their own 党小组会, and of nothing else."""
    harness = await _harness(harness_factory, tmp_path)
    group_meeting = await send_notice(harness, ZHAO, f"党小组会 | {MEETING} | 3号楼 | 学习党章")
    branch_meeting = await send_notice(harness, WANG, f"支部党员大会 | {MEETING} | 村委会 | 学习")
    leader, plain, other_leader = harness.user(ZHAO), harness.user(QIAN), harness.user(2002)  # 周组长 of 二村
    leader.drain()
    await leader.send("/help")
    help_text = (await leader.expect("/notice")).text
    assert "/attendance" in help_text and "/minutes" in help_text
    harness.at(START - timedelta(minutes=10))
    await leader.send("/attendance")  # the latest meeting they keep: their own, not the branch's newer one
    assert f"#{group_meeting}" in (await saw(leader, "应到：5 人")).text
    leader.drain()
    await leader.send(f"/attendance {branch_meeting}")
    await leader.expect(f"没有编号为 {branch_meeting} 的会议通知")
    await leader.send(f"/attendance {group_meeting} | 登记 | 钱预备 | 无智能手机")
    await leader.expect("已登记钱预备到会")
    await saw(plain, "已签到", kind="edit")  # their copy shows the check-in the leader registered
    plain.drain()
    await plain.send(f"/attendance {group_meeting}")
    await plain.expect("只有党组织书记或党小组长可以使用")
    await plain.send(f"/minutes {group_meeting} | 学习了党章")
    await plain.expect("只有党组织书记或党小组长可以使用")

    harness.at(START + timedelta(hours=2))
    await leader.send(f"/minutes {group_meeting} | 学习了党章第一章")
    await leader.expect(f"会议 #{group_meeting} 的记录已保存")
    await leader.send(f"/minutes {branch_meeting} | 写点什么")
    await leader.expect(f"没有编号为 {branch_meeting} 的会议通知")
    other_leader.drain()
    await other_leader.send(f"/minutes {group_meeting} | 写点什么")  # leads another group (活动小组)
    await other_leader.expect(f"没有编号为 {group_meeting} 的会议通知")
    saved = await harness.store.minutes.get(group_meeting)
    assert saved is not None and saved.content == "学习了党章第一章"
    assert await harness.store.minutes.get(branch_meeting) is None


async def test_a_secretary_never_approves_their_own_leave(harness_factory: Any, tmp_path: Path) -> None:
    """Issue 30 item 10: the convener's own leave goes to the secretaries above them; their own press (a
    forged one: they get no buttons) and their /attendance 准假 are refused, nothing recorded."""
    harness = await _harness(harness_factory, tmp_path)
    notice_id = await send_notice(harness, WANG, f"支部党员大会 | {MEETING} | 村委会 | 学习")
    secretary, community = harness.user(WANG), harness.user(COMMUNITY)
    await _leave(harness, WANG, "去镇里开会")
    assert "已转给上级书记批准" in got(secretary, "已请假")[-1].text
    request = await saw(community, "请假申请")
    assert "王书记：去镇里开会" in request.text
    assert got(secretary, "请假申请") == []  # not to himself
    await secretary.press_data(request.buttons[0][0].callback_data or "", notices_of(secretary)[-1])
    await secretary.expect("这是您自己的请假，不能自己批", kind="alert")
    secretary.drain()
    await secretary.send(f"/attendance {notice_id} | 准假 | 王书记")
    await secretary.expect("这是您自己的请假，不能自己批")
    assert {r.approval for r in (await harness.store.notices.rsvps(notice_id)).values()} == {"pending"}
    await community.press("准假", request)
    await community.expect("已准王书记的假", kind="alert")
    await saw(secretary, "您的请假已批准")
    assert {r.approval for r in (await harness.store.notices.rsvps(notice_id)).values()} == {"approved"}


async def test_a_party_committee_preview_names_its_members(harness_factory: Any, tmp_path: Path) -> None:
    """Issue 30 item 13: a 党委会's preview says 党委委员名单, a 支委会's 支委名单."""
    harness = await _harness(harness_factory, tmp_path)
    community = harness.user(COMMUNITY)
    community.drain()
    await community.send(f"/notice 党委会 | {MEETING} | 社区 | 研究工作")
    preview = await community.expect("预览")
    assert "党委委员名单：社区书记" in preview.text and "支委名单" not in preview.text


def test_who_takes_part_without_a_vote_is_counted_by_why() -> None:
    """Issue 30 item 13: 「其中预备党员X人、组织关系不在本支部的党员Y人参加会议，无表决权」, not 列席."""

    def seat(name: str, membership: str = "full", relation: str = "here") -> Expected:
        member = Member(id=len(name), name=name, unit_id=1, membership=membership, relation=relation)
        return Expected(member=member, linked=True, votes=member.votes, committee=False)

    full, probationary = seat("甲"), seat("乙预备", membership="probationary")
    elsewhere, both = seat("丙外来", relation="elsewhere"), seat("丁", membership="probationary", relation="elsewhere")
    assert no_vote_line("zh", counted([full])) == ""
    assert no_vote_line("zh", counted([full, probationary, elsewhere])) == (
        "其中预备党员1人、组织关系不在本支部的党员1人参加会议，无表决权：乙预备、丙外来"
    )
    assert no_vote_line("zh", counted([probationary, both])) == "其中预备党员2人参加会议，无表决权：乙预备、丁"
    assert no_vote_line("zh", counted([elsewhere])) == "其中组织关系不在本支部的党员1人参加会议，无表决权：丙外来"
    assert "列席" not in no_vote_line("zh", counted([probationary, elsewhere]))
    assert no_vote_line("en", counted([probationary, elsewhere])).startswith(
        "Of them 1 probationary members and 1 members whose membership is held elsewhere take part without a vote"
    )
