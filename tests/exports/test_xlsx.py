"""The Excel ledger (issue 14): sheets, headers and rows against the database, values a spreadsheet trips on,
dates, print setup, charts, a secretary's units only, English, and the command line."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import cli
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.care.sheet import CASE_COLUMNS, VISIT_COLUMNS
from bot.services.dues.sheet import COLUMNS as DUES_COLUMNS
from bot.services.duty.sheet import DUTY_COLUMNS
from bot.services.duty.sheet_posts import ACCOUNT_COLUMNS, PUBLICITY_COLUMNS
from bot.services.exports.export import EXPORTS
from bot.services.exports.workbook import SHEETS, LedgerOrder, file_name, write_ledger
from bot.services.households.sheet import HOUSEHOLD_COLUMNS, REQUEST_COLUMNS
from bot.services.kernel import xlsx_book
from bot.services.kernel.xlsx_book import MIN_SCALE
from bot.services.kernel.xlsx_cells import serial, xml_text
from bot.services.members.sheet import CONTACT_COLUMNS, MOBILE_COLUMNS, ROSTER_COLUMNS, STATUS_COLUMNS
from bot.services.minutes.sheet import MINUTES_COLUMNS
from bot.services.notices.sheet import ATTENDANCE_COLUMNS, MEETING_COLUMNS
from bot.store import Store
from tests.support.harness import SMALL_ROSTER, load_roster
from tests.support.xlsx_data import (
    CONTENT,
    ESCAPE_LOOKALIKE,
    FORMULA,
    ID_NUMBER,
    LONG,
    MARKUP,
    NOW,
    SETTINGS,
    SHANGHAI,
    TOM,
    every_value,
    open_book,
    parts,
    rows,
    seed,
)

ZH_SHEETS = [
    "封面",
    "目录",
    "党员花名册",
    "流动党员台账",
    "流动党员和外来党员登记",
    "三会一课台账",
    "会议记录",
    "三会一课完成情况",
    "会议考勤明细",
    "设岗定责考核",
    "述职评议",
    "公示记录",
    "党务公开台账",
    "党务公开栏",
    "联户台账",
    "民情诉求台账",
    "困难党员台账",
    "帮扶走访记录",
    "入党积极分子培养考察登记",
    "发展党员工作台账",
    "党费收缴台账",
    "党费基数核定表",
    "谈心谈话记录",
    "民主评议党员结果",
    "整改清单",
    "党员承诺",
    "组织关系转接登记",
    "在职党员到社区报到",
    "党员学习培训学时统计",
    "联系记录",
    "动态报备",
    "统计",
]
EN_SHEETS = [
    "Cover",
    "Contents",
    "Members",
    "Mobile members",
    "Mobile and incoming members",
    "Meetings",
    "Minutes",
    "Meetings by month",
    "Attendance",
    "Duty posts",
    "Quarterly accounts",
    "Publicity",
    "Public notices",
    "Notice board",
    "Households",
    "Requests",
    "Care cases",
    "Care visits",
    "Activists",
    "Admissions",
    "Party dues",
    "Dues base",
    "Talks",
    "Appraisal",
    "Rectification",
    "Pledges",
    "Transfers of relation",
    "Working members' service",
    "Study hours",
    "Contacts",
    "Status reports",
    "Statistics",
]
COLUMNS = {
    "roster": ROSTER_COLUMNS,
    "mobile": MOBILE_COLUMNS,
    "meetings": MEETING_COLUMNS,
    "minutes": MINUTES_COLUMNS,
    "attendance": ATTENDANCE_COLUMNS,
    "duty": DUTY_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "status": STATUS_COLUMNS,
    "accounts": ACCOUNT_COLUMNS,
    "publicity": PUBLICITY_COLUMNS,
    "households": HOUSEHOLD_COLUMNS,
    "requests": REQUEST_COLUMNS,
    "care": CASE_COLUMNS,
    "care_visits": VISIT_COLUMNS,
    "dues": DUES_COLUMNS,
}
#: Held, as the 三会一课台账 says it: not cancelled, begun, someone checked in.
HELD = "cancelled_at IS NULL AND starts_at <= ? AND EXISTS (SELECT 1 FROM checkins k WHERE k.notice_id = notices.id)"


@pytest.fixture
async def seeded(store: Store) -> Store:
    await load_roster(store, SMALL_ROSTER)
    await seed(store)
    return store


async def ledger(store: Store, folder: Path, units: set[int] | None = None, lang: str = "zh") -> Path:
    tree = OrgTree.of(await store.units.all())
    folder.mkdir(exist_ok=True)
    return await write_ledger(store, SETTINGS, folder, LedgerOrder(tree, units, lang, NOW))


async def branch(store: Store, name: str) -> set[int]:
    tree = OrgTree.of(await store.units.all())
    [unit] = tree.find(name)
    return tree.subtree(unit.id)


async def count(store: Store, sql: str, params: tuple[object, ...] = ()) -> int:
    row = await store.db.fetchone(sql, params)
    assert row is not None
    return int(row[0])


def figures(row: list[Any]) -> list[Any]:
    """A 设岗定责考核 row's patrols, minutes, mediations by outcome, points and 是否达标."""
    return row[4:10] + row[11:13]


