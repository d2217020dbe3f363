"""The Excel ledger (台账) of an export: one workbook `台账-<单位>-<YYYY-MM-DD>.xlsx`, made to be printed for an
inspection, written beside the CSV files from the same snapshot of the database.

The workbook is a list of sheet builders (`SHEETS`): each is one small async function that adds its sheet to the
book and streams its rows from the store. A capability adds its sheet (or columns) here, in the order the sheets
should appear; 统计 comes last because it draws the tallies the others gathered.

Adding a sheet (as the 困难党员台账 of the care cases was: `bot/services/care/sheet.py`) takes three steps: a
builder `async def care_sheet(ledger: Ledger) -> None` in its capability's `sheet.py`
(`ledger.book.table(ledger.text("care.sheet"), ledger.headers("care", COLUMNS))`, then `table.row([...])` per
record of `ledger.units`, calling `ledger.seen(day)` for each record's date), its words under `[xlsx.care]` /
`[xlsx.care.col]` in locales/zh/xlsx.toml and locales/en/xlsx.toml (with `about`, its line in the 目录), and one
line `Sheet("care", care_sheet)` in `SHEETS` below (the tests name every sheet from `SHEETS`, check print setup on
every sheet, and render the book with LibreOffice: tests/exports/test_xlsx_render.py bounds its pages). Cells hold plain
text: a catalogue message through `ledger.text`, stored Telegram HTML through `printable`.

The book opens with a cover (封面) and a 目录 (`bot.services.exports.cover`), written last; every printed page
carries the unit, the sheet and the date range on top, and the signature lines (记录人, 审核人, 书记) at the foot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.services.appraisal.sheet import appraisal_sheet, pledges_sheet, rectify_sheet, talks_sheet
from bot.services.care.sheet import care_sheet, care_visits_sheet
from bot.services.development.sheet import activist_sheet, register_sheet
from bot.services.dues.base_sheet import base_sheet
from bot.services.dues.sheet import dues_sheet
from bot.services.duty.sheet import duty_sheet
from bot.services.duty.sheet_posts import accounts_sheet, publicity_sheet
from bot.services.exports.cover import Names, fill_front, open_front
from bot.services.exports.stats import stats_sheet
from bot.services.households.sheet import households_sheet, requests_sheet
from bot.services.kernel import dates
from bot.services.kernel.text import join_names
from bot.services.kernel.xlsx_book import Book, Table
from bot.services.kernel.xlsx_cells import PageText, plain
from bot.services.kernel.xlsx_context import Ledger
from bot.services.ledger.sheet import grid_sheet
from bot.services.members.sheet import contacts_sheet, mobile_sheet, roster_sheet, status_sheet
from bot.services.minutes.sheet import minutes_sheet
from bot.services.notices.sheet import attendance_sheet, meetings_sheet
from bot.services.openness.sheet import board_sheet, ledger_sheet
from bot.services.transfers.sheet import mobile_register_sheet, serve_sheet, study_sheet, transfers_sheet
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
    Sheet("inflow", mobile_register_sheet),  # 流动党员和外来党员登记 (issue 27)
    Sheet("meetings", meetings_sheet),
    Sheet("minutes", minutes_sheet),
    Sheet("grid", grid_sheet),
    Sheet("attendance", attendance_sheet),
    Sheet("duty", duty_sheet),
    Sheet("accounts", accounts_sheet),
    Sheet("publicity", publicity_sheet),
    Sheet("openness", ledger_sheet),  # 党务公开台账 (issue 28)
    Sheet("openness_board", board_sheet),  # 党务公开栏, A4 to print
    Sheet("households", households_sheet),
    Sheet("requests", requests_sheet),
    Sheet("care", care_sheet),
    Sheet("care_visits", care_visits_sheet),
    Sheet("development_activists", activist_sheet),  # 入党积极分子培养考察登记 (issue 24)
    Sheet("development", register_sheet),  # 发展党员工作台账 (issue 24)
    Sheet("dues", dues_sheet),  # 党费收缴台账 (issue 25)
    Sheet("dues_base", base_sheet),  # 党费基数核定表 (issue 25)
    Sheet("talks", talks_sheet),
    Sheet("appraisal", appraisal_sheet),
    Sheet("rectify", rectify_sheet),
    Sheet("pledges", pledges_sheet),
    Sheet("transfers", transfers_sheet),  # 组织关系转接登记 (issue 27)
    Sheet("serve", serve_sheet),  # 在职党员到社区报到
    Sheet("study", study_sheet),  # 党员学习培训学时统计
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


@dataclass(frozen=True)
class LedgerOrder:
    """The workbook asked for: of the `units` of `tree` (the whole community when None), worded in `lang`, as
    of `now`. `compiler` (编制人) is named on the cover (a line to write on when None); `year` is the year of its
    三会一课 grid and charts (the export's by default)."""

    tree: OrgTree
    units: set[int] | None
    lang: str
    now: datetime
    compiler: str | None = None
    year: int | None = None
    reader: bool = False  # for a reader from above (上级党委): without the sheets of private records


#: The sheets a reader from above (上级党委, issue 28) never gets: 谈心谈话 notes, care details, statuses and
#: liaisons' contact notes, the roster with its phones and addresses, and 联户台账 with residents' phones and
#: hardship notes. On 流动党员台账 they get no last status nor place either (`Ledger.reader`).
PRIVATE_SHEETS = frozenset({"roster", "care", "care_visits", "talks", "status", "contacts", "households"})


def file_name(order: LedgerOrder, tz: ZoneInfo) -> str:
    """`台账-白庙村党支部-2026-11-30.xlsx`, and `台账-白庙村党支部-2026年度-2027-01-05.xlsx` for a year other than
    the day's: nothing in it a file system or a chat client would trip on."""
    unit = _UNSAFE.sub("_", scope_name(order.tree, order.units, order.lang)).strip("._")[:60] or "_"
    day = order.now.astimezone(tz).date()
    if order.year is not None and order.year != day.year:
        return plain(order.lang, "xlsx.file_year", unit=unit, year=order.year, date=day.isoformat())
    return plain(order.lang, "xlsx.file", unit=unit, date=day.isoformat())


def signer(tree: OrgTree, units: set[int] | None) -> str:
    """Who signs the ledger last: 支部书记 for a branch's, 党委书记 for the community's."""
    pool = set(tree.units) if units is None else units
    top = [tree.units[u] for u in pool if u in tree.units and tree.units[u].parent_id not in pool]
    return "branch" if top and all(u.kind != "committee" for u in top) else "committee"


async def write_ledger(store: Store, settings: Settings, directory: Path, order: LedgerOrder) -> Path:
    """Write the workbook `order` asks for into `directory`; its path. The settings give the time zone of its
    cells and the rules of 三会一课 (`LEDGER_REQUIRED`)."""
    tree, units, lang, now, year = order.tree, order.units, order.lang, order.now, order.year
    tz = settings.tz
    path = directory / file_name(order, tz)
    scratch = directory / ".xlsx-rows"  # the rows of each sheet until the book is zipped: private like the rest
    scratch.mkdir(mode=0o700)  # new: anything already there under the name (a planted link) is refused
    book = Book(path, lang, tz, scratch)
    reads = WorkbookReads(store.db)
    ledger = Ledger(store, reads, tree, units, lang, now, tz, book, settings, for_year=year, reader=order.reader)
    try:
        front = open_front(ledger)
        built: list[tuple[str, Table]] = []
        for sheet in SHEETS:
            if order.reader and sheet.key in PRIVATE_SHEETS:
                continue
            before = len(book.tables)
            await sheet.build(ledger)
            built += [(sheet.key, table) for table in book.tables[before:]]
        unit = scope_name(tree, units, lang)
        title = ledger.text(f"sign.{signer(tree, units)}")
        fill_front(ledger, front, built, Names(unit, title, order.compiler))
        today = ledger.today
        first, last = dates.dated(lang, ledger.earliest or today), dates.dated(lang, today)
        page = PageText(
            unit=unit,
            span=plain(lang, "xlsx.span", start=first, end=last),
            page=plain(lang, "xlsx.page_footer", page="&P", pages="&N"),
            sign_left=ledger.text("sign.left"),
            sign_right=ledger.text("sign.right", signer=title),
        )
        for table in book.tables:
            table.finish(page)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))  # owner-only, new
        await asyncio.to_thread(book.close)  # zipping a big book takes a while: not on the event loop
    finally:
        for leftover in scratch.iterdir():
            leftover.unlink()
        scratch.rmdir()
    log.info("ledger written sheets=%d", len(book.tables))
    return path
