"""CSV exports (UTF-8 with BOM, so Excel opens Chinese correctly), written row by row to files.

Each file's rows come from a cursor, a chunk at a time (`Database.stream`), and go straight to disk, so an export
takes the same memory for ten members as for a hundred thousand. Every file of one export is read from one
snapshot of the database on a connection of its own (`Database.snapshot`): the files agree with each other, and
the bot's own connection is not held up meanwhile.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.ledger import years_shown
from bot.domain.results import Reply, say
from bot.domain.rights import OrgTree, visible_units
from bot.services.appraisal.export import (
    APPRAISAL_HEADER,
    PLEDGES_HEADER,
    RECTIFY_HEADER,
    TALKS_HEADER,
    appraisal_rows,
    pledge_rows,
    rectify_rows,
    talk_rows,
)
from bot.services.care.export import CASES_HEADER, care_case_rows, care_visit_rows
from bot.services.care.export import VISITS_HEADER as CARE_VISITS_HEADER
from bot.services.development.export import REGISTER_HEADER, STEPS_HEADER, register_rows, step_rows
from bot.services.dues.export import PAYMENTS_HEADER, RULES_HEADER, dues_payment_rows, dues_rule_rows
from bot.services.duty.common import EXPORT_HEADER as DUTY_HEADER
from bot.services.duty.common import duty_logs_rows
from bot.services.duty.export import (
    ACCOUNTS_HEADER,
    POSTS_HEADER,
    PUBLICITY_HEADER,
    accounts_rows,
    posts_rows,
    publicity_rows,
)
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.services.households.export import (
    HOUSEHOLDS_HEADER,
    REQUESTS_HEADER,
    VISITS_HEADER,
    households_rows,
    requests_rows,
    visits_rows,
)
from bot.services.kernel.deps import Deps
from bot.services.kernel.export_time import export_tz
from bot.services.kernel.text import join_names
from bot.services.minutes.export import RESOLUTIONS_HEADER, resolutions_rows
from bot.services.notices.export import ATTENDANCE_HEADER, NOTICE_HEADER, attendance_rows, notices_rows
from bot.services.openness.export import ITEMS_HEADER, item_rows
from bot.services.reports.export import STATUS_HEADER, THOUGHT_HEADER, status_rows, thought_rows
from bot.store import Store
from bot.store.db import utcnow

#: The rows of one file, limited to `units` when given (a secretary's own units), in file order.
Rows = Callable[[Store, OrgTree, set[int] | None], AsyncGenerator[list[object], None]]


@dataclass(frozen=True)
class ExportFile:
    name: str
    header: list[str]
    rows: Rows


#: What a cell must not start with, or Excel takes it for a formula.
_FORMULA = frozenset("=+-@\t\r")


def _cells(row: list[object]) -> list[object]:
    """A row as written: text that Excel would take for a formula (=, +, -, @, tab, CR) is kept as text with a
    leading ', and None is an empty cell. (One comprehension, not a call per cell: exports have millions.)"""
    return [("'" + v if v[:1] in _FORMULA else v) if isinstance(v, str) else ("" if v is None else v) for v in row]


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def to_csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    """A small CSV in memory, written exactly as the export files are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(_cells(row) for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


async def write_csv(out: TextIO, header: list[str], rows: AsyncGenerator[list[object], None]) -> int:
    """Write the header and then each row as it comes (`out` opened with newline=""); the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    async with aclosing(rows):
        async for row in rows:
            writer.writerow(_cells(row))
            count += 1
    return count


MEMBERS_HEADER = [
    "id",
    "name",
    "branch",
    "group",
    "category",
    "roles",
    "posts",
    "liaison",
    "report_cadence",
    "migrant_since",
    "phone",
    "building",
    "telegram_id",
    "linked",
    "linked_at",
    "unreachable",
    "state",
    "deactivated_at",
    # the organisation (the roles above include committee and group_leader)
    "membership",
    "joined",
    "confirmed",
    "activity_group",
    "relation",
    "note",
    "duty",
    "votes",
]


async def members_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    """Everyone ever on the roster, those who left it too, with their state."""
    async with aclosing(store.members.each(units)) as members:
        async for m, liaison in members:
            yield [
                m.id,
                m.name,
                tree.name(m.unit_id),
                tree.name(m.group_id),
                m.category,
                ";".join(sorted(m.roles)),
                ";".join(sorted(m.posts)),
                liaison or "",
                m.report_cadence,
                m.migrant_since.isoformat() if m.migrant_since else "",
                m.phone,
                m.building,
                m.telegram_id,
                "yes" if m.linked else "no",
                m.linked_at,
                "yes" if m.unreachable else "no",
                "active" if m.active else "deactivated",
                m.deactivated_at,
                m.membership,
                _day(m.joined),
                _day(m.confirmed),
                tree.name(m.activity_group_id),
                m.relation,
                m.note,
                m.duty,
                "yes" if m.votes else "no",
            ]