def data_rows(sheet: Any) -> list[list[Any]]:
    """The rows under the header, up to the first empty row (the 三会一课 grid follows one)."""
    out = []
    for row in rows(sheet)[1:]:
        if all(v is None for v in row):
            break
        out.append(row)
    return out


# ------------------------------------------------------------------------- sheets, headers, rows
async def test_sheets_headers_and_rows_match_the_database(seeded: Store, tmp_path: Path) -> None:
    path = await ledger(seeded, tmp_path / "all")
    assert path.name == "台账-测试社区党委-2026-11-20.xlsx"
    assert path.stat().st_mode & 0o777 == 0o600
    book = open_book(path)
    front = [t("zh", "xlsx.cover.sheet"), t("zh", "xlsx.contents.sheet")]
    assert book.sheetnames == ZH_SHEETS == front + [t("zh", f"xlsx.{s.key}.sheet") for s in SHEETS]
    for key, columns in COLUMNS.items():
        sheet = book[t("zh", f"xlsx.{key}.sheet")]
        assert rows(sheet)[0][: len(columns)] == [t("zh", f"xlsx.{key}.col.{c}") for c in columns], key
    held = HELD
    now = (NOW.isoformat(),)
    assert len(data_rows(book["党员花名册"])) == await count(seeded, "SELECT count(*) FROM members")
    assert len(data_rows(book["困难党员台账"])) == await count(seeded, "SELECT count(*) FROM care_cases") == 2
    assert len(data_rows(book["帮扶走访记录"])) == await count(seeded, "SELECT count(*) FROM care_visits") == 1
    assert len(data_rows(book["三会一课台账"])) == await count(
        seeded, f"SELECT count(*) FROM notices WHERE {held}", now
    )
    assert len(data_rows(book["会议考勤明细"])) == await count(
        seeded, f"SELECT count(*) FROM notice_members WHERE notice_id IN (SELECT id FROM notices WHERE {held})", now
    )
    assert len(data_rows(book["联系记录"])) == await count(seeded, "SELECT count(*) FROM contacts")
    assert len(data_rows(book["动态报备"])) == await count(seeded, "SELECT count(*) FROM status_reports")
    # 张流动: monthly from 2025-08 to 2026-10 (November has not ended); 陈外出: quarterly, Q1 to Q3 of 2026.
    mobile = data_rows(book["流动党员台账"])
    assert len(mobile) == 15 + 3
    verdicts = {(r[0], r[5]): r[8] for r in mobile}
    assert verdicts["张流动", "2026年9月"] == "按时" and verdicts["张流动", "2026年10月"] == "逾期"
    assert verdicts["张流动", "2025年8月"] == "未交"
    assert [v for (name, _), v in verdicts.items() if name == "陈外出"] == ["按时", "未交", "未交"]
    # Two months (the first log's to this one) × two post-holders.
    duty = {(r[0].month, r[1]): r for r in data_rows(book["设岗定责考核"])}
    assert len(duty) == 4
    assert figures(duty[10, "赵巡逻"]) == [4, 160, 0, 0, 0, 0, 5, "达标"]
    assert figures(duty[10, "钱调解"]) == [0, 0, 1, 1, 0, 0, 3, "达标"]
    # November: only the approved patrol counts (one waits for review, one was turned down); 钱调解's approved
    # 环境卫生岗 entry scores by that post's rule, and the mediation post's minimum is still not met.
    assert figures(duty[11, "赵巡逻"]) == [1, 45, 0, 0, 0, 0, 1, "未达标"]
    assert duty[11, "钱调解"][11:13] == [2, "未达标"]


