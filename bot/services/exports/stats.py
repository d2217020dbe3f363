"""The ledger's 统计 sheet: small tables from the tallies the other sheets gathered, each with a native Excel chart
beside it (meetings held against required per month, attendance rate per meeting, thought reports on time per
period, duty points per month), each table and its chart on a printed page of its own. It is written last: the
sheets before it fill the tallies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.services.kernel.xlsx_book import PIXELS_PER_UNIT, Book, Table
from bot.services.kernel.xlsx_cells import Month, Printing, plain
from bot.services.kernel.xlsx_context import Ledger

#: The most recent meetings, periods and months the charts show (a chart of 500 bars is not read by anyone; the
#: rates chart of the last 24 meetings still fits a landscape page whole).
LAST_MEETINGS, LAST_PERIODS, LAST_MONTHS = 24, 16, 12
CHART_ROWS = 18  # a chart is about 15 rows high: each block takes at least this many rows
CHART_WIDTH, CHART_HEIGHT = 560, 300  # pixels
BAR_HEIGHT = 20  # pixels per meeting in the rates chart
CHART_COL = 5  # right of the widest table (four columns), a column apart
GAP_UNITS = 9.2  # the empty column between: Excel's default width and its padding


@dataclass
class Block:
    """One table of the sheet: its title, header, rows, and the chart drawn from it."""

    key: str
    header: list[str]
    rows: list[list[object]]
    kind: str
    subtype: str | None = None
    percent: bool = False
    top: int = 0


def _blocks(ledger: Ledger) -> list[Block]:
    tally, year = ledger.tally, ledger.year
    months = [Month(year, m) for m in range(1, 13)]
    meetings: list[list[object]] = [
        [ledger.text("grid.month", month=m.month), tally.held_by_month.get(m, 0), tally.required_by_month.get(m)]
        for m in months
    ]
    periods = sorted(tally.periods.values(), key=lambda p: (p.end, p.label))[-LAST_PERIODS:]
    reports: list[list[object]] = [[p.label, p.on_time, p.late, p.missing] for p in periods]
    points: list[list[object]] = [
        [ledger.text("stats.month", year=m.year, month=m.month), tally.duty_points[m]]
        for m in sorted(tally.duty_points, key=lambda m: (m.year, m.month))[-LAST_MONTHS:]
    ]
    rates: list[list[object]] = [[label, rate] for label, rate in tally.rates[-LAST_MEETINGS:]]
    return [
        Block(
            "meetings",
            [ledger.text("stats.col.month"), ledger.text("stats.col.held"), ledger.text("stats.col.required")],
            meetings,
            "column",
        ),
        Block(
            "reports",
            [
                ledger.text("stats.col.period"),
                ledger.text("mobile.verdict.on_time"),
                ledger.text("mobile.verdict.late"),
                ledger.text("mobile.verdict.missing"),
            ],
            reports,
            "column",
            "stacked",
        ),
        Block("points", [ledger.text("stats.col.month"), ledger.text("stats.col.points")], points, "line"),
        Block("rates", [ledger.text("stats.col.meeting"), ledger.text("stats.col.rate")], rates, "bar", percent=True),
    ]


def _draw(ledger: Ledger, table: Table, block: Block) -> None:
    if not block.rows:
        return
    name = table.ws.get_name()
    first, last = block.top + 2, block.top + 1 + len(block.rows)
    options: dict[str, Any] = {"subtype": block.subtype} if block.subtype else {}
    drawn = chart(ledger.book, block.kind, **options)
    for col in range(1, len(block.header)):
        if all(row[col] is None for row in block.rows):
            continue  # nothing known yet (how many meetings are required): no empty series in the legend
        series: dict[str, Any] = {
            "name": [name, block.top + 1, col],
            "categories": [name, first, 0, last, 0],
            "values": [name, first, col, last, col],
        }
        if block.kind == "line":
            series["marker"] = {"type": "circle"}
        if block.kind != "line":
            series["data_labels"] = {"value": True, "num_format": "0%" if block.percent else "0"}
        drawn.add_series(series)
    drawn.set_title({"name": ledger.text(f"stats.chart.{block.key}"), "name_font": {"size": 12}})
    axis = {"num_format": "0%", "max": 1, "min": 0} if block.percent else {"min": 0}
    drawn.set_y_axis(axis)
    drawn.set_size({"width": CHART_WIDTH, "height": _height(block)})
    if block.kind == "bar":  # one bar per meeting: as tall as it takes to read each label
        drawn.set_legend({"none": True})
    table.ws.insert_chart(block.top, CHART_COL, drawn, {"y_offset": 4})  # below the page break, not on it


def _height(block: Block) -> int:
    return max(CHART_HEIGHT, BAR_HEIGHT * len(block.rows) + 80) if block.kind == "bar" else CHART_HEIGHT


def _write(ledger: Ledger, table: Table, block: Block) -> None:
    book = ledger.book
    table.break_before(block.top)  # a page each: a chart is never cut in two
    table.put(block.top, [ledger.text(f"stats.chart.{block.key}")], book.title)
    table.put(block.top + 1, block.header, book.head)
    if not block.rows:
        table.put(block.top + 2, [ledger.text("stats.empty")])
    formats = [book.box, *([book.percent_box if block.percent else book.center_box] * (len(block.header) - 1))]
    for n, row in enumerate(block.rows):
        table.put(block.top + 2 + n, row, formats)


async def stats_sheet(ledger: Ledger) -> None:
    """统计: four small tables with their charts, one under the other (rows are written in order)."""
    table = ledger.book.table(ledger.text("stats.sheet"), [], printing=Printing(ruled=False))
    table.lists = False
    table.drawings = GAP_UNITS + CHART_WIDTH / PIXELS_PER_UNIT  # the charts print beside the tables
    top = 0
    for block in _blocks(ledger):
        block.top = top
        _write(ledger, table, block)
        _draw(ledger, table, block)
        top += max(CHART_ROWS, len(block.rows) + 3, _height(block) // 20 + 2)
    table.row_no = top


def chart(book: Book, kind: str, **options: Any) -> Any:
    """A native Excel chart in the workbook's font."""
    made = book.wb.add_chart({"type": kind, **options})
    assert made is not None
    font = {"name": plain(book.lang, "xlsx.font")}
    made.set_legend({"position": "bottom", "font": font})
    return made
