"""What every sheet builder of the ledger workbook gets: the store snapshot, the units, the language, the moment of
the export, and the tallies the 统计 sheet draws its charts from (filled by the sheets before it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.services.kernel.xlsx_book import Book
from bot.services.kernel.xlsx_cells import Month, plain
from bot.store import Store
from bot.store.workbook_reads import WorkbookReads


@dataclass
class PeriodTally:
    """A report period's thought reports: on time, late, missing."""

    label: str
    end: date
    on_time: int = 0
    late: int = 0
    missing: int = 0


@dataclass
class Tally:
    """Small aggregates gathered while the big sheets stream by (a few hundred numbers at most)."""

    # Meetings held and required in each month of the year, toward the 三会一课 requirements falling due in it.
    held_by_month: Counter[Month] = field(default_factory=Counter)
    required_by_month: dict[Month, int] = field(default_factory=dict)
    rates: list[tuple[str, float]] = field(default_factory=list)  # meeting label → attended / expected
    periods: dict[str, PeriodTally] = field(default_factory=dict)
    duty_points: Counter[Month] = field(default_factory=Counter)


@dataclass
class Ledger:
    store: Store
    reads: WorkbookReads
    tree: OrgTree
    units: set[int] | None  # None: the whole community
    lang: str
    now: datetime
    tz: ZoneInfo
    book: Book
    settings: Settings
    for_year: int | None = None  # the year of the 三会一课 grid and the charts (the export's when None)
    reader: bool = False  # for a reader from above (上级党委): no illness, hardship or whereabouts in any cell
    tally: Tally = field(default_factory=Tally)
    earliest: date | None = None  # the first record in the workbook: the start of the date range in page headers
    _names: dict[int, str] | None = None

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def year(self) -> int:
        """The calendar year of the 三会一课 grid, the monthly charts and the cover: the year asked for, else the
        year of the export."""
        return self.for_year or self.today.year

    def text(self, key: str, **params: object) -> str:
        return plain(self.lang, f"xlsx.{key}", **params)

    def headers(self, sheet: str, columns: tuple[str, ...]) -> list[str]:
        return [self.text(f"{sheet}.col.{c}") for c in columns]

    def seen(self, moment: date | datetime | None) -> None:
        """A record's date: the date range in the page headers starts at the earliest."""
        if moment is None:
            return
        day = moment.astimezone(self.tz).date() if isinstance(moment, datetime) else moment
        if self.earliest is None or day < self.earliest:
            self.earliest = day

    def unit(self, unit_id: int | None) -> str:
        """A unit's name (looked up for most cells of the big sheets: from a plain dict)."""
        if self._names is None:
            self._names = {u.id: u.name for u in self.tree.units.values()}
        return self._names.get(unit_id, "") if unit_id is not None else ""
