"""The year grid of the 三会一课台账 as plain data, built by a pure function (`build`) from the branches and
the meetings held; `bot.services.ledger.overview.ledger_year` loads both from the store.

Which meetings count for a branch: its own 支部党员大会, 支委会 and 组织生活会 (the notice is for the branch
itself); 党小组会 of each of its Party groups, counted per group (a branch without Party groups has no
党小组会 to hold); 党课 and 主题党日 for the branch, one of its groups, or a unit above it (a community-wide
党课 counts for every branch under it); other meetings for the branch or its groups are listed without a
count.

"Held" for a branch (issue 23): not cancelled, its time passed, its minutes saved, and members **of that branch**
checked in — for a 支部党员大会, 支委会 or 党委会 with its quorum. A meeting addressed to several branches (a
community-wide 党课) counts for each branch only through its own members present, and shows each branch's own 应到
/ 实到. A meeting that met without its quorum, without minutes, or with none of the branch present is listed with
its standing and not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.domain.ledger import LedgerKind, Mark, Period, Requirement, mark, period_of, periods

#: Types counted only when the notice is for the branch itself.
OWN_KINDS = frozenset({"general", "committee", "life"})
#: Types that also count when the notice is for a unit above the branch.
SHARED_KINDS = frozenset({"lecture", "partyday"})
#: How a meeting stands for a branch: held (counted), or why not — it met without its quorum, its minutes were
#: never saved, or none of the branch's own members checked in.
HELD, NO_QUORUM, NO_MINUTES, NOBODY = "held", "no_quorum", "no_minutes", "nobody"
#: A 组织生活会 whose minutes do not yet say whether the 民主评议党员 was held, or why not (issue 26).
NO_APPRAISAL = "no_appraisal"


@dataclass(frozen=True)
class Meeting:
    """A meeting that took place: its notice, type, unit, local start, topic, 应到 (expected) and 实到 (checked in) —
    in a branch's ledger, that branch's own —, its resolutions, whether its minutes were saved and its quorum met
    (None: a meeting that counts none), the figures of each unit of the members expected, and how it stands for the
    branch whose ledger holds it."""

    notice_id: int
    kind: str
    unit_id: int
    starts_at: datetime
    topic: str
    expected: int
    present: int
    passed: int = 0  # resolutions of its minutes passed (通过)
    failed: int = 0  # and not passed (未通过)
    minutes: bool = True
    quorum: bool | None = None
    units: tuple[tuple[int, int, int], ...] = ()  # (members' unit, expected, present)
    standing: str = HELD
    backfilled: bool = False  # 补录: entered afterwards from the paper record (issue 23)
    appraisal_noted: bool = True  # 组织生活会: the minutes say whether the 民主评议 was held (issue 26)

    @property
    def held(self) -> bool:
        return self.standing == HELD

    @property
    def day(self) -> date:
        return self.starts_at.date()


@dataclass(frozen=True)
class Branch:
    """A branch as the ledger needs it: its Party groups (id, name) and the units above it."""

    id: int
    name: str
    groups: tuple[tuple[int, str], ...] = ()
    above: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Cell:
    """One period of one requirement: how many were required and held, and the mark."""

    period: Period
    required: int
    held: int
    mark: Mark


@dataclass(frozen=True)
class Line:
    """One requirement of one branch across the year: for 党小组会, one line per Party group (`group` names
    it; None for the branch's own lines)."""

    kind: str
    per: str
    group: str | None
    cells: tuple[Cell, ...]

    def cell(self, period: Period) -> Cell | None:
        return next((c for c in self.cells if c.period == period), None)


@dataclass(frozen=True)
class UnitLedger:
    """The year of one branch: its lines and the meetings held (in time order)."""

    unit_id: int
    name: str
    lines: tuple[Line, ...]
    meetings: tuple[Meeting, ...]

    def cells(self, marked: Mark | None = None) -> list[tuple[Line, Cell]]:
        return [(ln, c) for ln in self.lines for c in ln.cells if marked is None or c.mark is marked]

    def lines_for(self, period: Period) -> list[tuple[Line, Cell]]:
        """The lines whose period is `period`, with that period's cell."""
        return [(ln, c) for ln in self.lines if ln.per == period.per for c in ln.cells if c.period == period]

    def held_in(self, start: date, end: date) -> list[Meeting]:
        """The meetings counted as held in these dates."""
        return [m for m in self.meetings if start <= m.day < end and m.held]

    def listed_in(self, start: date, end: date) -> list[Meeting]:
        """Every meeting of the branch in these dates, held or not (with its standing)."""
        return [m for m in self.meetings if start <= m.day < end]

    @property
    def held_meetings(self) -> list[Meeting]:
        return [m for m in self.meetings if m.held]


@dataclass(frozen=True)
class LedgerYear:
    """The 三会一课台账 of some branches for one year, as of `today` (local): what `/ledger` shows and what
    an export may write. Plain data: `units` in the order asked, each with its lines and meetings."""

    year: int
    today: date
    requirements: tuple[Requirement, ...]
    units: tuple[UnitLedger, ...] = field(default_factory=tuple)
    kept_from: date | None = None  # RECORDS_FROM (issue 23): periods begun before it are not kept here


def counts_for(branch: Branch, meeting: Meeting) -> bool:
    """Whether a held meeting belongs in this branch's ledger."""
    groups = {g for g, _ in branch.groups}
    if meeting.kind in OWN_KINDS:
        return meeting.unit_id == branch.id
    if meeting.kind in SHARED_KINDS:
        return meeting.unit_id == branch.id or meeting.unit_id in groups or meeting.unit_id in branch.above
    return meeting.unit_id == branch.id or meeting.unit_id in groups


@dataclass(frozen=True)
class Frame:
    """What a grid is drawn against: the requirements (`LEDGER_REQUIRED`), the year, and the day its marks are
    taken on."""

    requirements: Sequence[Requirement]
    year: int
    today: date
    kept_from: date | None = None  # RECORDS_FROM: periods begun before it are not kept here (issue 23)


def _line(requirement: Requirement, group: str | None, held: Iterable[Meeting], frame: Frame) -> Line:
    days = [m.day for m in held]
    cells = []
    for period in periods(frame.year, requirement.per):
        count = sum(1 for d in days if period.holds(d))
        cells.append(
            Cell(period, requirement.count, count, mark(requirement.count, count, period, frame.today, frame.kept_from))
        )
    return Line(requirement.kind, requirement.per, group, tuple(cells))


def standing(branch: Branch, meeting: Meeting) -> str:
    """How a meeting stands for this branch: held, or why it does not count."""
    present = meeting.present if not meeting.units else sum(p for u, _, p in meeting.units if u == branch.id)
    if present == 0:
        return NOBODY
    if meeting.quorum is False:
        return NO_QUORUM
    if not meeting.minutes:
        return NO_MINUTES
    if meeting.kind == LedgerKind.LIFE and not meeting.appraisal_noted:
        return NO_APPRAISAL
    return HELD


def for_branch(branch: Branch, meeting: Meeting) -> Meeting:
    """The meeting as the branch's ledger shows it: the branch's own 应到 / 实到 and its standing."""
    if not meeting.units:
        return replace(meeting, standing=standing(branch, meeting))
    own = [(e, p) for u, e, p in meeting.units if u == branch.id]
    expected, present = own[0] if own else (0, 0)
    return replace(meeting, expected=expected, present=present, standing=standing(branch, meeting))


def build_unit(branch: Branch, meetings: Sequence[Meeting], frame: Frame) -> UnitLedger:
    mine = sorted(
        (for_branch(branch, m) for m in meetings if m.day.year == frame.year and counts_for(branch, m)),
        key=lambda m: (m.starts_at, m.notice_id),
    )
    counted = [m for m in mine if m.held]
    lines: list[Line] = []
    for req in frame.requirements:
        if req.kind == "group":
            for group_id, group_name in branch.groups:
                held = [m for m in counted if m.kind == "group" and m.unit_id == group_id]
                lines.append(_line(req, group_name, held, frame))
            continue
        lines.append(_line(req, None, [m for m in counted if m.kind == req.kind], frame))
    return UnitLedger(branch.id, branch.name, tuple(lines), tuple(mine))


def build(branches: Sequence[Branch], meetings: Sequence[Meeting], frame: Frame) -> LedgerYear:
    """The grid: every branch, each requirement across the year's periods, marked as of `frame.today`."""
    units = tuple(build_unit(b, meetings, frame) for b in branches)
    return LedgerYear(frame.year, frame.today, tuple(frame.requirements), units, frame.kept_from)


def current(ledger: UnitLedger, today: date) -> list[tuple[Line, Cell]]:
    """The cells of the periods `today` falls in (this month, quarter and year) that are still open."""
    return [
        (ln, c) for ln in ledger.lines for c in ln.cells if c.period == period_of(today, ln.per) and c.mark is Mark.OPEN
    ]
