"""The CSV files of the branch's year (issue 26), streamed from the store beside the workbook's sheets:
`talks.csv` (谈心谈话: who, with whom, when, 形式 — never what was said, nor the private note),
`appraisal.csv` (民主评议: 自评, the 民主测评 counts — blank until MIN_SHOWN ballots are in, as on the sheet —,
评定, 限期改正), `rectify_items.csv` (整改清单) and `pledges.csv` (党员承诺: 承诺, 践诺, 评诺)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.domain.rights import OrgTree
from bot.services.appraisal.rules import PUBLICITY_SOURCE, shown_tally
from bot.services.kernel.export_time import local
from bot.store import Store

TALKS_HEADER = ["held_on", "branch", "member_a", "member_b", "form"]
APPRAISAL_HEADER = [
    "year",
    "branch",
    "member",
    "self_assessment",
    "self_file",
    "excellent",
    "qualified",
    "basic",
    "unqualified",
    "ballots_shown",
    "grade",
    "correct_by",
    "publicity_from",
    "publicity_to",
]
RECTIFY_HEADER = [
    "id",
    "branch",
    "item",
    "measure",
    "responsible",
    "deadline",
    "state",
    "created_at",
    "closed_at",
    "close_note",
]
PLEDGES_HEADER = ["year", "branch", "member", "pledge", "progress_reports", "progress", "grade", "review_note"]
GRADES = ("excellent", "qualified", "basic", "unqualified")


async def talk_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.year.each_talk_row(units)) as talks:
        async for x in talks:
            yield [x.held_on.isoformat(), tree.name(x.unit_id), x.a_name, x.b_name, x.form]


async def appraisal_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    shown = await store.openness.posted_periods(PUBLICITY_SOURCE, units)
    async with aclosing(store.appraisal.each_result(units)) as results:
        async for r in results:
            days = shown.get((r.unit_id, f"{PUBLICITY_SOURCE}{r.year}"))
            counts = shown_tally(r.tally)
            tally: list[object] = [counts.get(g, 0) for g in GRADES] if counts is not None else [""] * 4
            yield [
                r.year,
                tree.name(r.unit_id),
                r.member_name,
                r.self_text or "",
                r.self_file or "",
                *tally,
                "yes" if counts is not None else "no",
                r.grade or "",
                r.correct_by.isoformat() if r.correct_by else "",
                *((days[0].isoformat(), days[1].isoformat()) if days else ("", "")),
            ]


async def rectify_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.appraisal.each_item(units)) as items:
        async for i in items:
            yield [
                i.id,
                tree.name(i.unit_id),
                i.item,
                i.measure,
                i.responsible_name,
                i.deadline.isoformat(),
                "open" if i.closed_at is None else "closed",
                local(i.created_at),
                local(i.closed_at),
                i.close_note or "",
            ]


async def pledge_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.appraisal.each_pledge(units)) as pledges:
        async for p in pledges:
            yield [
                p.year,
                tree.name(p.unit_id),
                p.member_name,
                p.text,
                len(p.progress),
                "\n".join(p.progress),
                p.grade or "",
                p.review_note or "",
            ]
