"""`/ledger [unit] [YYYY]` (三会一课台账) as use cases, and `ledger_year`, the year grid as plain data.

`ledger_year(deps, LedgerScope(unit_ids, year, now))` is the one entry point for anything that needs the grid
(the Excel workbook of issue 14, say): it returns a `LedgerYear` (`bot.services.ledger.grid`) holding, for
each branch among `unit_ids` (other units are skipped), one `Line` per requirement (党小组会: one per Party
group) with a `Cell` per month, quarter or year — required, held, and the mark `met` / `missed` /
`open` (not yet due) as of `now` — and the meetings held (`Meeting`: notice id, type, unit, local start,
topic, 应到 expected, 实到 present). No Telegram, no text.

Rights: a secretary sees the branches they manage (a community secretary every branch: one compact
overview, then each branch by its button or by name); the rights are checked again at every press.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.call import Call
from bot.domain.ledger import period_of, years_shown
from bot.domain.models import BRANCH_KIND, COMMITTEE_KIND, GROUP_KIND
from bot.domain.results import Buttons, Reply, alert, say, shown
from bot.domain.rights import Actor, OrgTree, visible_units
from bot.i18n import t
from bot.services.kernel import pages
from bot.services.kernel.deps import Deps
from bot.services.kernel.pages import Filter, Page, clip
from bot.services.kernel.text import clean_text
from bot.services.kernel.turns import in_turns
from bot.services.ledger import text
from bot.services.ledger.buttons import LedgerAll, LedgerView
from bot.services.ledger.grid import Branch, Frame, LedgerYear, Meeting, UnitLedger, build_unit
from bot.services.notices.audience import COMMITTEE_ONLY, VOTING
from bot.services.notices.common import has_quorum
from bot.store.ledger import HeldRow, LedgerReads

#: Branches on one page of the overview (each has its button).
OVERVIEW_PAGE = 20
#: The first year a ledger may be asked for.
FIRST_YEAR = 2000
#: How much of a person's unknown unit name or year is repeated in the answer.
ECHO = 40
_ALL: tuple[Filter[UnitLedger], ...] = (Filter("all", "ledger.filter_all"),)


def branches(tree: OrgTree, unit_ids: set[int] | None = None) -> list[Branch]:
    """The branches among `unit_ids` (all when None), in tree order, with their Party groups and the units
    above them."""
    out = []
    for unit in sorted(tree.units.values(), key=lambda u: u.id):
        if unit.kind != BRANCH_KIND or (unit_ids is not None and unit.id not in unit_ids):
            continue
        groups = tuple(
            (g.id, g.name) for g in sorted(tree.children(unit.id), key=lambda g: g.id) if g.kind == GROUP_KIND
        )
        above = frozenset(u.id for u in tree.path(unit.id) if u.id != unit.id)
        out.append(Branch(unit.id, unit.name, groups, above))
    return out


@dataclass(frozen=True)
class LedgerScope:
    """Which ledger: of the branches among `unit_ids` (every branch when None), for `year`, as of `now`."""

    unit_ids: set[int] | None
    year: int
    now: datetime


async def ledger_year(deps: Deps, scope: LedgerScope, tree: OrgTree | None = None) -> LedgerYear:
    """The 三会一课台账 `scope` names (`tree`: the units, when the caller has read them already)."""
    store, tz, year, now = deps.store, deps.tz, scope.year, scope.now
    tree = tree if tree is not None else OrgTree.of(await store.units.all())
    start, end = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    rows = await LedgerReads(store.db).held(start, end, now)
    meetings = [
        Meeting(
            r.notice_id,
            r.kind,
            r.unit_id,
            r.starts_at.astimezone(tz),
            r.topic,
            r.expected,
            r.present,
            r.passed,
            r.failed,
            r.minutes,
            _quorum(r),
            r.units,
            backfilled=r.backfilled,
            appraisal_noted=r.appraisal_noted,
        )
        for r in rows
    ]
    frame = Frame(deps.settings.ledger_requirements, year, now.astimezone(tz).date(), deps.settings.records_start)
    units: list[UnitLedger] = []
    async for part in in_turns(branches(tree, scope.unit_ids), 20):  # `grid.build`, 20 branches a turn of the loop
        units += [build_unit(b, meetings, frame) for b in part]  # (each looks at every meeting of the year)
    return LedgerYear(frame.year, frame.today, tuple(frame.requirements), tuple(units), frame.kept_from)


def _quorum(row: HeldRow) -> bool | None:
    """支部党员大会: members with a vote; 支委会, 党委会: the committee; other meetings count none."""
    if row.kind in VOTING:
        return has_quorum(row.voters, row.voters_present)
    if row.kind in COMMITTEE_ONLY:
        return has_quorum(row.committee, row.committee_present)
    return None


def visible(person: Actor, tree: OrgTree) -> set[int]:
    """The branches whose ledger this person may see: those among the units they manage."""
    return {b.id for b in branches(tree, visible_units(person, tree))}


@dataclass(frozen=True)
class _Seen:
    """The units, and the branches among them whose ledger the person may see."""

    tree: OrgTree
    mine: set[int]

    @classmethod
    async def of(cls, deps: Deps, person: Actor) -> _Seen:
        tree = OrgTree.of(await deps.store.units.all())
        return cls(tree, visible(person, tree))


@dataclass(frozen=True)
class _Branch:
    """One branch's ledger asked for: its year, and the quarter shown (None: the current one)."""

    unit_id: int
    year: int
    quarter: int | None = None


