"""`/overview [单位]` (总览, issue 28 item 4): what a reader from above (上级党委, read-only) — or a secretary — sees of
the units under them at a glance, each branch's figures and what is overdue: 三会一课 held and missed this year,
民主评议 and its open 整改 items, 流动党员 and transfers in progress, 民情诉求 open, overdue and resolved; then the
发展党员 register, the 党费 collection and the transfers in progress as their own capabilities list them.

Read only: it calls nothing that writes, and shows no private record (谈心谈话 notes, care details, ballots, ID
numbers). The workbook of any unit comes with `/export 单位`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import periods
from bot.domain.call import Call
from bot.domain.ledger import Mark
from bot.domain.models import BRANCH_KIND, Member
from bot.domain.results import Reply, Result, say, shown
from bot.domain.rights import Capability, OrgTree, visible_units
from bot.i18n import Html, t
from bot.services.development import register as development
from bot.services.dues.view import branch_list
from bot.services.households.requests_rules import HANDLER_AFTER
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import join_names
from bot.services.ledger.overview import LedgerScope, ledger_year
from bot.services.reports.common import is_mobile
from bot.services.transfers import transfer as transfer_view


@dataclass(frozen=True)
class Seen:
    """The units asked for among those the person may read, and the branches among them."""

    tree: OrgTree
    units: set[int]
    branches: list[int]


async def seen_units(deps: Deps, call: Call, name: str) -> Seen | Reply:
    tree = OrgTree.of(await deps.store.units.all())
    units = visible_units(call.actor, tree)
    if name:
        found = tree.find(name, within=units)
        if len(found) != 1:
            tops = [u for u in sorted(units) if tree.units[u].kind != "group"][:8]
            return say("overview.unknown", value=name[:40], units=join_names([tree.name(u) for u in tops], call.lang))
        units = tree.subtree(found[0].id) & units
    branches = [u for u in sorted(units) if tree.units[u].kind == BRANCH_KIND]
    return Seen(tree, units, branches)


async def _late_reports(deps: Deps, members: list[Member], now: datetime) -> set[int]:
    """The mobile members whose 思想汇报 of their last ended period (the month or quarter before this one, when
    they were already away) is not in and its deadline has passed: 逾期没交."""
    last = {
        m.id: periods.previous_period(periods.period_of(now.astimezone(deps.tz).date(), cadence), cadence)
        for m in members
        if is_mobile(m) and (cadence := m.report_cadence or periods.MONTHLY)
    }
    owing = {
        m.id
        for m in members
        if m.id in last
        and periods.is_owed(last[m.id], periods.mobile_since(m.migrant_since, m.mobile_recorded_at, deps.tz))
    }
    if not owing:
        return set()
    found = await deps.store.reports.thoughts_for(sorted(owing), sorted({last[i].label for i in owing}))
    handed = {(r.member_id, r.period) for r in found}
    return {i for i in owing if periods.report_status(last[i], (i, last[i].label) in handed, now, deps.tz) == "overdue"}


async def _branch_lines(deps: Deps, call: Call, seen: Seen) -> list[str]:
    """One block per branch: its figures of the year so far."""
    store, now, lang = deps.store, call.now, call.lang
    today = now.astimezone(deps.tz).date()
    since = datetime(today.year, 1, 1, tzinfo=deps.tz)
    ledger = await ledger_year(deps, LedgerScope(set(seen.branches), today.year, now), seen.tree)
    held = {u.unit_id: (len(u.meetings), len(u.cells(Mark.MISSED))) for u in ledger.units}
    members = await store.members.in_units(seen.units)
    transfers = await store.transfers.in_units(seen.units, open_only=True)
    late = await _late_reports(deps, members, now)
    lines = []
    for branch in seen.branches:
        under = seen.tree.subtree(branch)
        meetings, missed = held.get(branch, (0, 0))
        appraisal = await store.appraisal.appraisal(branch, today.year)
        rated = len(await store.appraisal.ratings(appraisal.id)) if appraisal else 0
        rectify = len(await store.appraisal.items(branch, open_only=True))
        mobile = sum(1 for m in members if m.unit_id in under and m.category == "migrant")
        overdue = sum(1 for m in members if m.unit_id in under and m.id in late)
        moving = sum(1 for tr in transfers if tr.unit_id in under)
        figures = await store.requests.figures(under, since, now - HANDLER_AFTER, today)
        review = t(lang, "overview.appraisal_open", rated=rated) if appraisal else t(lang, "overview.appraisal_none")
        lines += [
            "",
            t(lang, "overview.branch", name=seen.tree.name(branch)),
            t(lang, "overview.meetings", held=meetings, missed=missed),
            t(lang, "overview.appraisal", review=review, rectify=rectify),
            t(lang, "overview.mobile", mobile=mobile, late=overdue, moving=moving),
            t(lang, "overview.requests", open=figures[0], stale=figures[1], late=figures[2], resolved=figures[3]),
        ]
    return lines


async def overview(deps: Deps, call: Call, name: str) -> Result:
    """The figures of each branch, then the 发展党员, 党费 and 转接 lists of the units asked for."""
    seen = await seen_units(deps, call, name.strip())
    if isinstance(seen, Reply):
        return Result.of(seen)
    lang, store = call.lang, deps.store
    today = call.now.astimezone(deps.tz).date()
    tops = [u for u in sorted(seen.units) if seen.tree.units[u].parent_id not in seen.units]
    head = t(
        lang, "overview.head", units=join_names([seen.tree.name(u) for u in tops], lang), day=dates.dated(lang, today)
    )
    if not seen.branches:
        return Result.of(shown(Html("\n".join([head, "", t(lang, "overview.no_branch")]))))
    figures = shown(Html("\n".join([head, *await _branch_lines(deps, call, seen), "", t(lang, "overview.foot")])))
    organiser = call.actor.can(Capability.ORGANISER)  # the hints to /development and /transfer: only for those who may
    people = await store.development.in_units(seen.units)
    moving = await store.transfers.in_units(seen.units, open_only=True)
    return Result.of(
        figures,
        shown(Html((development.listing if organiser else development.reading)(people, seen.tree, today, lang))),
        await branch_list(deps, call, seen.units),
        shown(Html((transfer_view.listing if organiser else transfer_view.reading)(moving, seen.tree, today, lang))),
    )
