"""Writing the ledger workbook: one `Book` (XlsxWriter in constant-memory mode: each row goes to a temporary file
as it is written, so the workbook takes the same memory for ten members as for ten thousand) and one `Table` per
sheet, which writes a header and rows cell by cell by type and sets the sheet up for printing.

Cells are written by their Python type (`xlsx_cells`), never guessed from text; widths are measured over the
header and the first rows.

Every sheet is laid out to be printed and signed (issue 29): A4, landscape unless the sheet asks for portrait, at a
fixed scale of at least `MIN_SCALE` % (never "fit to page", which shrinks a wide sheet to unreadable type): the
columns are sized for their content and, when that is wider than the page, the widest text columns are narrowed
until it fits; text always wraps inside its cell, so nothing is cut. Each page carries the unit, the sheet's name and
the date range on top, and the page number between the signature lines (记录人, 审核人, 书记) at the foot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from bot.services.kernel.xlsx_cells import (
    PRINTING,
    Month,
    PageText,
    Printing,
    RowSheet,
    Style,
    chosen_format,
    display_width,
    header_text,
    plain,
    serial,
    xml_text,
)

#: Rows whose widths are measured for each column, after the header.
WIDTH_SAMPLE = 300
MIN_WIDTH, MAX_WIDTH = 6, 48  # characters (a CJK character counts two)
#: A text column narrowed to fit the page keeps at least this width (a three-character name on one line).
TEXT_FLOOR = 8
A4 = 9  # Excel's paper code
MIN_SCALE = 75  # per cent: smaller type is not read by the members who sign the ledger
#: Column width units (with Excel's padding) that fit across A4 at 100 % with the margins below, landscape and
#: portrait, as LibreOffice
#: prints them with 宋体 resolved to a CJK serif (bot.services.exports.pdf sees to it): Excel and WPS fit more. A unit
#: is the width of a digit of the default font; the columns are measured in Excel's (a CJK character takes two).
PAGE_UNITS = {False: 132.0, True: 90.0}
MARGINS = {"left": 0.6, "right": 0.4, "top": 0.7, "bottom": 0.6}  # inches: a wider left edge to bind the pages
COLUMN_PAD = 0.72  # units Excel adds to every column for its padding (5 pixels)
DEFAULT_WIDTH = 8.43  # units: a column the sheet does not size
LINE_POINTS = 14.0  # the height of a line of 10-point CJK text, with its leading (Noto CJK's is the tallest)
PIXELS_PER_UNIT = 7  # Excel's, at the default font's size: a chart's pixels in column width units
TAIL_CACHE = 5_000  # cell tails kept per column: a few MB at most
MAX_CELL = 32_767  # characters in one cell, Excel's limit


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
        name = plain(lang, "xlsx.font")
        # The workbook's default font sets the unit of column widths and the height of a row: the ledger's own.
        default = self.wb.formats[0]
        default.set_font_name(name)
        default.set_font_size(10)
        font = {"font_name": name, "font_size": 10, "valign": "top"}
        self.text = self.wb.add_format({**font, "text_wrap": True})  # text wraps in its column: never cut
        self.wrap = self.text
        self.note = self.wb.add_format(font)  # a line of its own (a legend, a title's second line): not wrapped
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
        self.center = self.wb.add_format({**font, "align": "center", "text_wrap": True})
        # Ruled by hand where the sheet's grid does not print (a grid of the year, the charts' tables).
        self.box = self.wb.add_format({**font, "text_wrap": True, "border": 1})
        self.center_box = self.wb.add_format({**font, "align": "center", "text_wrap": True, "border": 1})
        self.percent_box = self.wb.add_format({**font, "num_format": "0.0%", "border": 1})
        self.cover_title = self.wb.add_format(
            {**font, "bold": True, "font_size": 26, "align": "center", "valign": "vcenter"}
        )
        self.cover_line = self.wb.add_format({**font, "font_size": 14, "align": "center", "valign": "vcenter"})
        self.cover_field = self.wb.add_format({**font, "font_size": 13, "valign": "vcenter"})
        self.cover_value = self.wb.add_format({**font, "font_size": 13, "valign": "vcenter", "bottom": 1})
        self.tables: list[Table] = []

    def table(
        self, name: str, headers: Sequence[str], widths: dict[int, int] | None = None, printing: Printing = PRINTING
    ) -> Table:
        """A sheet named `name` with this header row (none when empty); `widths` fixes the width of long-text
        columns (narrowed further when the page needs it); `printing` says how it prints."""
        sheet = self.wb.add_worksheet(name, worksheet_class=RowSheet)
        assert isinstance(sheet, RowSheet)
        table = Table(
            self,
            sheet,
            list(headers),
            widths or {},
            portrait=printing.portrait,
            plain_page=printing.plain_page,
            ruled=printing.ruled,
        )
        self.tables.append(table)
        return table

    def close(self) -> None:
        """Assemble and zip the workbook (seconds for a big one: the caller runs it off the event loop)."""
        self.wb.close()


@dataclass
class Table:
    """One sheet: a frozen, repeated, filtered header row, then rows written cell by cell."""

    book: Book
    ws: RowSheet
    headers: list[str]
    fixed: dict[int, int]  # column → width the sheet sets itself (wrapped long text)
    portrait: bool = False
    plain_page: bool = False
    ruled: bool = True
    row_no: int = 0
    records: int = 0  # rows written with `row` (the 目录 counts them)
    lists: bool = True  # a list of records (the 目录 gives its count), not a grid or charts
    drawings: float = 0  # width units the charts take right of the columns
    widths: list[int] = field(default_factory=list)
    data_end: int | None = None  # the rows after it (a grid under the table) are left out of the filter
    breaks: list[int] = field(default_factory=list)  # rows that start a new printed page
    _hard: list[int] = field(default_factory=list)  # per column: the widest number or date (never narrowed)
    _letters: list[str] = field(default_factory=list)
    final: list[int] | None = None  # the column widths, once the first rows have been measured
    _waiting: list[tuple[int, list[object], Style, float | None]] = field(default_factory=list)
    _tails: dict[tuple[object, int, int], tuple[str, int]] = field(default_factory=dict)
    _columns: list[dict[object, tuple[str, int]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        ws, book = self.ws, self.book
        if self.portrait:
            ws.set_portrait()
        else:
            ws.set_landscape()
        ws.set_paper(A4)
        ws.set_margins(**MARGINS)
        if self.ruled and not self.plain_page:
            ws.hide_gridlines(0)  # the grid prints: a ledger is read as a ruled table
        # A header wraps onto two lines at most before it widens its column.
        self.widths = [min(display_width(h), max(TEXT_FLOOR - 2, -(-display_width(h) // 4) * 2)) for h in self.headers]
        self._letters = [xl_col_to_name(c) for c in range(max(64, len(self.headers)))]
        self._columns = [{} for _ in self.headers]
        formats = (
            book.text,
            book.note,
            book.head,
            book.title,
            book.date,
            book.moment,
            book.month,
            book.percent,
            book.center,
            book.cover_title,
            book.cover_line,
            book.cover_field,
            book.cover_value,
            book.box,
            book.center_box,
            book.percent_box,
        )
        self._style = {id(f): f._get_xf_index() for f in formats}
        self._wrapping = {id(f) for f in (book.text, book.head, book.center, book.box, book.center_box)}
        if self.headers:
            ws.repeat_rows(0)
            ws.freeze_panes(1, 0)
            self.put(0, self.headers, book.head)
            self.row_no = 1

    def row(self, values: Sequence[object]) -> None:
        """Write one row at the next line; None leaves the cell empty."""
        row = self.row_no
        self.row_no += 1
        self.records += 1
        if self.final is None or len(values) > len(self._columns):
            self.put(row, values)
            return
        # The hot path (every row past the first few hundred): one cache of cell tails per column, keyed by value,
        # with the lines each value takes in its column.
        line = str(row + 1)
        letters, columns = self._letters, self._columns
        cells: list[str] = []
        last, lines = 0, 1
        for col, value in enumerate(values):
            if value is None:
                continue
            cache = columns[col]
            found = cache.get(value)
            if found is None:
                found = (self._tail(value, col, None), self._lines(col, value, None))
                if len(cache) < TAIL_CACHE:
                    cache[value] = found
            cells.append(f'<c r="{letters[col]}{line}"{found[0]}')
            last = col
            if found[1] > lines:
                lines = found[1]
        if cells:
            self.ws.append_row(row, "".join(cells), last, self._height(lines))

    def put(self, row: int, values: Sequence[object], style: Style = None, *, height: float | None = None) -> None:
        """Write `values` into `row` (after every row written before), each cell by its type, in `style` (one
        format for every cell, or one per column), else the format its type is written in; `height` in points
        (else as tall as its wrapped text). The first rows wait in memory until the columns are sized by them."""
        if self.final is None:
            if row <= WIDTH_SAMPLE:
                wrapping = self._wrapping
                for col, value in enumerate(values):
                    chosen = chosen_format(style, col)
                    # A title or a legend (not wrapped) runs on over the empty cells beside it: it sizes nothing.
                    if value is not None and (chosen is None or id(chosen) in wrapping or not isinstance(value, str)):
                        self._measure(col, value)
                self._waiting.append((row, list(values), style, height))
                return
            self.settle()
        self._write(row, values, style, height)

    def settle(self) -> None:
        """Fix the column widths from the rows measured, and write the rows that waited for them."""
        if self.final is not None:
            return
        self.final = self.column_widths()
        waiting, self._waiting = self._waiting, []
        for row, values, style, height in waiting:
            self._write(row, values, style, height)

    def _write(self, row: int, values: Sequence[object], style: Style, height: float | None) -> None:
        letters, tails = self._letters, self._tails
        line = str(row + 1)
        cells: list[str] = []
        last, lines = 0, 1
        for col, value in enumerate(values):
            if value is None:
                continue
            chosen = chosen_format(style, col)
            # A cell is its reference and a tail (style and value). Most values repeat (a meeting's time and type,
            # a branch, a reply): their tails are made once.
            key = (value, col, id(chosen) if chosen else 0)
            found = tails.get(key)
            if found is None:
                found = (self._tail(value, col, chosen), self._lines(col, value, chosen))
                if len(tails) < TAIL_CACHE:
                    tails[key] = found
            cells.append(f'<c r="{letters[col] if col < len(letters) else xl_col_to_name(col)}{line}"{found[0]}')
            last = col
            if found[1] > lines:
                lines = found[1]
        if cells or height:
            self.ws.append_row(row, "".join(cells), last, height or self._height(lines))

    def _lines(self, col: int, value: object, chosen: Format | None) -> int:
        """The lines a value wraps onto in its column (one unless it is text in a wrapping format)."""
        if not isinstance(value, str) or (chosen is not None and id(chosen) not in self._wrapping):
            return 1
        final = self.final or []
        room = max(1.0, (final[col] if col < len(final) else DEFAULT_WIDTH) - 1)
        return sum(max(1, math.ceil(display_width(part) / room)) for part in value[:MAX_CELL].split("\n"))

    @staticmethod
    def _height(lines: int) -> float | None:
        """A row's height for its tallest cell (None: the default, one line)."""
        return LINE_POINTS * lines + 2 if lines > 1 else None

    def merge(self, row: int, first_col: int, last_col: int) -> None:
        """Cells `first_col`..`last_col` of `row` print as one (the first holds the value)."""
        self.ws.merge.append([row, first_col, row, last_col])

    def _tail(self, value: object, col: int, chosen: Format | None) -> str:
        book, style = self.book, self._style
        if isinstance(value, str):
            s = style[id(chosen or book.text)]
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
        hard = 0
        if isinstance(value, str):
            width = 0 if col in self.fixed else max(display_width(line) for line in value.split("\n"))
        elif isinstance(value, int):
            width = hard = len(str(value))
        else:
            width = hard = {datetime: 20, date: 14, Month: 10}.get(type(value), 8)
        while len(self.widths) <= col:
            self.widths.append(0)
        while len(self._hard) <= col:
            self._hard.append(0)
        if width > self.widths[col]:
            self.widths[col] = width
        if hard > self._hard[col]:
            self._hard[col] = hard

    def break_before(self, row: int) -> None:
        """Start a new printed page at `row` (a block of its own: a branch's grid, a chart)."""
        if row > 0:
            self.breaks.append(row)

    def column_widths(self) -> list[int]:
        """Each column's width: its content's (or the width the sheet fixed); when the sheet would print below
        `MIN_SCALE`, the widest text columns are narrowed (they wrap) down to a common width until it fits."""
        count = max(len(self.widths), max(self.fixed, default=-1) + 1)
        measured = [*self.widths, *[0] * (count - len(self.widths))]
        natural = [self.fixed.get(c, min(MAX_WIDTH, max(MIN_WIDTH, w + 2))) for c, w in enumerate(measured)]
        hard = [*self._hard, *[0] * (len(natural) - len(self._hard))]
        floors = [max(min(n, TEXT_FLOOR), h + 2 if h else 0) for n, h in zip(natural, hard, strict=True)]
        budget = PAGE_UNITS[self.portrait] * 100 / MIN_SCALE - COLUMN_PAD * len(natural) - self.drawings
        if sum(natural) <= budget:
            return natural
        for level in range(max(natural), 0, -1):
            fitted = [max(f, min(n, level)) for n, f in zip(natural, floors, strict=True)]
            if sum(fitted) <= budget:
                return fitted
        return floors

    def scale(self, widths: Sequence[float]) -> int:
        """The print scale (per cent) at which these columns fill the page's width, 100 at most."""
        total = sum(widths) + COLUMN_PAD * len(widths) + self.drawings
        if total <= 0:
            return 100
        return max(MIN_SCALE, min(100, int(PAGE_UNITS[self.portrait] * 100 / total)))

    def finish(self, page: PageText | None) -> None:
        """Column widths and print scale, the filter over the rows written, the page breaks, and what every page
        carries (none on a plain page)."""
        ws = self.ws
        self.settle()
        ws.flush_rows()
        widths = self.final or []
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.set_print_scale(self.scale(widths))
        end = self.row_no if self.data_end is None else self.data_end
        if self.headers and end > 1:
            ws.autofilter(0, 0, end - 1, len(self.headers) - 1)
        if self.breaks:
            ws.set_h_pagebreaks(sorted(set(self.breaks)))
        if page is not None and not self.plain_page:
            top = f"&L{header_text(page.unit)}&C&12&A&R{header_text(page.span)}"
            foot = f"&L{header_text(page.sign_left)}&C{page.page}&R{header_text(page.sign_right)}"
            ws.set_header(top[:255])
            ws.set_footer(foot[:255])


_SPACE = frozenset(" \t\n\r")
