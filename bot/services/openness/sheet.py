"""The workbook's sheets of 党务公开: 「党务公开台账」 — every item posted, its 公示期 and how many objections came in
and were answered (no objector's name: who objected is known to the secretary, never printed, so a resident need
not fear being named on a sheet an inspector or a meeting sees) — and 「党务公开栏」, an A4 page to pin on the
board: the items whose 公示期 runs on the day of the export, each with its text and how to object."""

from __future__ import annotations

from contextlib import aclosing

from bot.services.kernel.xlsx_cells import Printing, plain
from bot.services.kernel.xlsx_context import Ledger
from bot.services.openness.text import period_text

LEDGER_COLUMNS = (
    "number",
    "unit",
    "kind",
    "title",
    "body",
    "starts",
    "ends",
    "days",
    "posted_by",
    "posted_at",
    "objections",
    "answered",
)
BOARD_COLUMNS = ("title", "body", "period")


async def ledger_sheet(ledger: Ledger) -> None:
    """党务公开台账: every posted item of the units, by its first day."""
    table = ledger.book.table(
        ledger.text("openness.sheet"), ledger.headers("openness", LEDGER_COLUMNS), widths={3: 24, 4: 48}
    )
    async with aclosing(ledger.store.openness.each_posted(ledger.units)) as items:
        async for item in items:
            ledger.seen(item.starts_on)
            table.row(
                [
                    item.id,
                    ledger.unit(item.unit_id),
                    plain(ledger.lang, f"openness.kind.{item.kind}"),
                    item.title,
                    item.body,
                    item.starts_on,
                    item.ends_on,
                    item.days,
                    item.posted_by_name,
                    item.posted_at,
                    item.objections,
                    item.answered,
                ]
            )


async def board_sheet(ledger: Ledger) -> None:
    """党务公开栏: what is being made public today, upright on A4, to print and pin up."""
    table = ledger.book.table(
        ledger.text("openness_board.sheet"),
        ledger.headers("openness_board", BOARD_COLUMNS),
        widths={0: 22, 1: 50, 2: 28},
        printing=Printing(portrait=True),
    )
    today = ledger.today
    async with aclosing(ledger.store.openness.each_posted(ledger.units)) as items:
        async for item in items:
            if not item.starts_on <= today <= item.ends_on:
                continue
            period = period_text(ledger.lang, item.starts_on, item.ends_on, item.days)
            table.row(
                [
                    f"{ledger.unit(item.unit_id)}\n{item.title}",
                    item.body,
                    f"{period}\n{ledger.text('openness_board.object')}",
                ]
            )
