"""`/ledger` (三会一课台账) through the emulator: the marks of a year with gaps, the community secretary's
overview and its buttons, a branch secretary's own branch, bad unit and year, refusals, stale presses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.rights import OrgTree
from bot.services.ledger.buttons import LedgerAll, LedgerView
from bot.store import Store
from tests.support.harness import COMMUNITY_SECRETARY, OTHER_SECRETARY, PLAIN, SECRETARY, STRANGER, Harness
from tests.support.ledger import at, line, meeting, started

TOUR = Path(__file__).resolve().parents[2] / "bot" / "demo" / "tour.txt"


async def seed_year(store: Store) -> None:
    """2026 of 一村党支部 (groups 一组 and 流动党员党小组) with gaps, and a community-wide 党课."""
    await meeting(store, "一村党支部", "committee", at(1, 8), present=2, topic="一月支委会")
    await meeting(store, "一村党支部", "committee", at(2, 10))
    await meeting(store, "一村党支部", "committee", at(3, 12), cancelled=True)  # cancelled: not held
    await meeting(store, "一村党支部", "committee", at(3, 20), present=0)  # nobody checked in
    await meeting(store, "一村党支部", "general", at(2, 20), present=4, topic="发展党员表决")
    await meeting(store, "一组", "group", at(1, 15), topic="学习党章")
    await meeting(store, "测试社区党委", "lecture", at(3, 1), present=5, topic="书记讲党课")
    await meeting(store, "一村党支部", "committee", at(12, 5))  # not yet: ignored


async def test_community_secretary_sees_every_branch_then_one_in_detail(harness: Harness) -> None:
    await seed_year(harness.store)
    harness.at(at(11, 30))
    await started(harness, COMMUNITY_SECRETARY)
    boss = harness.user(COMMUNITY_SECRETARY)
    await boss.send("/ledger")
    overview = await boss.expect("三会一课台账 · 2026年")
    assert "截至11月30日" in overview.text
    assert "❌ 一村党支部：未达标" in overview.text and "❌ 二村党支部：未达标" in overview.text
    assert "未达标 41 项；本期还要开：支部党员大会、支委会、党小组会" in line(overview.text, "❌ 一村党支部")
    assert overview.labels() == ["一村党支部", "二村党支部"]
    await boss.press("一村党支部")
    q4 = await boss.expect("一村党支部 · 2026年三会一课台账", kind="edit")
    assert "11月 支委会 ⏳ 0/1" in q4.text and "10月 支委会 ❌ 0/1" in q4.text
    assert "12月 支委会 ⏳ 0/1" in q4.text  # the meeting of 5 December has not been held yet
    assert "第四季度 支部党员大会 ⏳ 0/1" in q4.text
    assert "全年 组织生活会 ⏳ 0/1" in q4.text
    assert "✔ 第四季度" in q4.labels() and "« 各支部总览" in q4.labels()
    await boss.press("第一季度")
    q1 = await boss.expect("一村党支部 · 2026年三会一课台账", kind="edit")
    january = line(q1.text, "1月")
    assert "支委会 ✅ 1/1" in january and "主题党日 ❌ 0/1" in january
    assert "党小组会（一组）✅ 1/1" in january and "党小组会（流动党员党小组）❌ 0/1" in january
    assert "1月8日 支委会「一月支委会」应到 6 人、实到 2 人" in q1.text
    assert "2月20日 支部党员大会「发展党员表决」应到 6 人、实到 4 人" in q1.text
    assert "3月1日 党课「书记讲党课」" in q1.text  # the community's 党课 counts for the branch
    assert "支委会 ❌ 0/1" in line(q1.text, "3月")  # one cancelled, one without a check-in: not held
    quarter = line(q1.text, "第一季度")
    assert "支部党员大会 ✅ 1/1" in quarter and "党课 ✅ 1/1" in quarter
    await boss.press("各支部总览")
    await boss.expect("三会一课台账 · 2026年", kind="edit")
    await boss.press("二村党支部")
    other = await boss.expect("二村党支部 · 2026年三会一课台账", kind="edit")
    assert "党小组会" not in other.text  # a branch without Party groups has none to hold


async def test_branch_secretary_sees_their_branch_and_asks_by_name_and_year(harness: Harness) -> None:
    await seed_year(harness.store)
    harness.at(at(11, 30))
    await started(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    await secretary.send("/ledger")
    own = await secretary.expect("一村党支部 · 2026年三会一课台账")
    assert "各支部总览" not in " ".join(own.labels())
    await secretary.send("/ledger 一组 2026")  # a Party group's name finds its branch
    await secretary.expect("一村党支部 · 2026年三会一课台账")
    await secretary.send("/ledger 2025")
    past = await secretary.expect("一村党支部 · 2025年三会一课台账")
    assert "⏳" not in past.text.split("\n", 2)[2]  # a past year has nothing open: every period is due
    assert "12月 支委会 ❌ 0/1" in past.text


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        ("二村党支部", "没有找到「二村党支部」"),
        ("三村", "可以查看的支部：一村党支部"),
        ("1999", "年份「1999」不对"),
        ("2027", "年份「2027」不对"),
        ("20266", "例如：/ledger 一村党支部 2026"),
    ],
)
async def test_bad_unit_or_year_gets_a_clear_answer_with_an_example(harness: Harness, args: str, answer: str) -> None:
    harness.at(at(11, 30))
    await started(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/ledger {args}")
    reply = await secretary.expect(answer)
    assert "/ledger 一村党支部 2026" in reply.text


async def test_members_without_the_right_are_refused(harness: Harness) -> None:
    await seed_year(harness.store)
    await started(harness, PLAIN)
    plain = harness.user(PLAIN)
    await plain.send("/ledger")
    await plain.expect("只有党组织书记可以使用")
    await harness.nothing_more(plain)
    stranger = harness.user(STRANGER)
    await stranger.send("/ledger")
    reply = await stranger.next_message()
    assert "台账" not in reply.text and "一村党支部" not in reply.text


async def test_a_press_for_a_branch_not_managed_is_answered_as_expired(harness: Harness) -> None:
    harness.at(at(11, 30))
    await started(harness, SECRETARY, OTHER_SECRETARY)
    tree = OrgTree.of(await harness.store.units.all())
    (mine,) = [u.id for u in tree.units.values() if u.name == "一村党支部"]
    other = harness.user(OTHER_SECRETARY)
    await other.send("/ledger")
    await other.expect("二村党支部 · 2026年三会一课台账")
    await other.press_data(LedgerView(mine, 2026, 1).pack())
    assert "失效" in (await other.next_message(kind=("alert", "edit", "message"))).text
    await other.press_data(LedgerAll(2026, 1).pack())  # one branch only: no overview
    assert "失效" in (await other.next_message(kind=("alert", "edit", "message"))).text
    await other.press_data("ldg:v:x:1:1")
    assert "失效" in (await other.next_message(kind=("alert", "edit", "message"))).text
    await harness.nothing_more(other)


async def test_help_lists_the_ledger_for_secretaries_only(harness: Harness) -> None:
    await started(harness, SECRETARY, PLAIN)
    await harness.user(SECRETARY).send("/help")
    assert "/ledger — 三会一课台账" in (await harness.user(SECRETARY).expect("/ledger")).text
    await harness.user(PLAIN).send("/help")
    assert "/ledger" not in (await harness.user(PLAIN).next_message()).text


@pytest.mark.slow
def test_the_demo_tour_shows_the_ledger(tmp_path: Path) -> None:
    """The tour's /ledger block (bot/demo/tour.txt), played on its own."""
    lines = TOUR.read_text(encoding="utf-8").splitlines()
    block = lines[next(i for i, ln in enumerate(lines) if ln.startswith("# 三会一课台账")) :]
    script = tmp_path / "ledger.txt"
    script.write_text("\n".join([*block, ":as 胡淑珍", "/ledger"]) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_PATH")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(script)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    overview = out[out.index("江建军 › /ledger") : out.index("江建军 按下")]
    assert "三会一课台账" in overview
    assert all(branch in overview for branch in ("白庙村党支部：", "李庄村党支部：", "河湾村党支部："))
    detail = out[out.index("彭国华 › /ledger") :]
    assert "白庙村党支部 · " in detail and "三会一课台账" in detail and "第一季度" in detail
    assert "党小组会（1号楼党小组）" in detail
    assert "/ledger 只有党组织书记可以使用" in out


async def test_the_community_by_name_gives_the_overview_and_english_reads(harness: Harness) -> None:
    await seed_year(harness.store)
    harness.at(at(11, 30))
    await started(harness, COMMUNITY_SECRETARY)
    boss = harness.user(COMMUNITY_SECRETARY)
    await boss.send("/ledger 测试社区党委 2026")
    assert (await boss.expect("三会一课台账 · 2026年")).labels() == ["一村党支部", "二村党支部"]
    await boss.send("/ledger " + "长" * 500)
    assert "长" * 39 + "…" in (await boss.expect("没有找到")).text
    await boss.send("/lang en")
    await boss.next_message()
    await boss.send("/ledger 一村 2026")
    detail = await boss.expect("一村党支部 · meetings ledger 2026")
    assert "Month 11 Branch committee meeting ⏳ 0/1" in detail.text
    await boss.press("Q1")
    q1 = await boss.expect("as of 30/11", kind="edit")
    assert "8/1 Branch committee meeting “一月支委会” expected 6, present 2" in q1.text
