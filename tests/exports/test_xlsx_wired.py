"""The Excel ledger wired to what the later issues added: the 三会一课 grid of each branch is `/ledger`'s (issue 13),
with 准假 / 书记登记 / 补学 in the attendance and the quorum by voters or committee; only approved duty entries count,
by each post's rule, with the 述职 accounts and the 公示 (issue 17); the households and residents' requests (issue
15); who read a mobile member's report (已阅, issue 12). Each against the database, for the whole community and
for one branch's secretary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.domain.ledger import Period
from bot.domain.rights import OrgTree
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.services.kernel.deps import Deps
from bot.services.ledger.overview import LedgerScope, ledger_year
from bot.store import Store
from tests.support.harness import SMALL_ROSTER, load_roster
from tests.support.xlsx_data import FORMULA, NOW, SETTINGS, TOM, every_value, open_book, rows, seed

MARK = {"met": "√", "missed": "×", "open": "○"}  # symbols the CJK fonts print (✓ ✗ print as boxes)
QUARTER = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@pytest.fixture
async def seeded(store: Store) -> Store:
    await load_roster(store, SMALL_ROSTER)
    await seed(store)
    return store


async def book_of(store: Store, folder: Path, units: set[int] | None = None, lang: str = "zh") -> Any:
    tree = OrgTree.of(await store.units.all())
    folder.mkdir(exist_ok=True)
    return open_book(await write_ledger(store, SETTINGS, folder, LedgerOrder(tree, units, lang, NOW)))


async def branch(store: Store, name: str) -> set[int]:
    tree = OrgTree.of(await store.units.all())
    [unit] = tree.find(name)
    return tree.subtree(unit.id)


async def count(store: Store, sql: str, params: tuple[object, ...] = ()) -> int:
    row = await store.db.fetchone(sql, params)
    assert row is not None
    return int(row[0])


def table(sheet: Any) -> list[list[Any]]:
    out = []
    for row in rows(sheet)[1:]:
        if all(v is None for v in row):
            break
        out.append(row)
    return out


# ------------------------------------------------------------------------- 三会一课: the grid is /ledger's
async def test_each_branchs_grid_has_the_marks_of_the_ledger(seeded: Store, tmp_path: Path) -> None:
    everything = rows((await book_of(seeded, tmp_path / "all"))["三会一课完成情况"])
    year = await ledger_year(Deps(seeded, SETTINGS), LedgerScope(None, 2026, NOW))
    assert [u.name for u in year.units] == ["一村党支部", "二村党支部"]
    marks_seen = set()
    for unit in year.units:
        top = next(n for n, r in enumerate(everything) if r[0] == f"{unit.name}2026年三会一课完成情况")
        head = everything[top + 2]
        grid = {r[0]: r for r in everything[top + 3 : top + 3 + 17]}
        assert len(head) >= len(unit.lines) + 2
        for column, line in enumerate(unit.lines, start=1):
            name = head[column]
            assert name.startswith(
                {
                    "general": "支部党员大会",
                    "committee": "支委会",
                    "group": "党小组会",
                    "lecture": "党课",
                    "partyday": "主题党日",
                    "life": "组织生活会",
                }[line.kind]
            )
            if line.group:
                assert line.group in name
            for cell in line.cells:
                per, index = cell.period.per, cell.period.index
                label = f"{index}月" if per == "month" else QUARTER[index] if per == "quarter" else "2026年全年"
                assert grid[label][column] == f"{cell.held}/{cell.required} {MARK[cell.mark]}", (name, label)
                marks_seen.add(cell.mark.value)
    assert marks_seen == {"met", "missed", "open"}  # a year with gaps: every mark is there
    q1 = year.units[0].lines[0].cell(Period("quarter", 2026, 1))
    assert q1 is not None and q1.mark.value == "met"


async def test_statistics_count_required_and_held_where_each_falls_due(seeded: Store, tmp_path: Path) -> None:
    values = rows((await book_of(seeded, tmp_path / "all"))["统计"])
    year = await ledger_year(Deps(seeded, SETTINGS), LedgerScope(None, 2026, NOW))
    for month in range(1, 13):
        due = [c for u in year.units for ln in u.lines for c in ln.cells if (c.period.end.month - 1 or 12) == month]
        assert values[1 + month][:3] == [f"{month}月", sum(c.held for c in due), sum(c.required for c in due)]


async def test_meetings_count_only_meetings_held_with_their_quorum_and_audience(seeded: Store, tmp_path: Path) -> None:
    meetings = table((await book_of(seeded, tmp_path / "all"))["三会一课台账"])
    held = await count(
        seeded,
        "SELECT count(*) FROM notices n WHERE cancelled_at IS NULL AND starts_at <= ? AND "
        "EXISTS (SELECT 1 FROM checkins k WHERE k.notice_id = n.id)",
        (NOW.isoformat(),),
    )
    assert len(meetings) == held and "没人签到的主题党日" not in [m[3] for m in meetings]
    by_topic = {m[3]: m for m in meetings}
    march, june, september = (by_topic[f"{m}月党员大会 {FORMULA}"] for m in (3, 6, 9))
    # 请假 counts an approved leave only: in June (refused) and September (pending) 张流动 is 缺席.
    assert march[12:15] == [1, 1, "吴未绑定"] and march[15] == 1  # 补学 recorded, still absent
    assert june[12:15] == [0, 2, "张流动、吴未绑定"] and september[12:14] == [0, 2]
    # Quorum by voters: in June 4 of 6 came, but only 1 of the 3 with a vote.
    assert (march[16], june[16], september[16]) == ("是", "否", "是")
    committee = by_topic["党委会研究工作"]
    assert committee[1] == "党委会" and committee[16] == "是" and committee[17] == "党委委员"
    assert march[17] == "全体党员"


async def test_attendance_shows_leave_approval_who_registered_and_makeups(seeded: Store, tmp_path: Path) -> None:
    sheet = (await book_of(seeded, tmp_path / "all"))["会议考勤明细"]
    assert rows(sheet)[0][8:] == ["准假", "签到时间", "签到方式", "登记人", "登记原因", "补学日期", "补学情况"]
    lines = {(r[0].month, r[3]): r for r in table(sheet)}
    assert [lines[m, "张流动"][8] for m in (3, 6, 9)] == ["准假", "不准", "待批"]
    assert lines[3, "王书记"][8] is None and lines[3, "王书记"][10:12] == ["本人", None]
    assert lines[3, "李联络"][10:13] == ["书记登记", "王书记", None]  # registered before reasons were asked
    assert lines[10, "王书记"][10] == "补签"
    wu = lines[3, "吴未绑定"]
    assert wu[9] is None and wu[10] is None  # 补学 is never a check-in
    assert wu[13].date().isoformat() == "2026-03-15" and wu[14] == f"自学会议精神 {TOM}"
    made_up = [r for r in table(sheet) if r[13] is not None]
    assert len(made_up) == await count(seeded, "SELECT count(*) FROM makeups")


# ------------------------------------------------------------------------- 设岗定责: approved entries only
async def test_duty_counts_approved_entries_by_each_posts_rule(seeded: Store, tmp_path: Path) -> None:
    sheet = (await book_of(seeded, tmp_path / "all"))["设岗定责考核"]
    assert rows(sheet)[0][10:] == ["其他岗位（审核通过）", "积分", "是否达标", "待审核", "未通过"]
    duty = {(r[0].month, r[1]): r for r in table(sheet)}
    assert duty[10, "赵巡逻"][3] == "治安巡逻岗" and duty[10, "钱调解"][3] == "矛盾调解岗"  # the catalogue's names
    zhao = duty[11, "赵巡逻"]
    assert zhao[4:6] == [1, 45] and zhao[11:] == [1, "未达标", 1, 1]  # 90-minute patrols pending / turned down
    qian = duty[11, "钱调解"]
    assert qian[10:] == ["环境卫生岗1条", 2, "未达标", 0, 0]
    approved = await count(seeded, "SELECT count(*) FROM duty_logs WHERE review = 'approved'")
    assert sum(r[4] + r[6] for r in table(sheet)) + 1 == approved  # patrols, mediations and the one generic entry
    assert [r[0] for r in rows((await book_of(seeded, tmp_path / "s"))["统计"]) if r[0]].count("设岗定责每月积分") == 1


async def test_accounts_and_publicity(seeded: Store, tmp_path: Path) -> None:
    book = await book_of(seeded, tmp_path / "all")
    accounts = table(book["述职评议"])
    assert len(accounts) == await count(seeded, "SELECT count(*) FROM post_accounts")
    by_name = {r[1]: r for r in accounts}
    assert by_name["赵巡逻"][0] == "2026年第三季度" and by_name["赵巡逻"][3] == "治安巡逻岗"  # the bot's words
    assert by_name["赵巡逻"][4] == f"巡逻四次 {FORMULA}" and by_name["赵巡逻"][6] == "称职"
    assert by_name["钱调解"][4] == "（语音述职）" and by_name["钱调解"][6:] == ["未评定", None]
    publicity = table(book["公示记录"])
    assert len(publicity) == await count(seeded, "SELECT count(*) FROM post_publicity WHERE posted_at IS NOT NULL")
    assert {r[1] for r in publicity} == {"一村党支部", "二村党支部"}
    # Posted to the group as Telegram HTML (「📋 <b>…公示</b>」): printed as plain text, the names as typed.
    text = publicity[0][3]
    assert text.startswith("支部") and text.split("\n")[0].endswith("2026年第三季度设岗定责公示")
    assert f"1. {TOM}（治安巡逻岗）" in text and "<b>" not in text and "&lt;" not in text and "📋" not in text


# ------------------------------------------------------------------------- 联户 and 民情诉求
async def test_households_and_requests(seeded: Store, tmp_path: Path) -> None:
    book = await book_of(seeded, tmp_path / "all")
    households = table(book["联户台账"])
    assert len(households) == await count(seeded, "SELECT count(*) FROM households")
    liu = next(r for r in households if r[0] == "刘大爷")
    assert liu[4] == "13900000001" and liu[6:9] == ["赵巡逻", "一村党支部", "独居老人"]
    assert liu[9].date().isoformat() == "2026-10-20"
    assert next(r for r in households if r[0] == "没人联系的户")[9] == "未走访"
    requests = table(book["民情诉求台账"])
    assert len(requests) == await count(seeded, "SELECT count(*) FROM requests")
    done = next(r for r in requests if r[3] == "路灯坏了")
    assert done[4:6] == ["已办结", "赵巡逻"] and done[7:9] == ["已修好", "满意"] and done[9].day == 25
    assert next(r for r in requests if r[3] == f"{FORMULA} 想办低保")[4] == "办理中"


# ------------------------------------------------------------------------- 已阅
async def test_mobile_ledger_says_who_read_each_report(seeded: Store, tmp_path: Path) -> None:
    mobile = table((await book_of(seeded, tmp_path / "all"))["流动党员台账"])
    read = {(r[0], r[5]): r[9] for r in mobile}
    assert read["张流动", "2026年9月"] == "李联络、王书记"
    assert read["张流动", "2026年10月"] == "未阅"
    assert read["张流动", "2025年8月"] is None  # never handed in: nothing to read


# ------------------------------------------------------------------------- whose workbook
async def test_a_secretary_sees_only_their_units_in_the_new_sheets(seeded: Store, tmp_path: Path) -> None:
    units = await branch(seeded, "一村党支部")
    book = await book_of(seeded, tmp_path / "one", units)
    assert [r[0] for r in table(book["联户台账"])] == ["刘大爷"]
    assert [r[3] for r in table(book["民情诉求台账"])] == ["路灯坏了"]
    assert [r[1] for r in table(book["公示记录"])] == ["一村党支部"]
    assert len(table(book["述职评议"])) == 2
    meetings = rows(book["三会一课完成情况"])
    assert not any(r[0] == "二村党支部2026年三会一课完成情况" for r in meetings)
    assert any(r[0] == "一村党支部2026年三会一课完成情况" for r in meetings)
    values = every_value(book)
    for outside in ("二村党支部", "周普通", "13900000002", "想办低保", "党委会研究工作", "没人联系的户"):
        assert not any(outside in v for v in values), outside
    other = await book_of(seeded, tmp_path / "two", await branch(seeded, "二村党支部"))
    assert [r[0] for r in table(other["联户台账"])] == [f"户主 {TOM}"]
    assert len(table(other["述职评议"])) == 0
    assert not any("刘大爷" in v or "路灯" in v for v in every_value(other))


async def test_the_new_sheets_in_english(seeded: Store, tmp_path: Path) -> None:
    book = await book_of(seeded, tmp_path / "en", lang="en")
    assert rows(book["Households"])[0][:2] == ["Head of household", "Building"]
    assert rows(book["Attendance"])[0][8] == "Leave approved"
    attendance = table(book["Attendance"])
    assert {r[8] for r in attendance} >= {"approved", "refused", "pending"}
    assert "registered by the secretary" in {r[10] for r in attendance}
    assert table(book["Quarterly accounts"])[0][0] == "Q3 2026"
    assert {r[4] for r in table(book["Requests"])} == {"resolved", "in progress"}
    assert any(r[0] == "一村党支部: meetings held in 2026" for r in rows(book["Meetings by month"]))
