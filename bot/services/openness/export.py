"""`publicity_items.csv`: every 党务公开 item posted, with its text, 公示期 and how many objections came in and were
answered (who objected stays out, as on the sheet)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.domain.rights import OrgTree
from bot.store import Store

ITEMS_HEADER = [
    "id",
    "unit",
    "kind",
    "source",
    "title",
    "text",
    "starts_on",
    "ends_on",
    "working_days",
    "posted_by",
    "posted_at",
    "objections",
    "answered",
]


async def item_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.openness.each_posted(units)) as items:
        async for item in items:
            yield [
                item.id,
                tree.name(item.unit_id),
                item.kind,
                item.source,
                item.title,
                item.body,
                item.starts_on.isoformat(),
                item.ends_on.isoformat(),
                item.days,
                item.posted_by_name,
                item.posted_at,
                item.objections,
                item.answered,
            ]
