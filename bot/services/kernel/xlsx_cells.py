"""The cells of the ledger workbook, below `xlsx_book`: text as a printed cell shows it (no Telegram markup, no
pictographs the CJK fonts lack), text and dates as cell XML, and `RowSheet`, the worksheet that takes whole rows as
XML (a tenth of XlsxWriter's cost per cell); how a sheet prints (`Printing`) and what each of its pages carries
(`PageText`).

Cells are written by their Python type, never guessed from text: a `str` is always a string (so `=cmd()` stays
text, not a formula), numbers are numbers, `date`/`datetime`/`Month` are real Excel dates in the catalogue's date
format. Widths are measured over the header and the first rows (enough to size a column; measuring every cell of a
hundred thousand rows would cost seconds)."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from xlsxwriter.format import Format
from xlsxwriter.utility import _datetime_to_excel_datetime
from xlsxwriter.worksheet import Worksheet

from bot.i18n import t

ROWS_PER_WRITE = 200  # rows a RowSheet gathers before it writes them to its row file

_TAG = re.compile(r"</?(?:b|i|u|s|em|strong|code|pre|a|blockquote|tg-spoiler|span)(?:\s[^>]*)?>", re.IGNORECASE)
#: Pictographs the fonts a ledger prints with do not have (they print as empty boxes), with the selector that
#: asks for the colour form. Symbols that CJK fonts carry (√ × ○ ● □ ★ ①) are kept.
_PICTOGRAPH = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u2604\u2607-\u27bf\u2b00-\u2bff\u231a\u231b\u23e9-\u23fa\ufe0f\u200d]"
)
_BLANKS = re.compile(r"[ \t]{2,}")


def printable(text: str) -> str:
    """Telegram HTML as the plain text a printed cell shows: no tags, entities as their characters, no emoji
    pictographs (a 公示 posted to a group, 「📋 <b>一村党支部…公示</b>」, prints as 「一村党支部…公示」)."""
    text = html.unescape(_TAG.sub("", text))
    if _PICTOGRAPH.search(text):
        text = "\n".join(_BLANKS.sub(" ", line).strip() for line in _PICTOGRAPH.sub("", text).split("\n"))
    return text


def plain(lang: str, key: str, **params: object) -> str:
    """A catalogue message as plain text for a cell (the catalogue is HTML for Telegram)."""
    return printable(t(lang, key, **params))


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


class RowSheet(Worksheet):  # type: ignore[misc]  # XlsxWriter ships no types
    """A worksheet that also takes whole rows as cell XML (`Table` builds it). XlsxWriter's own writes cost about
    15 µs a cell in constant-memory mode, a hundred thousand attendance lines half a minute; a row built in one
    string costs a tenth of that. The rows go where XlsxWriter's own go (its row file), in order, a few hundred at
    a time, and the sheet's dimensions are kept the way XlsxWriter keeps them."""

    _pending: list[str] | None = None

    def append_row(self, row: int, cells: str, last_col: int, height: float | None = None) -> None:
        if self.table:
            self._write_single_row(row)  # what XlsxWriter still holds of earlier rows goes first
        else:
            self.previous_row = row
        if self.dim_colmin is None or self.dim_colmin > 0:
            self._check_dimensions(row, 0)
        self._check_dimensions(row, last_col)
        if self._pending is None:
            self._pending = []
        tall = f' ht="{height:g}" customHeight="1"' if height else ""
        self._pending.append(f'<row r="{row + 1}"{tall}>{cells}</row>')
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


@dataclass(frozen=True)
class Printing:
    """How a sheet prints: upright (`portrait`) or on its side; without page header and footer (`plain_page`,
    the cover); with its grid lines (`ruled`), or without when its tables have borders of their own."""

    portrait: bool = False
    plain_page: bool = False
    ruled: bool = True


PRINTING = Printing()

#: The formats of a row's cells: one for every cell, one per column (None: by the value's type), or none.
Style: TypeAlias = "Format | Sequence[Format | None] | None"


def chosen_format(style: Style, col: int) -> Format | None:
    """The format `style` gives the cell in column `col`."""
    if style is None or isinstance(style, Format):
        return style
    return style[col] if col < len(style) else None


@dataclass(frozen=True)
class PageText:
    """What every printed page of a sheet carries: on top the unit, the sheet's name and the date range; at the
    foot the signature lines and the page number (`第 &P 页，共 &N 页`, Excel's codes already in)."""

    unit: str
    span: str
    page: str
    sign_left: str
    sign_right: str


def header_text(text: str) -> str:
    return text.replace("&", "&&")