async def test_meetings_have_their_figures_and_the_years_grid(seeded: Store, tmp_path: Path) -> None:
    book = open_book(await ledger(seeded, tmp_path / "all"))
    sheet = book["三会一课台账"]
    meetings = data_rows(sheet)
    assert [m[1] for m in meetings] == ["支部党员大会", "党小组会", "支部党员大会", "党委会", "支部党员大会", "党课"]
    march = meetings[0]
    assert march[0] == datetime(2026, 3, 10, 9, 0)  # local time, a real date
    assert march[2:5] == ["一村党支部", f"3月党员大会 {FORMULA}", "村委会"]
    # 应到 6, 实到 4 (one by proxy), 请假 1 (张流动), 缺席 1 (吴未绑定): more than half, so a quorum.
    # 会议形式 and 补录 after the place (issue 23): on site, not entered afterwards
    assert march[5:7] == ["现场", None]
    assert march[10:15] == [6, 4, 1, 1, "吴未绑定"] and march[16] == "是"
    assert meetings[5][10:14] == [6, 1, 0, 5] and meetings[5][16] is None  # a lecture has no quorum to reach
    everything = rows(book["三会一课完成情况"])
    # One grid per branch (the lines of `/ledger`), on a sheet of its own: a count where a requirement is not
    # due, else held/required and a mark every CJK font prints.
    top = next(n for n, r in enumerate(everything) if r[0] == "一村党支部2026年三会一课完成情况")
    head = everything[top + 2]
    assert head[:3] == ["时间", "支部党员大会", "支委会"]
    by_label = {r[0]: r for r in everything[top + 3 : top + 3 + 17]}
    lecture, total = head.index("党课"), head.index("合计")
    assert by_label["3月"][1] == 1 and by_label["10月"][lecture] == 1
    # June's 支部党员大会 met without its quorum (1 of 3 with a vote): listed, never counted as held (issue 23)
    assert by_label["第一季度"][1] == "1/1 √" and by_label["第二季度"][1] == "0/1 ×"
    assert by_label["第四季度"][1] == "0/1 ○"
    assert by_label["2026年全年"][1] == 2 and by_label["2026年全年"][total] == 3
    other = next(n for n, r in enumerate(everything) if r[0] == "二村党支部2026年三会一课完成情况")
    by_label = {r[0]: r for r in everything[other + 3 : other + 3 + 17]}
    assert by_label["4月"][everything[other + 2].index("合计")] == 1  # a 党小组会 of the branch itself: no line
    attendance = {
        (r[0].month, r[3]): r for r in data_rows(open_book(await ledger(seeded, tmp_path / "again"))["会议考勤明细"])
    }
    assert attendance[3, "张流动"][6:9] == ["请假", f"{FORMULA} 在外务工", "准假"]
    assert attendance[3, "李联络"][10] == "书记登记" and attendance[3, "吴未绑定"][6] == "未回复"


async def test_the_minutes_book_has_content_and_each_resolution_with_its_vote(seeded: Store, tmp_path: Path) -> None:
    book = open_book(await ledger(seeded, tmp_path / "all"))
    minutes = {(r[0].month, r[1]): r for r in data_rows(book["会议记录"])}
    assert len(minutes) == len(data_rows(book["三会一课台账"]))  # every meeting held, minutes or not
    september = minutes[9, "支部党员大会"]
    assert september[2:6] == ["一村党支部", f"9月党员大会 {FORMULA}", "王书记", "李联络"]
    assert september[6] == CONTENT
    assert september[7].split("\n") == [
        "1. 同意村东头道路硬化工程由党员带头出工，每户出工不少于两天（赞成 3 票，反对 0 票，弃权 1 票）",
        f"2. 同意推荐赵巡逻为优秀共产党员候选人 {FORMULA}（赞成 4 票，反对 0 票，弃权 0 票）",
    ]
    assert minutes[10, "党课"][6:8] == ["学习二十大报告第一部分", "无"]  # minutes without a resolution
    assert minutes[6, "支部党员大会"][4:8] == [None, None, "未录入会议记录", None]  # the gap shows
    lecture = next(r for r in data_rows(book["三会一课台账"]) if r[1] == "党课")
    assert lecture[7:10] == ["王书记", "王书记", "王书记"]  # 主持人, 授课人, 记录人
    assert all(r[8] is None for r in data_rows(book["三会一课台账"]) if r[1] != "党课")  # 授课人: a 党课's only


