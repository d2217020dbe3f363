"""The 党务公开 sheets of the workbook: 「党务公开台账」 with each item's dates and objections counted (never who
objected), and 「党务公开栏」, the A4 page of what is being made public on the export's day."""

from __future__ import annotations

from pathlib import Path

from bot.domain.rights import OrgTree
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.store import Store
from tests.support.harness import SMALL_ROSTER, load_roster
from tests.support.xlsx_data import NOW, SETTINGS, every_value, open_book, rows, seed


async def test_the_ledger_and_the_board(store: Store, tmp_path: Path) -> None:
    await load_roster(store, SMALL_ROSTER)
    await seed(store)
    tree = OrgTree.of(await store.units.all())
    path = await write_ledger(store, SETTINGS, tmp_path, LedgerOrder(tree, None, "zh", NOW))
    book = open_book(path)
    ledger = rows(book["党务公开台账"])
    assert ledger[0][:4] == ["编号", "单位", "类别", "标题"] and ledger[0][-2:] == ["异议", "已答复"]
    [item] = ledger[1:]
    assert item[2] == "村级重大事项" and item[3] == "村东道路硬化" and item[7] == 5 and item[-2:] == [1, 1]
    assert item[5].date().isoformat() == "2026-11-18" and item[6].date().isoformat() == "2026-11-24"
    board = rows(book["党务公开栏"])
    assert board[0] == ["公示事项", "公示内容", "公示期"]
    [pinned] = board[1:]
    assert "村东道路硬化" in pinned[0] and "11月18日" in pinned[2] and "共 5 个工作日" in pinned[2]
    assert book["党务公开栏"].page_setup.orientation == "portrait"
    values = every_value(book)
    assert not any("老刘异议人" in v or "预算太高" in v for v in values)  # who objected, and what, stay private
