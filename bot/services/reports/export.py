"""`status_reports.csv` and `thought_reports.csv`, streamed row by row from the store."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.domain.rights import OrgTree
from bot.services.kernel.export_time import local
from bot.store import Store

STATUS_HEADER = ["id", "member", "branch", "state", "location", "note", "reported_at"]
#: `voice_seconds`: a voice report (its `text` is empty; it is played from /reports).
THOUGHT_HEADER = ["id", "member", "branch", "period", "submitted_at", "times_replaced", "text", "voice_seconds"]


async def status_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.reports.each_status(units)) as reports:
        async for s, name, unit_id in reports:
            yield [s.id, name, tree.name(unit_id), s.state, s.location, s.note, local(s.at)]


async def thought_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.reports.each_thought(units)) as reports:
        async for r, name, unit_id in reports:
            yield [r.id, name, tree.name(unit_id), r.period, local(r.submitted_at), r.replaced, r.text, r.seconds]
