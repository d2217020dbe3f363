"""`resolutions.csv`: one row per resolution (决议) recorded in a meeting's minutes, with its vote (赞成 / 反对 /
弃权), streamed from the store. The minutes' other fields (主持人, 记录人) are columns of `notices.csv`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.domain.rights import OrgTree
from bot.services.kernel.export_time import local
from bot.store import Store

RESOLUTIONS_HEADER = ["notice_id", "type", "unit", "starts_at", "number", "resolution", "yes", "no", "abstain"]


async def resolutions_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.minutes.each_resolution(units)) as lines:
        async for r in lines:
            yield [r.notice_id, r.kind, tree.name(r.unit_id), local(r.starts_at), r.seq, r.text, r.yes, r.no, r.abstain]
