"""The ledger's sheets of 党员联户 and 民情诉求 (issue 15): 联户台账 (each household with its member and the last
visit) and 民情诉求台账 (each request with its state, handler, dates, what was done and the resident's
satisfaction). Residents' names and phones appear here and in the CSV files only, never in logs."""

from __future__ import annotations

from contextlib import aclosing

from bot.services.households.requests_rules import SOURCE_ORDER
from bot.services.kernel.xlsx_cells import plain
from bot.services.kernel.xlsx_context import Ledger
from bot.store.households_requests import Request

HOUSEHOLD_COLUMNS = (
    "head",
    "building",
    "entrance",
    "room",
    "phone",
    "people",
    "member",
    "branch",
    "note",
    "last_visit",
    "listed_at",
)
REQUEST_COLUMNS = (
    "created_at",
    "head",
    "branch",
    "text",
    "state",
    "handler",
    "advice",
    "resolution",
    "satisfaction",
    "resolved_at",
    "source",  # 来信来访 (issue 28)
    "kind",  # 诉求 or 代办 with its deadline
)
STATES = ("received", "in_progress", "passed_up", "committee", "resolved")
SATISFACTION = ("satisfied", "basic", "unsatisfied")


async def households_sheet(ledger: Ledger) -> None:
    """联户台账: every household of the units' members (the whole community's, with those no member serves yet)."""
    table = ledger.book.table(
        ledger.text("households.sheet"), ledger.headers("households", HOUSEHOLD_COLUMNS), widths={8: 30}
    )
    never = ledger.text("households.never")
    async with aclosing(ledger.store.households.each(ledger.units)) as households:
        async for h in households:
            ledger.seen(h.created_at)
            table.row(
                [
                    h.head,
                    h.building or None,
                    h.entrance or None,
                    h.room or None,
                    h.phone,
                    h.people,
                    h.member_name or None,
                    ledger.unit(h.unit_id) or None,
                    h.note,
                    h.last_visit_at if h.last_visit_at is not None else never,
                    h.created_at,
                ]
            )


def _kind(ledger: Ledger, request: Request) -> str:
    """诉求, or 代办 with its deadline (the agent is the 经办人, the 回访 the satisfaction)."""
    if request.kind != "agency":
        return ledger.text("requests.kind_request")
    return ledger.text("requests.kind_agency", day=request.deadline.isoformat() if request.deadline else "—")


async def requests_sheet(ledger: Ledger) -> None:
    """民情诉求台账: every request of the units' branches, oldest first."""
    table = ledger.book.table(
        ledger.text("requests.sheet"), ledger.headers("requests", REQUEST_COLUMNS), widths={3: 36, 6: 28, 7: 28, 11: 18}
    )
    states = {s: plain(ledger.lang, f"requests.state.{s}") for s in STATES}
    ratings = {s: plain(ledger.lang, f"requests.rating.{s}") for s in SATISFACTION}
    sources = {s: plain(ledger.lang, f"requests.source.{s}") for s in SOURCE_ORDER}
    async with aclosing(ledger.store.requests.each(ledger.units)) as requests:
        async for r in requests:
            ledger.seen(r.created_at)
            # 上级党委 see that each request was answered, when and how well, never what a household asked or was
            # told: a resident's illness or hardship is in those words (the 联户台账 is not theirs either).
            text, advice, resolution = (None, None, None) if ledger.reader else (r.text, r.advice, r.resolution)
            table.row(
                [
                    r.created_at,
                    r.head,
                    ledger.unit(r.unit_id),
                    text,
                    states.get(r.state, r.state),
                    r.handler_name or None,
                    advice,
                    resolution,
                    ratings.get(r.satisfaction or "") if r.satisfaction else None,
                    r.resolved_at,
                    sources.get(r.source or "") if r.source else None,
                    _kind(ledger, r),
                ]
            )
