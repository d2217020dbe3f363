"""Reading a CSV file a secretary made (the roster, the households list): the encodings Excel writes, a size
cap, and a cap on the problems listed. Pure functions over bytes; the CLI reads the file.

Excel on a Chinese Windows saves 「CSV（逗号分隔）」 in GBK, and only 「CSV UTF-8」 in UTF-8; WPS does the same.
So a file is read as UTF-8 (with or without BOM), then UTF-16 when it starts with a UTF-16 BOM (「Unicode
文本」), then GB18030 (which contains GBK and GB2312). When none fits, the secretary is told how to save the
file as UTF-8.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

#: The largest file taken: a roster or a households list of tens of thousands of rows fits many times over.
MAX_BYTES = 5 * 1024 * 1024
#: How many problems a failed import lists; the rest are counted.
MAX_SHOWN = 50


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # utf-8, utf-16 or gb18030


class Unreadable(ValueError):
    """Why a file cannot be taken: `too_big` or `encoding` (a catalogue key's last word)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_table(data: bytes) -> Decoded:
    """The text of a CSV file as Excel, WPS or a text editor saved it; `Unreadable` when it is too big or in
    none of the encodings Chinese spreadsheets use."""
    if len(data) > MAX_BYTES:
        raise Unreadable("too_big")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise Unreadable("encoding") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # UTF-16 without its BOM, or a binary file (an .xlsx renamed .csv)
            break
        return Decoded(text, "utf-8" if encoding == "utf-8-sig" else encoding)
    raise Unreadable("encoding")


def shown_and_more(problems: list[T]) -> tuple[list[T], int]:
    """The problems to list and how many more there are."""
    return problems[:MAX_SHOWN], max(0, len(problems) - MAX_SHOWN)
