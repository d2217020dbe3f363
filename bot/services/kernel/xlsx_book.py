"""Writing the ledger workbook: one `Book` (XlsxWriter in constant-memory mode: each row goes to a temporary file
as it is written, so the workbook takes the same memory for ten members as for ten thousand) and one `Table` per
sheet, which writes a header and rows cell by cell by type and sets the sheet up for printing.

Cells are written by their Python type, never guessed from text: a `str` is always a string (so `=cmd()` stays
text, not a formula), numbers are numbers, `date`/`datetime`/`Month` are real Excel dates in the catalogue's date
format. Widths are measured over the header and the first rows (enough to size a column; measuring every cell of a
hundred thousand rows would cost seconds).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import _datetime_to_excel_datetime, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from bot.i18n import t

#: Rows whose widths are measured for each column, after the header.
WIDTH_SAMPLE = 300
MIN_WIDTH, MAX_WIDTH = 6, 48  # characters (a CJK character counts two)
A4 = 9  # Excel's paper code
TAIL_CACHE = 5_000  # cell tails kept per column: a few MB at most
ROWS_PER_WRITE = 200
MAX_CELL = 32_767  # characters in one cell, Excel's limit


def plain(lang: str, key: str, **params: object) -> str:
    """A catalogue message as plain text for a cell (the catalogue is HTML for Telegram)."""
    return html.unescape(t(lang, key, **params))


@dataclass(frozen=True)
class Month:
    """A calendar month, written as the first day of the month in the month format (2026年11月)."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def display_width(text: str) -> int:
    """Columns the text takes: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Book:
    """The workbook being written, with its formats and the language and time zone of its cells."""

    def __init__(self, path: Path, lang: str, tz: ZoneInfo, tmpdir: Path) -> None:
        self.lang, self.tz = lang, tz
        self.wb = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(tmpdir),
                # Belt and braces with the typed writes below: no string is ever turned into a formula, number or link.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.wb.set_properties({"title": plain(lang, "xlsx.title"), "comments": plain(lang, "xlsx.comments")})
        font = {"font_name": plain(lang, "xlsx.font"), "font_size": 10, "valign": "top"}
        self.text = self.wb.add_format(font)
        self.wrap = self.wb.add_format({**font, "text_wrap": True})
        self.head = self.wb.add_format(
            {
                **font,
                "bold": True,
                "text_wrap": True,
                "bg_color": "#F2DCDB",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.title = self.wb.add_format({**font, "bold": True, "font_size": 12})
        self.date = self.wb.add_format({**font, "num_format": plain(lang, "xlsx.format.date"), "align": "left"})
        self.moment = self.wb.add_format({**font, "num_format": plain(lang, "xlsx.format.datetime"), "align": "left"})
        self.month = self.wb.add_format({**font, "num_format": plain(lang, "xlsx.format.month"), "align": "left"})
        self.percent = self.wb.add_format({**font, "num_format": "0.0%"})
        self.tables: list[Table] = []

    def table(self, name: str, headers: Sequence[str], widths: dict[int, int] | None = None) -> Table:
        sheet = self.wb.add_worksheet(name, worksheet_class=RowSheet)
        assert isinstance(sheet, RowSheet)
        table = Table(self, sheet, list(headers), widths or {})
        self.tables.append(table)
        return table

    def close(self) -> None:
        """Assemble and zip the workbook (seconds for a big one: the caller runs it off the event loop)."""
        self.wb.close()


class RowSheet(Worksheet):  # type: ignore[misc]  # XlsxWriter ships no types
    """A worksheet that also takes whole rows as cell XML (`Table` builds it). XlsxWriter's own writes cost about
    15 µs a cell in constant-memory mode, a hundred thousand attendance lines half a minute; a row built in one
    string costs a tenth of that. The rows go where XlsxWriter's own go (its row file), in order, a few hundred at
    a time, and the sheet's dimensions are kept the way XlsxWriter keeps them."""

    _pending: list[str] | None = None

    def append_row(self, row: int, cells: str, last_col: int) -> None:
        if self.table:
            self._write_single_row(row)  # what XlsxWriter still holds of earlier rows goes first
        else:
            self.previous_row = row
        if self.dim_colmin is None or self.dim_colmin > 0:
            self._check_dimensions(row, 0)
        self._check_dimensions(row, last_col)
        if self._pending is None:
            self._pending = []
        self._pending.append(f'<row r="{row + 1}">{cells}</row>')
        if len(self._pending) >= ROWS_PER_WRITE:
            self.flush_rows()

    def flush_rows(self) -> None:
        if self._pending:
            self.fh.write("".join(self._pending))
            self._pending.clear()

    def _write_single_row(self, current_row_num: int = 0) -> None:
        self.flush_rows()
        super()._write_single_row(current_row_num)


