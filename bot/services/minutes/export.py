"""`resolutions.csv`: one row per resolution (决议) recorded in a meeting's minutes, with its kind, its vote (赞成 /
反对 / 弃权), the written opinions (书面意见) counted with it, and its outcome (`passed` / `failed`, by `rule`, at
least `needed` 赞成), streamed from the store. The minutes' other fields (主持人, 记录人) are columns of
`notices.csv`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.domain.rights import OrgTree
from bot.services.kernel.export_time import local
from bot.store import Store

RESOLUTIONS_HEADER = [
    "notice_id",
    "type",
    "unit",
    "starts_at",
    "number",
    "resolution",
    "yes",
    "no",
    "abstain",
    "kind",
    "written_yes",
    "written_no",
    "written_abstain",
    "outcome",
    "rule",
    "needed",
]
OUTCOMES = {True: "passed", False: "failed", None: ""}


async def resolutions_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.minutes.each_resolution(units)) as lines:
        async for line in lines:
            r = line.resolution
            yield [
                line.notice_id,
                line.kind,
                tree.name(line.unit_id),
                local(line.starts_at),
                line.seq,
                r.text,
                r.yes,
                r.no,
                r.abstain,
                r.kind,
                r.written_yes,
                r.written_no,
                r.written_abstain,
                OUTCOMES[r.passed],
                r.rule or "",
                "" if r.needed is None else r.needed,
            ]
