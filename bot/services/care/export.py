"""`care_cases.csv` and `care_visits.csv` (困难党员台账), streamed row by row from the store."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.domain.rights import OrgTree
from bot.services.kernel.export_time import local
from bot.store import Store

CASES_HEADER = [
    "id",
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
]
VISITS_HEADER = ["id", "case_id", "member", "branch", "visitor", "visited_on", "brought", "next_step", "logged_at"]


async def care_case_rows(
    store: Store,
    tree: OrgTree,
    units: set[int] | None,
) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.care.each_case(units)) as cases:
        async for c in cases:
            yield [
                c.id,
                c.member_name,
                tree.name(c.unit_id),
                c.source,
                c.situation,
                c.visitor_name or "",
                local(c.opened_at),
                c.last_visit.isoformat() if c.last_visit else "",
                "open" if c.open else "closed",
                local(c.closed_at),
                c.outcome or "",
            ]


async def care_visit_rows(
    store: Store,
    tree: OrgTree,
    units: set[int] | None,
) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.care.each_visit(units)) as visits:
        async for v in visits:
            yield [
                v.id,
                v.case_id,
                v.member_name,
                tree.name(v.unit_id),
                v.visitor_name or "",
                v.visited_on.isoformat(),
                v.brought,
                v.next_step,
                local(v.logged_at),
            ]
