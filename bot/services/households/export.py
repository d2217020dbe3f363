"""`households.csv`, `visits.csv` and `requests.csv` (联户台账, 走访记录, 民情诉求台账), streamed row by row.
A secretary's export holds the households, visits and requests of their units only."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.domain.rights import OrgTree
from bot.services.kernel.export_time import local
from bot.store import Store

HOUSEHOLDS_HEADER = [
    "id",
    "head",
    "building",
    "unit",
    "room",
    "phone",
    "people",
    "member",
    "branch",
    "note",
    "last_visit_at",
    "listed_at",
]
VISITS_HEADER = ["id", "household_id", "head", "member", "branch", "date", "found", "logged_at"]
REQUESTS_HEADER = [
    "id",
    "household_id",
    "head",
    "branch",
    "text",
    "state",
    "handler",
    "advice",
    "resolution",
    "satisfaction",
    "visit_id",
    "created_at",
    "resolved_at",
    "source",
    "kind",
    "deadline",
    "notice_id",
]


async def households_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.households.each(units)) as households:
        async for h in households:
            yield [
                h.id,
                h.head,
                h.building,
                h.entrance,
                h.room,
                h.phone,
                h.people,
                h.member_name,
                tree.name(h.unit_id),
                h.note,
                local(h.last_visit_at) if h.last_visit_at else "",
                local(h.created_at),
            ]


async def visits_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.households.each_visit(units)) as visits:
        async for v, head, member, unit_id in visits:
            yield [
                v.id,
                v.household_id,
                head,
                member,
                tree.name(unit_id),
                v.local_date.isoformat(),
                v.found,
                local(v.at),
            ]


async def requests_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.requests.each(units)) as requests:
        async for r in requests:
            yield [
                r.id,
                r.household_id,
                r.head,
                tree.name(r.unit_id),
                r.text,
                r.state,
                r.handler_name,
                r.advice,
                r.resolution,
                r.satisfaction,
                r.visit_id,
                local(r.created_at),
                local(r.resolved_at) if r.resolved_at else "",
                r.source or "",
                r.kind,
                r.deadline.isoformat() if r.deadline else "",
                r.notice_id or "",
            ]
