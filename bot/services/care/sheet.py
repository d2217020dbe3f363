"""The ledger's sheets of care for members in hardship (关爱帮扶, issue 15): 困难党员台账 (each care case with its
source, situation, visitor, last visit, state and outcome) and 帮扶走访记录 (each visit logged)."""

from __future__ import annotations

from contextlib import aclosing

from bot.services.kernel.xlsx_cells import plain
from bot.services.kernel.xlsx_context import Ledger

CASE_COLUMNS = (
    "member",
    "branch",
    "source",
    "situation",
    "visitor",
    "opened_at",
    "last_visit",
    "state",
    "closed_at",
    "outcome",
)
VISIT_COLUMNS = ("visited_on", "member", "branch", "visitor", "brought", "next_step")
SOURCES = ("ill", "hardship", "secretary")


async def care_sheet(ledger: Ledger) -> None:
    """困难党员台账: every care case of the units' members, open and closed, in the order opened."""
    table = ledger.book.table(ledger.text("care.sheet"), ledger.headers("care", CASE_COLUMNS), widths={3: 36, 9: 30})
    sources = {s: plain(ledger.lang, f"care.source.{s}") for s in SOURCES}
    never, open_, closed = ledger.text("care.never"), ledger.text("care.open"), ledger.text("care.closed")
    async with aclosing(ledger.store.care.each_case(ledger.units)) as cases:
        async for c in cases:
            ledger.seen(c.opened_at)
            table.row(
                [
                    c.member_name,
                    ledger.unit(c.unit_id) or None,
                    sources.get(c.source, c.source),
                    c.situation,
                    c.visitor_name or None,
                    c.opened_at,
                    c.last_visit if c.last_visit is not None else never,
                    open_ if c.closed_at is None else closed,
                    c.closed_at,
                    c.outcome,
                ]
            )


async def care_visits_sheet(ledger: Ledger) -> None:
    """帮扶走访记录: every visit logged on a care case of the units' members."""
    table = ledger.book.table(
        ledger.text("care_visits.sheet"), ledger.headers("care_visits", VISIT_COLUMNS), widths={4: 36, 5: 30}
    )
    async with aclosing(ledger.store.care.each_visit(ledger.units)) as visits:
        async for v in visits:
            ledger.seen(v.visited_on)
            table.row(
                [
                    v.visited_on,
                    v.member_name,
                    ledger.unit(v.unit_id) or None,
                    v.visitor_name or None,
                    v.brought,
                    v.next_step,
                ]
            )
