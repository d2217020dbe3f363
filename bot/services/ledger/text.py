"""The 三会一课台账 as text: the overview of many branches (one line each), one branch's quarter in detail
(each month's and the quarter's marks, the year's, and every meeting held with its date, topic, 应到/实到),
and the nudge of the 20th. Pure: takes the grid (`bot.services.ledger.grid`) and the language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain.ledger import Mark, Period, period_of
from bot.i18n import Html, t
from bot.services.kernel.pages import Page, clip, fit
from bot.services.ledger.grid import Cell, LedgerYear, Line, Meeting, UnitLedger, current

#: Meetings listed in one quarter's view; beyond it the count of the others and the pointer to /export.
MEETINGS_SHOWN = 60


def kind_name(lang: str, kind: str) -> str:
    return t(lang, f"ledger.kind.{kind}")


def day_text(lang: str, day: date) -> str:
    return t(lang, "ledger.date", month=day.month, day=day.day)


def cell_text(lang: str, line: Line, cell: Cell) -> str:
    mark = t(lang, f"ledger.mark.{cell.mark}")
    if line.group is not None:
        return t(
            lang,
            "ledger.cell_group",
            kind=kind_name(lang, line.kind),
            group=line.group,
            mark=Html(mark),
            held=cell.held,
            required=cell.required,
        )
    return t(
        lang, "ledger.cell", kind=kind_name(lang, line.kind), mark=Html(mark), held=cell.held, required=cell.required
    )


def _sep(lang: str) -> str:
    return "；" if lang == "zh" else "; "


def _list(lang: str) -> str:
    return "、" if lang == "zh" else ", "


def legend(lang: str, ledger: LedgerYear) -> str:
    """What the marks mean; with RECORDS_FROM, what — means too."""
    text = t(lang, "ledger.legend")
    if ledger.kept_from is not None and ledger.kept_from.year >= ledger.year:
        text += t(lang, "ledger.legend_kept", date=day_text(lang, ledger.kept_from), year=ledger.kept_from.year)
    return text


def unit_mark(unit: UnitLedger) -> Mark:
    """The overview's mark of a branch: not met when any period due was missed; met when nothing is open
    either; else not yet due."""
    if unit.cells(Mark.MISSED):
        return Mark.MISSED
    return Mark.OPEN if unit.cells(Mark.OPEN) else Mark.MET


def overview(lang: str, ledger: LedgerYear, page: Page[UnitLedger]) -> str:
    """One line per branch of this page: its mark, how many periods were missed, what is still open now."""
    lines = [t(lang, "ledger.title", year=ledger.year, date=day_text(lang, ledger.today)), legend(lang, ledger)]
    for unit in page.entries:
        parts = []
        missed = unit.cells(Mark.MISSED)
        parts.append(t(lang, "ledger.sum_missed", count=len(missed)) if missed else t(lang, "ledger.sum_ok"))
        open_now = current(unit, ledger.today) if ledger.today.year == ledger.year else []
        if open_now:
            kinds = _list(lang).join(dict.fromkeys(kind_name(lang, ln.kind) for ln, _ in open_now))
            parts.append(t(lang, "ledger.sum_open", kinds=kinds))
        lines.append(
            t(
                lang,
                "ledger.overview_line",
                mark=Html(t(lang, f"ledger.mark.{unit_mark(unit)}")),
                unit=unit.name,
                summary=Html(_sep(lang).join(parts)),
            )
        )
    if page.pages > 1:
        lines.append(t(lang, "ledger.position", page=page.number, pages=page.pages, count=page.total))
    lines.append(t(lang, "ledger.overview_hint"))
    return "\n".join(lines)


def _meeting(lang: str, meeting: Meeting, cap: int | None) -> str:
    line = t(
        lang,
        "ledger.meeting",
        date=day_text(lang, meeting.day),
        kind=kind_name(lang, meeting.kind),
        topic=clip(meeting.topic, cap if cap is not None else 40),
        expected=meeting.expected,
        present=meeting.present,
    )
    if meeting.passed or meeting.failed:
        line += t(lang, "ledger.resolutions", passed=meeting.passed, failed=meeting.failed)
    if meeting.backfilled:
        line += t(lang, "backfill.tag")
    if not meeting.held:
        line += t(lang, f"ledger.standing.{meeting.standing}")
    return line


def _block(lang: str, head: str, marks: Sequence[tuple[Line, Cell]]) -> str:
    if not marks:
        return head
    return head + " " + _sep(lang).join(cell_text(lang, ln, c) for ln, c in marks)


def quarter_view(lang: str, ledger: LedgerYear, unit: UnitLedger, quarter: int) -> str:
    """One branch's quarter: each month's marks and meetings, the quarter's marks, the year's marks."""
    q = Period("quarter", ledger.year, quarter)
    head = [
        t(lang, "ledger.title_unit", unit=unit.name, year=ledger.year, date=day_text(lang, ledger.today)),
        legend(lang, ledger),
    ]
    if not unit.lines:
        head.append(t(lang, "ledger.no_requirements"))

    def draw(cap: int | None) -> list[str]:
        items: list[str] = []
        shown = 0
        hidden = 0
        for month in range(3 * quarter - 2, 3 * quarter + 1):
            period = Period("month", ledger.year, month)
            items.append(_block(lang, t(lang, "ledger.month", month=month), unit.lines_for(period)))
            held = unit.listed_in(period.start, period.end)
            for meeting in held:
                if shown < MEETINGS_SHOWN:
                    items.append(_meeting(lang, meeting, cap))
                    shown += 1
                else:
                    hidden += 1
            if not held:
                items.append(t(lang, "ledger.none_held"))
        items.append(_block(lang, t(lang, f"ledger.quarter.{quarter}"), unit.lines_for(q)))
        items.append(_block(lang, t(lang, "ledger.year_block"), unit.lines_for(Period("year", ledger.year, 1))))
        if hidden:
            items.append(t(lang, "ledger.more", count=hidden))
        return items

    return fit(lambda items: "\n".join([*head, *items]), draw)


def this_quarter(ledger: LedgerYear) -> int:
    """The quarter a view opens on: today's in the current year, the last one of a past year."""
    return period_of(ledger.today, "quarter").index if ledger.today.year == ledger.year else 4


# ------------------------------------------------------------------------------------------- nudge
def shortfall_lines(lang: str, unit: UnitLedger, today: date, closing: set[str]) -> list[str]:
    """What the branch still has to hold in the periods that end this month (`closing`: month, and quarter
    or year when this is their last month), one line per period."""
    out = []
    for per in ("month", "quarter", "year"):
        if per not in closing:
            continue
        period = period_of(today, per)
        items = [
            t(
                lang,
                "ledger.nudge_item_group" if ln.group else "ledger.nudge_item",
                kind=kind_name(lang, ln.kind),
                group=ln.group or "",
                count=c.required - c.held,
            )
            for ln, c in unit.lines_for(period)
            if c.mark not in (Mark.MET, Mark.NOT_KEPT)
        ]
        if items:
            quarter = t(lang, f"ledger.quarter_word.{period.index}") if per == "quarter" else ""
            out.append(
                t(lang, f"ledger.nudge_{per}", month=today.month, quarter=quarter, items=Html(_list(lang).join(items)))
            )
    return out


def nudge(lang: str, unit: UnitLedger, lines: Sequence[str]) -> str:
    """The nudge of the 20th: the branch, then one line per period with what is missing."""
    return t(lang, "ledger.nudge", unit=unit.name, lines=Html("\n".join(lines)))
