"""What the 组织关系转接 use cases share: who may act on which branches, the words of the one-line form (a day,
a validity), a transfer read for the rules."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.services.kernel.text import clean_text
from bot.services.transfers.rules import Direction, Record, letter_valid_until
from bot.store.transfers import Transfer

MAX_NAME = 20
MAX_ORG = 60
MAX_LETTER = 30
MAX_NOTE = 200
#: The years a transfer's day may fall in: anything else is a typing slip.
FIRST_YEAR, LAST_YEAR = 1950, 2100
_DATE = re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?")
_MONTHS = re.compile(r"(\d{1,2})\s*(?:个月|月|months?)", re.IGNORECASE)
_DAYS = re.compile(r"(\d{1,3})\s*(?:天|日|days?)", re.IGNORECASE)


def split(text: str) -> list[str]:
    """The one-line form `a | b | c` (a full-width ｜ too), each part cleaned of invisible characters."""
    return [clean_text(p) for p in text.replace("｜", "|").split("|")]


def parse_day(value: str) -> date | None:
    """`2026-05-20`, `2026.5.20`, `2026年5月20日`; None when it is none of them or no real day."""
    found = _DATE.fullmatch(value.strip())
    if found is None:
        return None
    if not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:  # 0001-01-01 is a slip, and would overflow a validity
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def valid_until(value: str, issued: date) -> date | None:
    """The 有效期 as written: empty (the usual three months), a last day, `2个月`, or `30天`; None when unread."""
    value = value.strip()
    if not value:
        return letter_valid_until(issued)
    day = parse_day(value)
    if day is not None:
        return day
    months = _MONTHS.fullmatch(value)
    if months:
        return letter_valid_until(issued, int(months[1])) if int(months[1]) >= 1 else None
    days = _DAYS.fullmatch(value)
    if days:
        return issued + timedelta(days=int(days[1]) - 1) if int(days[1]) >= 1 else None
    return None


def record_of(transfer: Transfer) -> Record:
    return Record(
        Direction(transfer.direction),
        transfer.issued,
        transfer.valid_until,
        transfer.received,
        transfer.receipt,
        transfer.placed,
        transfer.state == "cancelled",
    )
