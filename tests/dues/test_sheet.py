"""党费收缴台账 in the workbook and the dues CSV files: one row per member and month with 基数, 比例, 应交, 实交,
交纳日期, 经手人; the month totals equal the payments; a secretary's workbook holds their branches only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain import dues as rules
from bot.domain.rights import OrgTree
from bot.services.dues.export import dues_payment_rows
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.store import Store
from tests.support.harness import SMALL_ROSTER, load_roster
from tests.support.xlsx_data import NOW, SETTINGS, member, open_book, rows

SET = datetime(2026, 1, 3, 2, tzinfo=UTC)


@pytest.fixture
async def seeded(store: Store) -> Store:
    await load_roster(store, SMALL_ROSTER)
    one, two, secretary = [await member(store, n) for n in ("钱调解", "周普通", "王书记")]
    await store.dues.set_rule(one.id, 2026, "employed", 450000, 100, 4500, False, secretary.id, SET)
    await store.dues.set_rule(two.id, 2026, "farmer", None, 0, 50, False, None, SET)
    for first, last, amount, day in (
        ("2026-01", "2026-01", 4500, "2026-01-10"),
        ("2026-02", "2026-04", 13500, "2026-04-02"),  # 补交
        ("2026-05", "2026-05", 45000, "2026-05-03"),  # wrong, corrected below
    ):
        await store.dues.add_payment(
            one.id, first, last, amount, "cash", datetime.fromisoformat(day).date(), secretary.id, SET
        )
    await store.dues.add_payment(
        one.id, "2026-05", "2026-05", -45000, "cash", NOW.date(), secretary.id, SET, corrects=3
    )
    await store.dues.add_payment(two.id, "2026-01", "2026-12", 600, "transfer", NOW.date(), None, SET)  # 预交
    return store


async def book_of(store: Store, folder: Path, units: set[int] | None = None) -> Any:
    tree = OrgTree.of(await store.units.all())
    folder.mkdir(exist_ok=True)
    return open_book(await write_ledger(store, SETTINGS, folder, LedgerOrder(tree, units, "zh", NOW)))


async def test_the_ledger_rows_and_totals_equal_the_payments(seeded: Store, tmp_path: Path) -> None:
    book = await book_of(seeded, tmp_path / "all")
    sheet = rows(book["党费收缴台账"])
    assert sheet[0] == [
        "月份",
        "姓名",
        "支部",
        "类别",
        "基数（元）",
        "比例",
        "应交（元）",
        "实交（元）",
        "交纳日期",
        "经手人",
    ]
    body = [r for r in sheet[1:] if any(v is not None for v in r)]
    members = [r for r in body if r[1] != "本月合计"]
    totals = {r[0].month: r for r in body if r[1] == "本月合计"}
    march = next(r for r in members if r[0] == datetime(2026, 3, 1) and r[1] == "钱调解")
    assert march[3:8] == ["在职", "4500.00", "1%", "45.00", "45.00"]
    assert march[9] == "王书记" and str(march[8])[:10] == "2026-04-02"
    may = next(r for r in members if r[0] == datetime(2026, 5, 1) and r[1] == "钱调解")
    assert may[7] == "0.00" and may[8] is None  # the wrong entry and its correction cancel out
    paid = sum(rules.parse_money(r[7].lstrip("-")) * (-1 if r[7].startswith("-") else 1) for r in members)  # type: ignore[operator]
    row = await seeded.db.fetchone("SELECT sum(amount) FROM dues_payments")
    assert row is not None and paid == row[0] == 4500 + 13500 + 600
    assert sum(rules.parse_money(t[7]) or 0 for t in totals.values()) == row[0]
    assert totals[1][6] == "45.50" and totals[1][7] == "45.50"  # 45 + 0.5 due, both paid
    assert totals[12][6] == "45.50" and totals[12][7] == "0.50"
    first = book["党费收缴台账"]["A2"]
    assert first.number_format == 'yyyy"年"m"月"' and first.value == datetime(2026, 1, 1)  # read as 2026年1月


async def test_a_secretarys_ledger_and_csv_hold_their_branches_only(seeded: Store, tmp_path: Path) -> None:
    tree = OrgTree.of(await seeded.units.all())
    [yicun] = tree.find("一村党支部")
    units = tree.subtree(yicun.id)
    book = await book_of(seeded, tmp_path / "one", units)
    names = {r[1] for r in rows(book["党费收缴台账"])[1:] if r[1] is not None}
    assert names == {"钱调解", "本月合计"}
    csv = [r async for r in dues_payment_rows(seeded, tree, units)]
    assert [(r[5], r[7]) for r in csv] == [
        (4500, "on_time"),
        (13500, "late"),
        (45000, "on_time"),
        (-45000, "correction"),
    ]


async def test_the_base_review_lists_each_rule_of_the_year(seeded: Store, tmp_path: Path) -> None:
    """党费基数核定表: category, base, rate (定额 for a fixed amount), monthly and yearly amount; a member whose base
    of the year is not declared yet keeps last year's rule and the sheet says so."""
    zhang = await member(seeded, "张流动")
    await seeded.dues.set_rule(zhang.id, 2025, "retired", 600000, 100, 7000, True, None, SET.replace(year=2025))
    book = await book_of(seeded, tmp_path / "base")
    sheet = rows(book["党费基数核定表"])
    assert sheet[0][:7] == ["姓名", "支部", "类别", "月收入基数（元）", "比例", "每月应交（元）", "全年应交（元）"]
    body = {r[0]: r for r in sheet[1:] if r[0] is not None}
    assert body["钱调解"][2:9] == ["在职", "4500.00", "1%", "45.00", "540.00", None, "2026"]
    assert str(body["钱调解"][9])[:10] == "2026-01-03"
    assert body["周普通"][2:9] == ["农民", None, "定额", "0.50", "6.00", None, "2026"]
    assert body["张流动"][2:9] == ["离退休", "6000.00", "1%", "70.00", "840.00", "是", "沿用2025年"]


async def test_the_recorder_of_each_entry_is_in_the_sheet_and_the_csv(seeded: Store, tmp_path: Path) -> None:
    """经手人: whoever recorded the entry standing for the month — the secretary, 一村's 收缴人, nobody for an
    administrator outside the roster (社区党委 on the sheet, empty in the CSV) — in 党费收缴台账 and the CSV."""
    qian, zhao = await member(seeded, "钱调解"), await member(seeded, "赵巡逻")
    await seeded.dues.collectors.set(zhao.id, zhao.unit_id, None, SET, None)
    await seeded.dues.add_payment(qian.id, "2026-06", "2026-06", 4500, "cash", NOW.date(), zhao.id, SET)
    book = await book_of(seeded, tmp_path / "by")
    sheet = rows(book["党费收缴台账"])
    by = {(r[0].month, r[1]): r[9] for r in sheet[1:] if r[0] is not None}
    assert by[(3, "钱调解")] == "王书记" and by[(6, "钱调解")] == "赵巡逻" and by[(1, "周普通")] == "社区党委"
    tree = OrgTree.of(await seeded.units.all())
    csv = [r async for r in dues_payment_rows(seeded, tree, None)]
    assert [(r[3], r[9]) for r in csv if r[1] == "钱调解"][-1] == ("2026-06", "赵巡逻")
    assert [r[9] for r in csv if r[1] == "周普通"] == [""]