#: Every export file, in the order they are written and sent. Later capabilities add their files here.
#: The most a bot may upload to Telegram in one file (Bot API `sendDocument`): larger files are not sent by
#: /export; the secretary is told which and how to get them (`python -m bot export DIR` on the server).
UPLOAD_LIMIT = 50 * 1024 * 1024


def too_large(paths: Sequence[Path], limit: int | None = None) -> list[Path]:
    """The files of an export that Telegram would refuse (`limit` bytes; UPLOAD_LIMIT by default)."""
    cap = UPLOAD_LIMIT if limit is None else limit
    return [p for p in paths if p.stat().st_size > cap]


EXPORTS: tuple[ExportFile, ...] = (
    ExportFile("members.csv", MEMBERS_HEADER, members_rows),
    ExportFile("status_reports.csv", STATUS_HEADER, status_rows),
    ExportFile("thought_reports.csv", THOUGHT_HEADER, thought_rows),
    ExportFile("duty_logs.csv", DUTY_HEADER, duty_logs_rows),
    ExportFile("notices.csv", NOTICE_HEADER, notices_rows),
    ExportFile("attendance.csv", ATTENDANCE_HEADER, attendance_rows),
    ExportFile("resolutions.csv", RESOLUTIONS_HEADER, resolutions_rows),  # 会议记录的决议 (issue 13 item 6)
    ExportFile("households.csv", HOUSEHOLDS_HEADER, households_rows),  # 联户台账 (issue 15)
    ExportFile("visits.csv", VISITS_HEADER, visits_rows),
    ExportFile("requests.csv", REQUESTS_HEADER, requests_rows),  # 民情诉求台账
    ExportFile("posts.csv", POSTS_HEADER, posts_rows),
    ExportFile("duty_accounts.csv", ACCOUNTS_HEADER, accounts_rows),
    ExportFile("duty_publicity.csv", PUBLICITY_HEADER, publicity_rows),
    ExportFile("care_cases.csv", CASES_HEADER, care_case_rows),  # 困难党员台账 (issue 15)
    ExportFile("care_visits.csv", CARE_VISITS_HEADER, care_visit_rows),
    ExportFile("dues_rules.csv", RULES_HEADER, dues_rule_rows),  # 党费 (issue 25)
    ExportFile("dues_payments.csv", PAYMENTS_HEADER, dues_payment_rows),
    ExportFile("talks.csv", TALKS_HEADER, talk_rows),  # 谈心谈话 (issue 26): no 内容, no private note
    ExportFile("appraisal.csv", APPRAISAL_HEADER, appraisal_rows),  # 民主评议党员
    ExportFile("rectify_items.csv", RECTIFY_HEADER, rectify_rows),  # 组织生活会 整改清单
    ExportFile("pledges.csv", PLEDGES_HEADER, pledge_rows),  # 党员承诺践诺
    ExportFile("publicity_items.csv", ITEMS_HEADER, item_rows),  # 党务公开 (issue 28)
    ExportFile("development.csv", REGISTER_HEADER, register_rows),  # 发展党员台账 (issue 24)
    ExportFile("development_steps.csv", STEPS_HEADER, step_rows),
)


