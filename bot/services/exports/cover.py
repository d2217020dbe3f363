"""The front of the ledger workbook (issue 29): 封面 — the unit, the year, the ledger's name, the dates its records
span, who compiled it and when, and lines for the reviewer's and the secretary's signatures — and 目录, each sheet in
order with what it holds and how many records. Both sheets come first in the book but are written last: the 目录
counts the rows the other sheets wrote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from xlsxwriter.format import Format

from bot.services.kernel.xlsx_book import Table
from bot.services.kernel.xlsx_cells import Printing
from bot.services.kernel.xlsx_context import Ledger

COVER_WIDTHS = {0: 4, 1: 18, 2: 46, 3: 4}
CONTENTS_COLUMNS = ("number", "sheet", "about", "records")
#: The cover's fields, in order, each a label and its value (an empty value is a line to write on).
COVER_FIELDS = ("unit", "year", "name", "span", "compiler", "compiled", "reviewer", "signer")
FIELD_HEIGHT = 34  # points: room to sign
NOTE_HEIGHT = 45  # points: three lines
BLANK = ""


@dataclass(frozen=True)
class Front:
    cover: Table
    contents: Table


def day_text(ledger: Ledger, day: date) -> str:
    """A date in the ledger's words: 2026年11月20日."""
    return ledger.text("cover.day", year=day.year, month=day.month, day=day.day)


def open_front(ledger: Ledger) -> Front:
    """The cover and the 目录, added before every other sheet (they print first)."""
    book = ledger.book
    cover = book.table(ledger.text("cover.sheet"), [], COVER_WIDTHS, Printing(portrait=True, plain_page=True))
    contents = book.table(
        ledger.text("contents.sheet"),
        ledger.headers("contents", CONTENTS_COLUMNS),
        {0: 6, 1: 20, 2: 44, 3: 8},
        Printing(portrait=True),
    )
    cover.lists = contents.lists = False
    return Front(cover, contents)


@dataclass(frozen=True)
class Names:
    """Who the ledger is of and by: its units' name, who signs it last, and its compiler (None: a line to write
    on)."""

    unit: str
    signer: str
    compiler: str | None = None


def fill_front(ledger: Ledger, front: Front, sheets: Sequence[tuple[str, Table]], names: Names) -> None:
    """Write the cover and the 目录 of these sheets (key in the catalogue, and the sheet)."""
    unit, signer, compiler = names.unit, names.signer, names.compiler
    book = ledger.book
    cover = front.cover
    start = ledger.earliest or ledger.today
    values = {
        "unit": unit,
        "year": ledger.text("cover.year_value", year=ledger.year),
        "name": ledger.text("title"),
        "span": ledger.text("cover.span_value", start=day_text(ledger, start), end=day_text(ledger, ledger.today)),
        "compiler": compiler or BLANK,
        "compiled": day_text(ledger, ledger.today),
        "reviewer": BLANK,
        "signer": BLANK,
    }
    lines: list[tuple[list[object], Format, float]] = [
        ([None, unit], book.cover_line, 40),
        ([None, ledger.text("title")], book.cover_title, 60),
        ([None, ledger.text("cover.year_line", year=ledger.year)], book.cover_line, 30),
    ]
    row = 4
    for cells, fmt, height in lines:
        cover.put(row, cells, fmt, height=height)
        cover.merge(row, 1, 2)
        row += 1
    row += 3
    for key in COVER_FIELDS:
        label = ledger.text(f"cover.{key}", signer=signer)
        fields = [None, book.cover_field, book.cover_value]
        cover.put(row, [None, label, values[key]], fields, height=FIELD_HEIGHT)
        row += 1
    row += 2
    cover.put(row, [None, ledger.text("cover.note", sheets=len(sheets))], book.text, height=NOTE_HEIGHT)
    cover.merge(row, 1, 2)
    cover.row_no = row + 1
    contents = front.contents
    none = ledger.text("contents.none")
    for n, (key, table) in enumerate(sheets, 1):
        count: object = (table.records or none) if table.lists else None
        contents.row([n, table.ws.get_name(), ledger.text(f"{key}.about"), count])