def _example(tree: OrgTree, units: set[int], year: int) -> str:
    first = min(units) if units else None
    return f"{tree.name(first)} {year}".strip()


def _unit_names(tree: OrgTree, units: set[int], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(tree.name(u) for u in sorted(units))


async def show(deps: Deps, call: Call, args: str) -> Reply:
    """`/ledger`, `/ledger 2026`, `/ledger 白庙村党支部`, `/ledger 白庙村党支部 2026`: the overview of every
    branch the secretary may see, or the one branch asked for (or their only one), this year by default."""
    person, lang = call.actor, call.lang
    seen = await _Seen.of(deps, person)
    tree, mine = seen.tree, seen.mine
    this_year = call.now.astimezone(deps.tz).year
    if not mine:
        return say("ledger.none")
    words = clean_text(args).split()
    years = [w for w in words if w.isascii() and w.isdigit()]
    name = " ".join(w for w in words if w not in years)
    year = this_year
    if years:
        if len(years) > 1 or len(years[0]) != 4 or not FIRST_YEAR <= int(years[0]) <= this_year:
            return say(
                "ledger.err.year",
                value=clip(" ".join(years), ECHO),
                example=_example(tree, mine, this_year),
                first=FIRST_YEAR,
                last=this_year,
            )
        year = int(years[0])
    if not name:
        if len(mine) == 1:
            return await _unit(deps, call, seen, _Branch(next(iter(mine)), year))
        return await _overview(deps, call, seen, LedgerAll(year, 1))
    found = tree.find(name, within=visible_units(person, tree))
    target = found[0] if len(found) == 1 else None
    if target is not None and target.kind == COMMITTEE_KIND:
        return await _overview(deps, call, seen, LedgerAll(year, 1))
    if target is not None and target.kind == GROUP_KIND and target.parent_id in mine:
        target = tree.units[target.parent_id]
    if target is None or target.id not in mine:
        return say(
            "ledger.err.unit",
            value=clip(name, ECHO),
            units=_unit_names(tree, mine, lang),
            example=_example(tree, mine, this_year),
        )
    return await _unit(deps, call, seen, _Branch(target.id, year))


async def overview_page(deps: Deps, call: Call, pressed: LedgerAll) -> Reply:
    """A press on the overview's page buttons or on « back."""
    seen = await _Seen.of(deps, call.actor)
    if len(seen.mine) < 2:
        return alert("ledger.gone")
    return await _overview(deps, call, seen, pressed)


async def unit_page(deps: Deps, call: Call, pressed: LedgerView) -> Reply:
    """A press on a branch's button or on a quarter of its ledger."""
    seen = await _Seen.of(deps, call.actor)
    if pressed.unit_id not in seen.mine:
        return alert("ledger.gone")
    return await _unit(deps, call, seen, _Branch(pressed.unit_id, pressed.year, pressed.quarter))


async def _overview(deps: Deps, call: Call, seen: _Seen, asked: LedgerAll) -> Reply:
    year, lang = asked.year, call.lang
    ledger = await ledger_year(deps, LedgerScope(seen.mine, year, call.now), seen.tree)
    page: Page[UnitLedger] = pages.paginate(ledger.units, _ALL, pages.Asked("all", asked.page, OVERVIEW_PAGE))
    quarter = text.this_quarter(ledger)
    units = [{"text": u.name, "data": LedgerView(u.unit_id, year, quarter).pack()} for u in page.entries]
    extra: Buttons = [units[i : i + 2] for i in range(0, len(units), 2)]
    buttons = pages.buttons(page, lambda _w, n: LedgerAll(year, n).pack(), lang, extra)
    buttons += _years(lang, ledger.today, year, lambda y: LedgerAll(y, 1).pack())
    return shown(text.overview(lang, ledger, page), buttons)


async def _unit(deps: Deps, call: Call, seen: _Seen, asked: _Branch) -> Reply:
    unit_id, year, quarter, lang = asked.unit_id, asked.year, asked.quarter, call.lang
    ledger = await ledger_year(deps, LedgerScope({unit_id}, year, call.now), seen.tree)
    unit = ledger.units[0]
    chosen = min(max(quarter, 1), 4) if quarter is not None else text.this_quarter(ledger)
    row = []
    for q in range(1, 5):
        label = t(lang, f"ledger.quarter_button.{q}")
        row.append(
            {
                "text": t(lang, "pages.chosen", label=label) if q == chosen else label,
                "data": LedgerView(unit_id, year, q).pack(),
            }
        )
    buttons: Buttons = [row[:2], row[2:]]
    buttons += _years(lang, ledger.today, year, lambda y: LedgerView(unit_id, y, _opening(y, ledger.today)).pack())
    if len(seen.mine) > 1:
        buttons.append([{"text": t(lang, "ledger.back"), "data": LedgerAll(year, 1).pack()}])
    hearings = await _hearings(deps, seen.tree.subtree(unit_id), year, min(call.now, _year_end(deps, year)))
    return shown(text.quarter_view(lang, ledger, unit, chosen) + hearings(lang), buttons)


def _year_end(deps: Deps, year: int) -> datetime:
    return datetime(year + 1, 1, 1, tzinfo=deps.tz)


async def _hearings(deps: Deps, units: set[int], year: int, until: datetime) -> Callable[[str], str]:
    """民情恳谈 of the year so far (issue 28): 恳谈会 held, issues raised, of them 办结 — a line under the ledger
    when the branch held any."""
    held, raised, resolved = await deps.store.requests.hearing_counts(
        units, datetime(year, 1, 1, tzinfo=deps.tz), until
    )
    return lambda lang: (
        "" if not held else "\n\n" + t(lang, "ledger.hearings", held=held, raised=raised, resolved=resolved)
    )


def _opening(year: int, today: date) -> int:
    """The quarter a year's view opens on: today's this year, the last of a year gone."""
    return period_of(today, "quarter").index if year == today.year else 4


def _years(lang: str, today: date, year: int, data: Callable[[int], str]) -> Buttons:
    """In January, a row to move between the year just closed (the one being inspected) and the new one, the
    shown one ticked; nothing the rest of the year, or for a year asked for by name outside those two."""
    years = years_shown(None, today)
    if len(years) < 2 or year not in years:
        return []
    row = []
    for y in years:
        label = t(lang, "ledger.year_button", year=y)
        row.append({"text": t(lang, "pages.chosen", label=label) if y == year else label, "data": data(y)})
    return [row]