async def test_the_cover_and_the_contents(seeded: Store, tmp_path: Path) -> None:
    units = await branch(seeded, "一村党支部")
    tree = OrgTree.of(await seeded.units.all())
    (tmp_path / "one").mkdir()
    path = await write_ledger(
        seeded, SETTINGS, tmp_path / "one", LedgerOrder(tree, units, "zh", NOW, compiler="王书记")
    )
    book = open_book(path)
    cover = {r[1]: r[2] for r in rows(book["封面"]) if len(r) > 2 and r[1]}
    assert cover["单　　位"] == "一村党支部" and cover["年　　度"] == "2026年" and cover["台账名称"] == "党组织工作台账"
    assert cover["编 制 人"] == "王书记" and cover["编制日期"] == "2026年11月20日"
    assert cover["记录起止"] == "2025年8月1日至2026年11月20日"
    assert cover["审 核 人（签字）"] == "" and cover["支部书记（签字）"] == ""  # lines to sign on
    contents = data_rows(book["目录"])
    assert [r[1] for r in contents] == ZH_SHEETS[2:] and [r[0] for r in contents] == list(range(1, len(contents) + 1))
    counts = {r[1]: r[3] for r in contents}
    assert counts["党员花名册"] == 6 and counts["三会一课台账"] == 4 and counts["会议记录"] == 4
    assert counts["联系记录"] == 1 and counts["统计"] is None
    assert all(r[2] for r in contents)  # what each holds
    anyone = open_book(await ledger(seeded, tmp_path / "all"))
    assert {r[1]: r[2] for r in rows(anyone["封面"]) if len(r) > 2 and r[1]}["编 制 人"] == ""  # a line to write on


# ------------------------------------------------------------------------- values, dates, print setup, charts
async def test_user_text_stays_text_exactly_as_typed(seeded: Store, tmp_path: Path) -> None:
    path = await ledger(seeded, tmp_path / "all")
    book = open_book(path)
    status = {r[5]: r for r in data_rows(book["动态报备"])}
    assert set(status) == {FORMULA, LONG, MARKUP} and len(LONG) == 200
    assert status[FORMULA][4] == TOM
    contacts = [r[4] for r in data_rows(book["联系记录"])]
    # A literal _xHHHH_ is escaped as Excel does (Excel shows it as typed; openpyxl does not undo the escape).
    assert contacts == ["_x005F" + ESCAPE_LOOKALIKE, f"{FORMULA} {TOM}"]
    assert TOM in every_value(book)
    assert not any(ID_NUMBER in v or ID_NUMBER[6:14] in v for v in every_value(book))  # never a 身份证号 (issue 27)
    moving = data_rows(book["组织关系转接登记"])
    assert [r[:5] for r in moving] == [["转出", "赵巡逻", "一村党支部", "中共某县某镇委员会", "2026-031"]]
    register = {(r[0], r[2]): r for r in data_rows(book["流动党员和外来党员登记"])}
    assert register[("张流动", "流出")][7] == "LD-2025-08" and register[(TOM, "外来")][5] == "县供电公司党委"
    assert [r[4] for r in data_rows(book["在职党员到社区报到"])] == ["报到", "服务活动"]
    study = {r[0]: r for r in data_rows(book["党员学习培训学时统计"])}
    assert study["张流动"][3] == "8" and study["张流动"][5] == "否"
    sheet = book["动态报备"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value in (FORMULA, LONG, MARKUP, TOM)]
    assert len(cells) == 4 and {c.data_type for c in cells} == {"s"}
    for name, data in parts(path).items():
        if name.startswith("xl/worksheets/"):
            assert b"<f>" not in data and b"<f " not in data, name  # not one formula anywhere


async def test_dates_are_real_dates_in_chinese_format(seeded: Store, tmp_path: Path) -> None:
    book = open_book(await ledger(seeded, tmp_path / "all"))
    first = book["动态报备"]["A2"]
    assert first.value == datetime(2026, 9, 1, 10, 0) and first.is_date
    assert first.number_format == 'yyyy"年"m"月"d"日" hh:mm'
    deadline = book["流动党员台账"]["G2"]
    assert deadline.value == datetime(2025, 8, 31) and deadline.number_format == 'yyyy"年"m"月"d"日"'
    assert book["设岗定责考核"]["A2"].number_format == 'yyyy"年"m"月"'