_ESCAPE_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_EPOCH = datetime(1899, 12, 30)
_FIRST_SERIAL = datetime(1900, 3, 1)  # before it, Excel's 1900 leap-year bug shifts serials: XlsxWriter knows how


def xml_text(text: str) -> str:
    """Text as cell XML: as XlsxWriter escapes it (markup characters, control characters as _xHHHH_, a literal
    _xHHHH_ kept literal), but never taken for markup of its own (XlsxWriter writes a string that starts with
    <r> and ends with </r> as raw rich-text XML)."""
    if "_x" in text:
        text = _ESCAPE_ESCAPE.sub(r"_x005F\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def serial(moment: datetime) -> float:
    """An Excel serial date-time (1900 system) of a naive local time."""
    if moment < _FIRST_SERIAL:
        return float(_datetime_to_excel_datetime(moment, False, True))
    delta = moment - _EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


@dataclass
class Table:
    """One sheet: a frozen, repeated, filtered header row, then rows written cell by cell."""

    book: Book
    ws: RowSheet
    headers: list[str]
    fixed: dict[int, int]  # column → width the sheet sets itself (wrapped long text)
    row_no: int = 0
    widths: list[int] = field(default_factory=list)
    data_end: int | None = None  # the rows after it (a grid under the table) are left out of the filter
    _letters: list[str] = field(default_factory=list)
    _tails: dict[tuple[object, bool, int], str] = field(default_factory=dict)
    _columns: list[dict[object, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        ws, book = self.ws, self.book
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)  # as wide as one page, as many pages long as it takes
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
        ws.set_footer("&C" + plain(book.lang, "xlsx.page_footer", page="&P", pages="&N"))
        self.widths = [display_width(h) for h in self.headers]
        self._letters = [xl_col_to_name(c) for c in range(max(64, len(self.headers)))]
        self._columns = [{} for _ in self.headers]
        self._style = {
            id(f): f._get_xf_index()
            for f in (book.text, book.wrap, book.head, book.title, book.date, book.moment, book.month, book.percent)
        }
        if self.headers:
            ws.repeat_rows(0)
            ws.freeze_panes(1, 0)
            self.put(0, self.headers, book.head)
            self.row_no = 1

    def row(self, values: Sequence[object]) -> None:
        """Write one row at the next line; None leaves the cell empty."""
        row = self.row_no
        self.row_no += 1
        if row <= WIDTH_SAMPLE or len(values) > len(self._columns):
            self.put(row, values)
            return
        # The hot path (every row past the first few hundred): one cache of cell tails per column, keyed by value.
        line = str(row + 1)
        letters, columns = self._letters, self._columns
        cells: list[str] = []
        last = 0
        for col, value in enumerate(values):
            if value is None:
                continue
            cache = columns[col]
            tail = cache.get(value)
            if tail is None:
                tail = self._tail(value, col, None)
                if len(cache) < TAIL_CACHE:
                    cache[value] = tail
            cells.append(f'<c r="{letters[col]}{line}"{tail}')
            last = col
        if cells:
            self.ws.append_row(row, "".join(cells), last)

    def put(
        self, row: int, values: Sequence[object], fmt: Format | None = None, formats: Sequence[Format | None] = ()
    ) -> None:
        """Write `values` into `row` (after every row written before), each cell by its type, in `fmt` or the
        format of `formats` at its column, else the format its type is written in."""
        letters, tails = self._letters, self._tails
        measure = row <= WIDTH_SAMPLE
        line = str(row + 1)
        cells: list[str] = []
        last = 0
        for col, value in enumerate(values):
            if value is None:
                continue
            chosen = fmt or (formats[col] if col < len(formats) else None)
            # A cell is its reference and a tail (style and value). Most values repeat (a meeting's time and type,
            # a branch, a reply): their tails are made once.
            key = (value, col in self.fixed, id(chosen) if chosen else 0)
            tail = tails.get(key)
            if tail is None:
                tail = self._tail(value, col, chosen)
                if len(tails) < TAIL_CACHE:
                    tails[key] = tail
            cells.append(f'<c r="{letters[col] if col < len(letters) else xl_col_to_name(col)}{line}"{tail}')
            last = col
            if measure:
                self._measure(col, value)
        if cells:
            self.ws.append_row(row, "".join(cells), last)

    def _tail(self, value: object, col: int, chosen: Format | None) -> str:
        book, style = self.book, self._style
        if isinstance(value, str):
            s = style[id(chosen or (book.wrap if col in self.fixed else book.text))]
            text = xml_text(value[:MAX_CELL])  # Excel refuses to open a book with a longer cell
            space = ' xml:space="preserve"' if text[:1] in _SPACE or text[-1:] in _SPACE else ""
            return f' s="{s}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if isinstance(value, bool):
            raise TypeError("write yes/no as catalogue words, not booleans")
        if isinstance(value, int | float):
            number = str(value) if isinstance(value, int) else f"{value:.16g}"
            return f' s="{style[id(chosen or book.text)]}"><v>{number}</v></c>'
        if isinstance(value, datetime):
            moment, default = value.astimezone(book.tz).replace(tzinfo=None) if value.tzinfo else value, book.moment
        elif isinstance(value, date):
            moment, default = datetime(value.year, value.month, value.day), book.date
        elif isinstance(value, Month):
            moment, default = datetime(value.year, value.month, 1), book.month
        else:
            raise TypeError(f"no cell for {type(value).__name__}")
        return f' s="{style[id(chosen or default)]}"><v>{serial(moment):.16g}</v></c>'

    def _measure(self, col: int, value: object) -> None:
        if isinstance(value, str):
            width = 0 if col in self.fixed else display_width(value)
        elif isinstance(value, int):
            width = len(str(value))
        else:
            width = {datetime: 18, date: 13, Month: 10}.get(type(value), 8)
        while len(self.widths) <= col:
            self.widths.append(0)
        if width > self.widths[col]:
            self.widths[col] = width

    def finish(self, header_text: str) -> None:
        """Column widths, the filter over the rows written, and the page header (unit and date range)."""
        ws = self.ws
        ws.flush_rows()
        for col, width in enumerate(self.widths):
            ws.set_column(col, col, self.fixed.get(col, min(MAX_WIDTH, max(MIN_WIDTH, width + 2))))
        end = self.row_no if self.data_end is None else self.data_end
        if self.headers and end > 1:
            ws.autofilter(0, 0, end - 1, len(self.headers) - 1)
        ws.set_header("&C&12" + header_text.replace("&", "&&")[:240])


_SPACE = frozenset(" \t\n\r")


def chart(book: Book, kind: str, **options: Any) -> Any:
    """A native Excel chart in the workbook's font."""
    made = book.wb.add_chart({"type": kind, **options})
    assert made is not None
    font = {"name": plain(book.lang, "xlsx.font")}
    made.set_legend({"position": "bottom", "font": font})
    return made
