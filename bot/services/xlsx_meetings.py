"""The ledger's meeting sheets: 三会一课台账 (one row per meeting held, then the year's calendar grid: month and
quarter × type of meeting, held against required) and 会议考勤明细 (meeting × expected member)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import aclosing

from bot.i18n import has
from bot.services.notices import has_quorum
from bot.services.xlsx_book import Month, plain
from bot.services.xlsx_context import Ledger

MEETING_COLUMNS = ("date", "kind", "unit", "topic", "place", "host", "recorder", "expected", "present", "leave",
                   "absent", "absent_names", "makeup", "quorum")
ATTENDANCE_COLUMNS = ("date", "kind", "topic", "member", "branch", "group", "answer", "reason", "approved",
                      "checked_in_at", "check_in", "makeup")
ABSENT_NAMES = 30
KINDS = ("general", "committee", "group", "lecture", "partyday", "other")

#: How many meetings of a kind the units must hold in a month: None until the rules of 三会一课 are known to the
#: bot (issue 13's year grid); the grid then shows "held/required" with its mark instead of the count held.
Required = Callable[[str, Month], int | None]


class KindNames(dict[str, str]):
    """Type of meeting → its name in the catalogue (a type the catalogue does not know keeps its code)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, kind: str) -> str:
        name = plain(self.lang, f"notice.kind.{kind}") if has(f"notice.kind.{kind}") else kind
        self[kind] = name
        return name


def no_rule(kind: str, month: Month) -> int | None:
    return None


REQUIRED: Required = no_rule


async def meetings_sheet(ledger: Ledger) -> None:
    """三会一课台账: every meeting held (not cancelled, begun by the time of the export), then the year's grid."""
    table = ledger.book.table(ledger.text("meetings.sheet"), ledger.headers("meetings", MEETING_COLUMNS),
                              widths={3: 30, 11: 36})
    lang, year = ledger.lang, ledger.year
    names = KindNames(lang)
    kinds = {k: names[k] for k in KINDS}
    held: Counter[tuple[str, Month]] = Counter()
    yes, no = ledger.text("yes"), ledger.text("no")
    sep = ledger.text("names_separator")
    async with aclosing(ledger.reads.each_held(ledger.now, ledger.units)) as meetings:
        async for n in meetings:
            ledger.seen(n.starts_at)
            local = n.starts_at.astimezone(ledger.tz)
            month = Month(local.year, local.month)
            if local.year == year:
                held[n.kind, month] += 1
                ledger.tally.held_by_month[month] += 1
            quorum = (yes if has_quorum(n.expected, n.present) else no) if n.kind == "general" else None
            table.row([
                n.starts_at, names[n.kind], ledger.unit(n.unit_id), n.topic, n.place,
                n.host, n.recorder,  # 主持人, 记录人 from the minutes (issue 13 item 6)
                n.expected, n.present, n.on_leave, n.absent, _names(ledger, n.absent_names, sep),
                None,  # 补学: not recorded yet
                quorum,
            ])
            if n.expected:
                label = ledger.text("stats.meeting_label", date=f"{local:%m-%d}", kind=names[n.kind],
                                    unit=ledger.unit(n.unit_id))
                ledger.tally.rates.append((label, n.present / n.expected))
    table.data_end = table.row_no
    for month_no in range(1, 13):
        month = Month(year, month_no)
        required = [REQUIRED(kind, month) for kind in KINDS]
        if all(r is not None for r in required):
            ledger.tally.required_by_month[month] = sum(r or 0 for r in required)
    _grid(ledger, table.row_no + 1, held, kinds)


def _names(ledger: Ledger, names: tuple[str, ...], sep: str) -> str | None:
    """The absent members by name; past `ABSENT_NAMES` of them, the first ones and how many in all (a cell of
    six hundred names helps nobody on paper, the attendance sheet has every one)."""
    if not names:
        return None
    if len(names) <= ABSENT_NAMES:
        return sep.join(names)
    return ledger.text("meetings.more", names=sep.join(names[:ABSENT_NAMES]), count=len(names))


def _cell(ledger: Ledger, count: int, required: int | None) -> str | int:
    if required is None:
        return count
    mark = ledger.text("grid.met" if count >= required else "grid.not_met")
    return ledger.text("grid.cell", held=count, required=required, mark=mark)


def _grid(ledger: Ledger, top: int, held: Counter[tuple[str, Month]], kinds: dict[str, str]) -> None:
    """The year's calendar: a row per month, then per quarter, then the year; a column per type of meeting."""
    table, year = ledger.book.tables[-1], ledger.year
    book = ledger.book
    table.put(top, [ledger.text("grid.title", year=year)], book.title)
    table.put(top + 1, [ledger.text("grid.period"), *kinds.values(), ledger.text("grid.total")], book.head)
    row = top + 2
    months = [Month(year, m) for m in range(1, 13)]
    spans: list[tuple[str, list[Month]]] = [(ledger.text("grid.month", month=m.month), [m]) for m in months]
    spans += [(ledger.text("grid.quarter", quarter=q + 1), months[3 * q:3 * q + 3]) for q in range(4)]
    spans.append((ledger.text("grid.year", year=year), months))
    for label, span in spans:
        cells: list[object] = [label]
        for kind in kinds:
            count = sum(held[kind, m] for m in span)
            rules = [REQUIRED(kind, m) for m in span]
            cells.append(_cell(ledger, count, None if None in rules else sum(r or 0 for r in rules)))
        cells.append(sum(held[kind, m] for kind in kinds for m in span))
        table.put(row, cells)
        row += 1
    table.row_no = row


async def attendance_sheet(ledger: Ledger) -> None:
    """会议考勤明细: each expected member of each meeting held: reply, leave, check-in."""
    table = ledger.book.table(ledger.text("attendance.sheet"), ledger.headers("attendance", ATTENDANCE_COLUMNS),
                              widths={7: 30})
    lang = ledger.lang
    names = KindNames(lang)
    answers = {"attend": ledger.text("answer.attend"), "leave": ledger.text("answer.leave")}
    none = ledger.text("answer.none")
    ways = {w: ledger.text(f"check_in.{w}") for w in ("self", "proxy", "late")}
    async with aclosing(ledger.reads.each_seat(ledger.now, ledger.units)) as seats:
        async for a in seats:
            table.row([
                a.starts_at, names[a.kind], a.topic, a.member, ledger.unit(a.unit_id),
                ledger.unit(a.group_id) or None, answers.get(a.answer or "", none), a.reason,
                None,  # 准假: leave is not approved in the bot yet
                a.checked_in_at, ways.get(a.check_in or "") if a.check_in else None,
                None,  # 补学: not recorded yet
            ])