async def test_every_sheet_is_set_up_for_printing(seeded: Store, tmp_path: Path) -> None:
    book = open_book(await ledger(seeded, tmp_path / "all"))
    for sheet in book.worksheets:
        upright = sheet.title in ("封面", "目录", "党务公开栏")
        assert sheet.page_setup.orientation == ("portrait" if upright else "landscape"), sheet.title
        assert str(sheet.page_setup.paperSize) == "9", sheet.title  # A4
        # A fixed scale, never "fit to page" (which shrinks a wide sheet to unreadable type).
        assert not (sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage)
        assert MIN_SCALE <= (sheet.page_setup.scale or 100) <= 100, sheet.title
        if sheet.title == "封面":
            assert sheet.oddHeader.center.text is None and sheet.oddFooter.center.text is None
            continue
        assert "测试社区党委" in sheet.oddHeader.left.text and sheet.oddHeader.center.text == "&A"
        assert sheet.oddHeader.right.text == "2025年8月1日至2026年11月20日"  # the first record to the export's day
        assert "记录人" in sheet.oddFooter.left.text and "审核人" in sheet.oddFooter.left.text
        assert sheet.oddFooter.right.text.startswith("党委书记（签字）")  # the community's: its committee's secretary
        assert "&P" in sheet.oddFooter.center.text
        # The grid prints on the lists; the year grid and the charts' tables have borders of their own.
        assert bool(sheet.print_options.gridLines) == (sheet.title not in ("统计", "三会一课完成情况")), sheet.title
        if sheet.title not in ("统计", "三会一课完成情况"):
            assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2", sheet.title
            assert sheet.auto_filter.ref is not None
    roster = book["党员花名册"]
    assert roster.column_dimensions["A"].width >= len("姓名") * 2
    assert roster.column_dimensions["B"].width >= len("一村党支部") * 2  # sized to the content, not the header


async def test_the_statistics_sheet_has_four_native_charts(seeded: Store, tmp_path: Path) -> None:
    path = await ledger(seeded, tmp_path / "all")
    charts = sorted(name for name in parts(path) if name.startswith("xl/charts/chart"))
    assert charts == [f"xl/charts/chart{n}.xml" for n in range(1, 5)]
    sheet = open_book(path)["统计"]
    assert len(sheet._charts) == 4
    values = rows(sheet)
    assert values[0][0] == "每月三会一课：已开与应开" and values[1][:3] == ["月份", "已开", "应开"]
    assert values[2 + 2][:3] == ["3月", 1, 10]  # 应开: 一村 six lines due in March, 二村 four
    labels = [r[0] for r in values if r[0]]
    assert {"思想汇报按时情况", "设岗定责每月积分", "每次会议出勤率"} <= set(labels)
    rates = next(n for n, r in enumerate(values) if r[0] == "每次会议出勤率")
    assert values[rates + 2][1] == pytest.approx(4 / 6)
    series = parts(path)["xl/charts/chart1.xml"].decode()
    assert "统计" in series and "<c:barChart>" in series
    assert series.count("<c:ser>") == 2  # held and required (the rules of 三会一课 are known now)


