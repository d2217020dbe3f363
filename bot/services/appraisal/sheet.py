"""The ledger's sheets of the branch's year (issue 26): 谈心谈话记录 (no private note: it is for the two people
and the secretary only), 民主评议党员结果 (自评, the 民主测评 tallies, 组织评定, 限期改正), 整改清单 and 党员承诺."""

from __future__ import annotations

from contextlib import aclosing

from bot.services.appraisal.rules import PUBLICITY_SOURCE, shown_tally
from bot.services.kernel.xlsx_context import Ledger

TALK_COLUMNS = ("held_on", "branch", "a", "b", "topic")
RESULT_COLUMNS = (
    "year",
    "branch",
    "member",
    "self",
    "excellent",
    "qualified",
    "basic",
    "unqualified",
    "grade",
    "correct_by",
    "publicity_from",
    "publicity_to",
)
RECTIFY_COLUMNS = ("number", "branch", "item", "measure", "responsible", "deadline", "state", "closed_at", "note")
PLEDGE_COLUMNS = ("year", "branch", "member", "pledge", "progress", "grade", "note")
GRADES = ("excellent", "qualified", "basic", "unqualified")
PLEDGE_GRADES = ("good", "fair", "average", "poor")


async def talks_sheet(ledger: Ledger) -> None:
    """谈心谈话记录: every talk logged in the units, by day."""
    table = ledger.book.table(ledger.text("talks.sheet"), ledger.headers("talks", TALK_COLUMNS), widths={4: 48})
    async with aclosing(ledger.store.appraisal.each_talk(ledger.units)) as talks:
        async for x in talks:
            ledger.seen(x.held_on)
            table.row([x.held_on, ledger.unit(x.unit_id) or None, x.a_name, x.b_name, x.topic])


async def appraisal_sheet(ledger: Ledger) -> None:
    """民主评议党员结果: each member of each year's 评议 with 自评, tallies (from MIN_SHOWN ballots), 评定, and the
    公示期 of the results when `/publicity 评议` posted them for that branch and year (read through the store:
    openness is above appraisal)."""
    table = ledger.book.table(
        ledger.text("appraisal.sheet"), ledger.headers("appraisal", RESULT_COLUMNS), widths={3: 40}
    )
    grades = {g: ledger.text(f"appraisal.grade.{g}") for g in GRADES}
    hidden = ledger.text("appraisal.hidden")
    shown = await ledger.store.openness.posted_periods(PUBLICITY_SOURCE, ledger.units)
    async with aclosing(ledger.store.appraisal.each_result(ledger.units)) as rows:
        async for r in rows:
            counts = shown_tally(r.tally)
            tally: list[object] = [counts.get(g, 0) for g in GRADES] if counts is not None else [hidden] * 4
            table.row(
                [
                    r.year,
                    ledger.unit(r.unit_id) or None,
                    r.member_name,
                    r.self_text or (ledger.text(f"appraisal.self_{r.self_file}") if r.self_file else None),
                    *tally,
                    grades.get(r.grade or "", None),
                    r.correct_by,
                    *shown.get((r.unit_id, f"{PUBLICITY_SOURCE}{r.year}"), (None, None)),
                ]
            )


async def rectify_sheet(ledger: Ledger) -> None:
    """整改清单: every item, open and closed, with what was done."""
    table = ledger.book.table(
        ledger.text("rectify.sheet"), ledger.headers("rectify", RECTIFY_COLUMNS), widths={2: 30, 3: 30, 8: 30}
    )
    open_, closed = ledger.text("rectify.open"), ledger.text("rectify.closed")
    async with aclosing(ledger.store.appraisal.each_item(ledger.units)) as items:
        async for i in items:
            ledger.seen(i.created_at)
            table.row(
                [
                    i.id,
                    ledger.unit(i.unit_id) or None,
                    i.item,
                    i.measure,
                    i.responsible_name,
                    i.deadline,
                    open_ if i.closed_at is None else closed,
                    i.closed_at,
                    i.close_note,
                ]
            )


async def pledges_sheet(ledger: Ledger) -> None:
    """党员承诺: each pledge with its 践诺 reports and the 评诺."""
    table = ledger.book.table(
        ledger.text("pledges.sheet"), ledger.headers("pledges", PLEDGE_COLUMNS), widths={3: 36, 4: 40, 6: 24}
    )
    grades = {g: ledger.text(f"pledges.grade.{g}") for g in PLEDGE_GRADES}
    async with aclosing(ledger.store.appraisal.each_pledge(ledger.units)) as pledges:
        async for p in pledges:
            table.row(
                [
                    p.year,
                    ledger.unit(p.unit_id) or None,
                    p.member_name,
                    p.text,
                    "\n".join(f"{n}. {x}" for n, x in enumerate(p.progress, 1)) or None,
                    grades.get(p.grade or "", None),
                    p.review_note or None,
                ]
            )
