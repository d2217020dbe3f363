"""三会一课完成情况: the year's grid of each branch on a sheet of its own, a printed page each, from
`bot.services.ledger.overview.ledger_year` — the grid of `/ledger`, with the same lines and marks: a row per month,
per quarter and the year; a column per requirement (党小组会: one per Party group) and the total held. Where a
requirement falls due (its own period) the cell is "held/required mark" (met / not met / not yet due, as √ × ○:
symbols every CJK font prints); elsewhere it is the count held. The 统计 chart of meetings held against required
per month takes each requirement where it falls due (a quarter's in its last month, the year's in December)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.ledger import Mark, Period, periods
from bot.services.kernel.deps import Deps
from bot.services.kernel.xlsx_book import Table
from bot.services.kernel.xlsx_cells import Month, Printing
from bot.services.kernel.xlsx_context import Ledger
from bot.services.ledger.grid import Line, Meeting, UnitLedger
from bot.services.ledger.overview import LedgerScope, ledger_year
from bot.services.notices.sheet import KindNames

MARKS = {Mark.MET: "grid.met", Mark.MISSED: "grid.not_met", Mark.OPEN: "grid.open", Mark.NOT_KEPT: "grid.not_kept"}


def _spans(year: int) -> list[Period]:
    return [*periods(year, "month"), *periods(year, "quarter"), *periods(year, "year")]


def _label(ledger: Ledger, period: Period) -> str:
    if period.per == "month":
        return ledger.text("grid.month", month=period.index)
    if period.per == "quarter":
        return ledger.text(f"grid.quarter.{period.index}")
    return ledger.text("grid.year", year=period.year)


def _held(ledger: Ledger, unit: UnitLedger, line: Line) -> list[Meeting]:
    """The meetings counted on a line: of its type, and for a 党小组会 of its Party group."""
    return [
        m
        for m in unit.held_meetings
        if m.kind == line.kind and (line.group is None or ledger.unit(m.unit_id) == line.group)
    ]


def cell_text(ledger: Ledger, held: int, required: int, mark: Mark) -> str:
    return ledger.text("grid.cell", held=held, required=required, mark=ledger.text(MARKS[mark]))


@dataclass(frozen=True)
class _Sheet:
    """Where the grids go: the workbook's context, the sheet's table, and the meeting types' names."""

    ledger: Ledger
    table: Table
    kinds: Mapping[str, str]


def _grid(sheet: _Sheet, top: int, unit: UnitLedger) -> int:
    ledger, table, kinds = sheet.ledger, sheet.table, sheet.kinds
    book, year = ledger.book, ledger.year
    heads = [
        kinds[ln.kind] if ln.group is None else ledger.text("grid.group_line", kind=kinds[ln.kind], group=ln.group)
        for ln in unit.lines
    ]
    table.break_before(top)
    table.put(top, [ledger.text("grid.title", unit=unit.name, year=year)], book.title, height=22)
    table.put(top + 1, [ledger.text("grid.legend")], book.note)
    table.put(top + 2, [ledger.text("grid.period"), *heads, ledger.text("grid.total")], book.head)
    row = top + 3
    centred = [book.box, *[book.center_box] * (len(heads) + 1)]
    counted = [_held(ledger, unit, ln) for ln in unit.lines]
    for period in _spans(year):
        cells: list[object] = [_label(ledger, period)]
        for line, held in zip(unit.lines, counted, strict=True):
            cell = line.cell(period)
            cells.append(
                cell_text(ledger, cell.held, cell.required, cell.mark)
                if cell is not None
                else sum(1 for m in held if period.holds(m.day))
            )
        cells.append(len(unit.held_in(period.start, period.end)))
        table.put(row, cells, centred)
        row += 1
    return row


async def grid_sheet(ledger: Ledger) -> None:
    """三会一课完成情况: each branch's grid of the year, a printed page each, and the chart's monthly figures."""
    table = ledger.book.table(ledger.text("grid.sheet"), [], printing=Printing(ruled=False))
    table.lists = False
    kinds = KindNames(ledger.lang)
    scope = LedgerScope(ledger.units, ledger.year, ledger.now)
    year = await ledger_year(Deps(ledger.store, ledger.settings), scope, ledger.tree)
    tally = ledger.tally
    for month in range(1, 13):
        tally.held_by_month[Month(ledger.year, month)] += 0
        tally.required_by_month.setdefault(Month(ledger.year, month), 0)
    row = 0
    for unit in year.units:
        for line in unit.lines:
            for cell in line.cells:
                due = Month(ledger.year, cell.period.end.month - 1 or 12)  # the period's last month
                tally.required_by_month[due] += cell.required
                tally.held_by_month[due] += cell.held
        row = _grid(_Sheet(ledger, table, kinds), row, unit) + 1
    if not year.units:
        table.put(0, [ledger.text("stats.empty")])
        row = 1
    table.row_no = row