async def test_rows_past_the_measured_ones_are_written_the_same(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the first rows (measured for widths) a row takes the fast path: the cells must be the same."""
    measured = open_book(await ledger(seeded, tmp_path / "measured"))
    monkeypatch.setattr(xlsx_book, "WIDTH_SAMPLE", 0)
    fast = open_book(await ledger(seeded, tmp_path / "fast"))
    for sheet in measured.worksheets:
        other = fast[sheet.title]
        assert [[(c.value, c.number_format, c.data_type) for c in row] for row in sheet.iter_rows()] == [
            [(c.value, c.number_format, c.data_type) for c in row] for row in other.iter_rows()
        ], sheet.title


# ------------------------------------------------------------------------- whose workbook
async def test_a_secretarys_workbook_holds_only_their_units(seeded: Store, tmp_path: Path) -> None:
    units = await branch(seeded, "一村党支部")
    path = await ledger(seeded, tmp_path / "one", units)
    assert path.name == "台账-一村党支部-2026-11-20.xlsx"
    book = open_book(path)
    values = every_value(book)
    for outside in ("二村党支部", "孙书记", "周普通", "陈外出", "冯联络", "社区书记", MARKUP):
        assert not any(outside in v for v in values), outside
    assert TOM not in [r[0] for r in data_rows(book["党员花名册"])]
    assert len(data_rows(book["党员花名册"])) == 6
    assert len(data_rows(book["三会一课台账"])) == 4 and len(data_rows(book["会议考勤明细"])) == 24
    assert len(data_rows(book["流动党员台账"])) == 15
    assert [r[5] for r in data_rows(book["动态报备"])] == [FORMULA, LONG]
    assert "一村党支部" in book["统计"].oddHeader.left.text
    assert book["统计"].oddFooter.right.text.startswith("支部书记（签字）")  # a branch's ledger
    other = open_book(await ledger(seeded, tmp_path / "two", await branch(seeded, "二村党支部")))
    assert len(data_rows(other["设岗定责考核"])) == 0 and len(data_rows(other["三会一课台账"])) == 1
    assert not any("一村" in v or "张流动" in v for v in every_value(other))


async def test_an_english_workbook(seeded: Store, tmp_path: Path) -> None:
    path = await ledger(seeded, tmp_path / "en", lang="en")
    assert path.name == "Ledger-测试社区党委-2026-11-20.xlsx"
    book = open_book(path)
    assert book.sheetnames == EN_SHEETS
    assert rows(book["Members"])[0][:3] == ["Name", "Branch", "Party group"]
    assert book["Status reports"]["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert "general" not in every_value(book)
    assert {r[1] for r in data_rows(book["Meetings"])} == {
        t("en", f"notice.kind.{k}") for k in ("general", "group", "lecture", "party_committee")
    }


async def test_an_empty_community_still_gets_a_workbook(store: Store, tmp_path: Path) -> None:
    await load_roster(store, SMALL_ROSTER)
    book = open_book(await ledger(store, tmp_path / "empty"))
    assert book.sheetnames == ZH_SHEETS
    assert len(data_rows(book["三会一课台账"])) == 0 and "暂无数据" in every_value(book)


def test_file_names_never_carry_path_characters(tmp_path: Path) -> None:
    from bot.domain.models import Unit

    tree = OrgTree.of([Unit(id=1, parent_id=None, kind="committee", name="a/b\\c: d*?<e>|")])
    assert file_name(LedgerOrder(tree, None, "zh", NOW), SHANGHAI) == "台账-a_b_c_d_e-2026-11-20.xlsx"


def test_cell_text_and_serial_dates() -> None:
    assert xml_text("Tom & <Jerry>") == "Tom &amp; &lt;Jerry&gt;"
    assert xml_text("a\x01b") == "a_x0001_b"
    assert xml_text("_x0041_") == "_x005F_x0041_"
    assert serial(datetime(2026, 11, 20, 12)) == 46346.5
    assert serial(datetime(1900, 1, 2)) == 2.0  # before March 1900 Excel counts a day that never was
    assert date(1899, 12, 30).toordinal() + 46346 == date(2026, 11, 20).toordinal()


def test_a_cell_never_holds_more_than_excel_opens(tmp_path: Path) -> None:
    book = xlsx_book.Book(tmp_path / "long.xlsx", "zh", SHANGHAI, tmp_path)
    table = book.table("长", ["备注"])
    table.row(["长" * 40_000])
    table.finish(None)
    book.close()
    assert open_book(tmp_path / "long.xlsx")["长"]["A2"].value == "长" * xlsx_book.MAX_CELL


# ------------------------------------------------------------------------- the command line
@pytest.mark.slow
async def test_the_command_line_writes_the_whole_communitys_workbook(
    seeded: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.services.exports.export.utcnow", lambda: NOW)
    settings = cli.Settings(bot_token="123456:TEST-TOKEN", database_path=seeded.db.path)
    out = tmp_path / "cli"
    assert await cli.export(settings, out) == 0
    [path] = out.glob("*.xlsx")
    assert path.name == "台账-测试社区党委-2026-11-20.xlsx"
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(f.name for f in EXPORTS)  # beside the CSV files
    assert "台账-测试社区党委-2026-11-20.xlsx" in capsys.readouterr().out
    assert len(data_rows(open_book(path)["党员花名册"])) == 12
