"""The Excel ledger (台账) of an export: one workbook `台账-<单位>-<YYYY-MM-DD>.xlsx`, made to be printed for an
inspection, written beside the CSV files from the same snapshot of the database.

The workbook is a list of sheet builders (`SHEETS`): each is one small async function that adds its sheet to the
book and streams its rows from the store. A capability adds its sheet (or columns) here, in the order the sheets
should appear; 统计 comes last because it draws the tallies the others gathered.

Adding a sheet (as the 困难党员台账 of the care cases was: `bot/services/xlsx_care.py`) takes three steps: a
builder `async def care_sheet(ledger: Ledger) -> None` in its own `bot/services/xlsx_<name>.py`
(`ledger.book.table(ledger.text("care.sheet"), ledger.headers("care", COLUMNS))`, then `table.row([...])` per
record of `ledger.units`, calling `ledger.seen(day)` for each record's date), its words under `[xlsx.care]` /
`[xlsx.care.col]` in locales/zh/xlsx.toml and locales/en/xlsx.toml, and one line `Sheet("care", care_sheet)` in
`SHEETS` below (the tests name every sheet from `SHEETS`, and check print setup on every sheet).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.services.care.sheet import care_sheet, care_visits_sheet
from bot.services.duty.sheet import duty_sheet
from bot.services.duty.sheet_posts import accounts_sheet, publicity_sheet
from bot.services.exports.stats import stats_sheet
from bot.services.households.sheet import households_sheet, requests_sheet
from bot.services.kernel.text import join_names
from bot.services.kernel.xlsx_book import Book, plain
from bot.services.kernel.xlsx_context import Ledger
from bot.services.members.sheet import contacts_sheet, mobile_sheet, roster_sheet, status_sheet
from bot.services.notices.sheet import attendance_sheet, meetings_sheet
from bot.store import Store
from bot.store.workbook_reads import WorkbookReads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sheet:
    key: str  # its name is `xlsx.<key>.sheet` in the catalogue
    build: Callable[[Ledger], Awaitable[None]]


#: Every sheet, in workbook order. Later capabilities add theirs here (统计 stays last).
SHEETS: tuple[Sheet, ...] = (
    Sheet("roster", roster_sheet),
    Sheet("mobile", mobile_sheet),
    Sheet("meetings", meetings_sheet),
    Sheet("attendance", attendance_sheet),
    Sheet("duty", duty_sheet),
    Sheet("accounts", accounts_sheet),
    Sheet("publicity", publicity_sheet),
    Sheet("households", households_sheet),
    Sheet("requests", requests_sheet),
    Sheet("care", care_sheet),
    Sheet("care_visits", care_visits_sheet),
    Sheet("contacts", contacts_sheet),
    Sheet("status", status_sheet),
    Sheet("stats", stats_sheet),
)

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def scope_name(tree: OrgTree, units: set[int] | None, lang: str) -> str:
    """The units of the workbook by their top units (the community's top unit when everything)."""
    pool = set(tree.units) if units is None else units
    top = [u for u in sorted(pool) if u in tree.units and tree.units[u].parent_id not in pool]
    return join_names([tree.name(u) for u in top], lang) or plain(lang, "xlsx.nothing")


def file_name(tree: OrgTree, units: set[int] | None, lang: str, now: datetime, tz: ZoneInfo) -> str:
    """`台账-白庙村党支部-2026-11-30.xlsx`: nothing in it a file system or a chat client would trip on."""
    unit = _UNSAFE.sub("_", scope_name(tree, units, lang)).strip("._")[:60] or "_"
    return plain(lang, "xlsx.file", unit=unit, date=now.astimezone(tz).date().isoformat())


async def write_ledger(
    store: Store, settings: Settings, tree: OrgTree, directory: Path, units: set[int] | None, lang: str, now: datetime
) -> Path:
    """Write the workbook of these units (everything when None) into `directory`; its path. The settings give the
    time zone of its cells and the rules of 三会一课 (`LEDGER_REQUIRED`)."""
    tz = settings.tz
    path = directory / file_name(tree, units, lang, now, tz)
    scratch = directory / ".xlsx-rows"  # the rows of each sheet until the book is zipped: private like the rest
    scratch.mkdir(mode=0o700, exist_ok=True)
    book = Book(path, lang, tz, scratch)
    ledger = Ledger(store, WorkbookReads(store.db), tree, units, lang, now, tz, book, settings)
    try:
        for sheet in SHEETS:
            await sheet.build(ledger)
        today = ledger.today
        span = plain(lang, "xlsx.span", start=(ledger.earliest or today).isoformat(), end=today.isoformat())
        header = plain(lang, "xlsx.page_header", unit=scope_name(tree, units, lang), span=span)
        for table in book.tables:
            table.finish(header)
        path.touch(mode=0o600)
        path.chmod(0o600)
        await asyncio.to_thread(book.close)  # zipping a big book takes a while: not on the event loop
    finally:
        for leftover in scratch.iterdir():
            leftover.unlink()
        scratch.rmdir()
    log.info("ledger written sheets=%d", len(book.tables))
    return path