def _private(path: Path) -> TextIO:
    """`path`, a new file, for writing as UTF-8 with a BOM, readable by its owner only from the moment it exists.
    Exports are written into a fresh folder: anything already there under the name (a link above all) is refused,
    never followed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    return open(fd, "w", encoding="utf-8-sig", newline="")  # the caller's `with` closes it


@dataclass(frozen=True)
class ExportJob:
    """What an export writes: the CSV files of `units` (the whole community when None), their times in `tz`
    (UTC when None); with `ledger_lang`, the Excel ledger (`bot.services.exports.workbook`) in that language after
    them, as of `now` (the moment it is written when None), which needs the `settings` (the zone of its cells, the
    rules of 三会一课), names `compiler` on its cover and draws `year`'s grid and charts — without a year, one
    workbook of this year and, in January, one of the year just closed before it (`years_shown`)."""

    units: set[int] | None = None
    tz: ZoneInfo | None = None
    ledger_lang: str | None = None
    now: datetime | None = None
    settings: Settings | None = None
    compiler: str | None = None
    year: int | None = None
    reader: bool = False  # a reader from above (上级党委): the Excel ledger only, without private sheets

    def __post_init__(self) -> None:
        if self.ledger_lang is not None and self.settings is None:
            raise ValueError("the Excel ledger needs the settings")


async def export_to_dir(store: Store, directory: Path, job: ExportJob = ExportJob()) -> list[Path]:
    """Write every export file of `job` into `directory`, a fresh folder (`python -m bot export` passes one it made
    inside the folder named: `bot.ops.folders.write_into`); their paths, in order. The Excel ledger, when asked for,
    follows the CSV files, written from the same snapshot."""
    units = job.units
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    zone = export_tz.set(job.tz) if job.tz is not None else None
    written = []
    try:
        async with store.db.snapshot() as db:
            snapshot = Store(db)
            tree = OrgTree.of(await snapshot.units.all())
            for export in () if job.reader else EXPORTS:
                path = directory / export.name
                with _private(path) as out:
                    await write_csv(out, export.header, export.rows(snapshot, tree, units))
                written.append(path)
            if job.ledger_lang is not None and job.settings is not None:
                now = job.now or utcnow()
                for year in years_shown(job.year, now.astimezone(job.settings.tz).date()):
                    order = LedgerOrder(tree, units, job.ledger_lang, now, job.compiler, year, job.reader)
                    written.append(await write_ledger(snapshot, job.settings, directory, order))
    finally:
        if zone is not None:
            export_tz.reset(zone)
    return written


@asynccontextmanager
async def exported(store: Store, job: ExportJob) -> AsyncIterator[list[Path]]:
    """The export files in a private temporary folder, removed when the block ends: for sending from disk."""
    with tempfile.TemporaryDirectory(prefix="zhibu-export-") as folder:
        yield await export_to_dir(store, Path(folder), job)


async def export_files(store: Store, units: set[int] | None = None, tz: ZoneInfo | None = None) -> dict[str, bytes]:
    """Every export file's bytes: for tests and small checks only (it holds the files in memory); the bot and
    the command line write them to disk with `export_to_dir`."""
    async with exported(store, ExportJob(units, tz)) as paths:
        return {path.name: path.read_bytes() for path in paths}


#: The first year `/export YYYY` takes (nothing was kept by the bot before it).
FIRST_YEAR = 2020


@dataclass(frozen=True)
class ExportAsk:
    """`/export [YYYY] [pdf]`: the year of the ledger's grid and charts (None: this year, and in January the year
    just closed too), and whether a PDF of the ledger comes too."""

    year: int | None = None
    pdf: bool = False
    unit: str = ""  # 单位: one unit among the person's (a reader from above names any unit they oversee)


def export_ask(text: str, this_year: int) -> ExportAsk | Reply:
    """The words after /export, in any order: a year (2026 or 2026年), `pdf` and a unit's name (白庙村党支部);
    anything else is explained."""
    year: int | None = None
    pdf = False
    unit = ""
    for word in text.split():
        if word.lower() == "pdf":
            pdf = True
            continue
        digits = word.removesuffix("年")
        if year is None and len(digits) == 4 and digits.isascii() and digits.isdigit():
            year = int(digits)
            if not FIRST_YEAR <= year <= this_year:
                return say("export.err.year", value=word, first=FIRST_YEAR, last=this_year)
            continue
        if not unit and not word.isascii():  # a unit's name (白庙村); a Latin word is a typo of pdf
            unit = word
            continue
        return say("export.err.word", value=word, year=this_year)
    return ExportAsk(year, pdf, unit)


@dataclass(frozen=True)
class ExportScope:
    """/export: the units whose files a secretary gets, and what to tell them while the files are made."""

    units: set[int]
    sending: Reply


async def export_scope(deps: Deps, call: Call, unit: str = "") -> ExportScope | Reply:
    """The units this person manages (everything for an admin; for a reader from above, the units they oversee),
    or the one `unit` named among them and those under it, named by their top units."""
    tree = OrgTree.of(await deps.store.units.all())
    units = visible_units(call.actor, tree)
    if unit:
        found = tree.find(unit, within=units)
        if len(found) != 1:
            names = join_names([tree.name(u) for u in sorted(units) if tree.units[u].kind != "group"][:8], call.lang)
            return say("export.err.unit", value=unit[:40], units=names, year=call.now.astimezone(deps.tz).year)
        units = tree.subtree(found[0].id) & units
    top = [u for u in sorted(units) if tree.units[u].parent_id not in units]
    return ExportScope(units, say("export.sending", units=join_names([tree.name(u) for u in top], call.lang)))
