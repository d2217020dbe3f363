"""Applying a valid roster (docs/PRODUCT.md §2) in ONE transaction: units, members, roles, posts, liaisons, and the
members who are no longer on it.

Units are made as the file names them: branches and activity groups (活动小组) under the community
committee, Party groups under their branch. A name already taken under the same parent by a unit of
another kind (an activity group named like a branch made earlier) is a conflict, not a merge.

The file is the roster: every member in it is created or brought in line with it (their roles and posts
become exactly the file's, and one who had left is active again). Members in the database but not in the
file are reported; with `deactivate_missing` they are deactivated in the same transaction (no rights, no
messages, not expected at meetings; their history stays). Nothing is written when a row clashes with the
database.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.models import (
    ACTIVITY_GROUP_KIND,
    BRANCH_KIND,
    COMMITTEE_KIND,
    GROUP_KIND,
    INSPECTOR,
    TOWNSHIP_KIND,
    Change,
    RosterRecord,
    Unit,
)
from bot.domain.organisation import COMMITTEE, office_of
from bot.domain.rights import OrgTree
from bot.services.members.people import place_label
from bot.services.members.roster_columns import RosterError, RosterRow
from bot.store import Store
from bot.store.db import iso, utcnow
from bot.store.dues import RuleValues
from bot.store.members_roster import Link
from bot.store.work import UnitOfWork


class RosterConflict(Exception):
    """A row that is valid on its own but clashes with the database (nothing was written)."""

    def __init__(self, error: RosterError) -> None:
        super().__init__(error.key)
        self.error = error


@dataclass(frozen=True)
class Missing:
    """A member in the database whom the file does not list."""

    id: int
    name: str
    unit: str  # `白庙村党支部 · 1号楼党小组`


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: int = 0
    reactivated: int = 0  # among `updated`: members who had left and are on the roster again
    missing: list[Missing] = field(default_factory=list)
    deactivated: int = 0  # of `missing`, when asked to deactivate them
    developing: int = 0  # 入党申请人, 积极分子, 发展对象: in the 发展党员 register, not members (issue 24)
    dues_set: int = 0  # members whose 党费 rule of the year the file set or changed (issue 25)

    def notes(self) -> list[tuple[str, int]]:
        """What the import says beside its summary (`roster.<key>` with a count), those that happened."""
        counts = {"reactivated": self.reactivated, "developing": self.developing, "dues_set": self.dues_set}
        return [(key, count) for key, count in counts.items() if count]


def _record(row: RosterRow, unit_id: int, group_id: int | None, activity_group_id: int | None) -> RosterRecord:
    return RosterRecord(
        name=row.name,
        unit_id=unit_id,
        group_id=group_id,
        category=row.category,
        report_cadence=row.report_cadence,
        migrant_since=row.migrant_since,
        phone=row.phone or None,
        building=row.building or None,
        telegram_id=row.telegram_id,
        roles=row.roles,
        posts=row.posts,
        membership=row.membership,
        joined=row.joined,
        confirmed=row.confirmed,
        relation=row.relation,
        note=row.note or None,
        duty=row.duty or None,
        activity_group_id=activity_group_id,
        details=row.details,
    )


def _seats(row: RosterRow, record: RosterRecord, units: dict[str, int]) -> list[tuple[int, str]]:
    """The committee seats of a row (issue 23): its 委员 column, each unit found by name among the community and
    the branches; without the column, the seat its roles give in its own unit (书记, or 支委 with the office its
    职务说明 names)."""
    if row.committee:
        seats = []
        for name, office in row.committee:
            if name not in units:
                raise RosterConflict(RosterError(row.line, "committee", "roster.err.committee_unit", {"value": name}))
            seats.append((units[name], office))
        return seats
    if "secretary" in row.roles:
        return [(record.unit_id, "secretary")]
    if COMMITTEE in row.roles:
        return [(record.unit_id, office_of(row.duty))]
    return []


async def _unit(uow: UnitOfWork, row: RosterRow, kind: str, parent_id: int | None) -> tuple[int, bool]:
    """The id of the unit the row names in its column `kind` (branch, group or activity_group), made when
    missing, and whether it was made; a conflict when the name under this parent is a unit of another kind."""
    name = {BRANCH_KIND: row.branch, GROUP_KIND: row.group, ACTIVITY_GROUP_KIND: row.activity_group}[kind]
    found = await uow.units.find(name, parent_id)
    if found is not None and found.kind != kind:
        raise RosterConflict(RosterError(row.line, kind, "roster.err.unit_kind", {"value": name}))
    return await uow.units.ensure(kind, name, parent_id)


@dataclass(frozen=True)
class OrgNames:
    """The names of the top units: the deployment's own community (COMMUNITY_NAME, for rows without 社区) and, in
    a township deployment (a row names its 社区, or a reader from above is listed), the township (TOWNSHIP_NAME)."""

    community: str
    township: str = "乡镇党委"


class _Tops:
    """The township (made when the file needs one) and the community committees, found or made as rows name them;
    a community made before the township existed is hung under it."""

    def __init__(self, uow: UnitOfWork, names: OrgNames, summary: ImportSummary) -> None:
        self.uow, self.names, self.summary = uow, names, summary
        self.township: int | None = None
        self.found: dict[str, int] = {}

    async def start(self, rows: list[RosterRow]) -> None:
        if any(row.community or INSPECTOR in row.roles for row in rows):
            self.township, made = await self.uow.units.ensure(TOWNSHIP_KIND, self.names.township, None)
            self.summary.units_created += made

    async def committee(self, name: str) -> int:
        name = name or self.names.community
        if name in self.found:
            return self.found[name]
        unit = await self.uow.units.community(name)
        if unit is None:
            unit_id, made = await self.uow.units.ensure(COMMITTEE_KIND, name, self.township)
            self.summary.units_created += made
        else:
            unit_id = unit.id
            if self.township is not None and unit.parent_id != self.township:
                await self.uow.units.move(unit_id, self.township)
        self.found[name] = unit_id
        return unit_id


def _overseen(row: RosterRow, units: list[Unit], community: int | None) -> int:
    """The unit a reader from above oversees: the township, a community committee or a branch of that name (within
    the row's community when it names one)."""
    tree = OrgTree.of(units)
    within = tree.subtree(community) if community is not None else None
    for unit in units:
        top = unit.kind in (TOWNSHIP_KIND, COMMITTEE_KIND, BRANCH_KIND)
        if top and unit.name == row.branch and (within is None or unit.id in within or unit.kind == TOWNSHIP_KIND):
            return unit.id
    raise RosterConflict(RosterError(row.line, "branch", "roster.err.inspector_unknown", {"value": row.branch}))


class _Units:
    """The units an import names, each looked up (and made) once: thousands of rows name the same few."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.known: dict[tuple[str, str, int | None], int] = {}

    async def of(self, row: RosterRow, kind: str, parent_id: int | None) -> tuple[int, bool]:
        name = {BRANCH_KIND: row.branch, GROUP_KIND: row.group, ACTIVITY_GROUP_KIND: row.activity_group}[kind]
        key = (kind, name, parent_id)
        if key in self.known:
            return self.known[key], False
        unit_id, made = await _unit(self.uow, row, kind, parent_id)
        self.known[key] = unit_id
        return unit_id, made


async def _dues(uow: UnitOfWork, member_id: int, row: RosterRow, at: datetime) -> bool:
    """The row's 党费 rule, for the year of the import (the base is declared each January)."""
    rule = row.dues
    assert rule is not None
    values = RuleValues(rule.category.value, rule.base, rule.rate, rule.amount, rule.more)
    return await uow.dues.from_roster(member_id, date.today().year, values, at)


async def _developing(uow: UnitOfWork, row: RosterRow, unit_id: int, at: datetime) -> None:
    """An 入党申请人, 积极分子 or 发展对象 into the 发展党员 register; their Telegram id may not be a member's."""
    if row.telegram_id is not None:
        holder = await uow.members.holder(row.telegram_id)
        if holder is not None and holder.active:
            raise RosterConflict(RosterError(row.line, "telegram_id", "roster.err.id_taken", {"other": holder.name}))
    await uow.development.from_roster(unit_id, row.name, row.membership, row.telegram_id, at)


async def apply_roster(
    store: Store, rows: list[RosterRow], names: str | OrgNames, *, deactivate_missing: bool = False
) -> ImportSummary:
    """Create or update units and members from valid rows, all in one transaction. `names`: the community's name
    (COMMUNITY_NAME), or the names of the top units of a township deployment."""
    summary = ImportSummary()
    moment = utcnow()
    now = iso(moment)
    names = names if isinstance(names, OrgNames) else OrgNames(names)
    async with store.unit_of_work() as uow:
        tops = _Tops(uow, names, summary)
        await tops.start(rows)
        records: list[tuple[RosterRow, RosterRecord]] = []
        developing: list[tuple[RosterRow, int]] = []
        named = _Units(uow)
        for count, row in enumerate(rows):
            if count and count % 500 == 0:
                await asyncio.sleep(0)  # 10 000 rows: the event loop let go between chunks
            committee_id = await tops.committee(row.community)
            unit_id = committee_id
            if INSPECTOR in row.roles:  # a member of the township; the unit overseen is found below
                assert tops.township is not None
                records.append((row, _record(row, tops.township, None, None)))
                continue
            if row.branch:
                unit_id, made = await named.of(row, BRANCH_KIND, committee_id)
                summary.units_created += made
            if row.developing:  # not a member: no group, no activity group, no member row
                developing.append((row, unit_id))
                continue
            group_id = activity_id = None
            if row.group:
                group_id, made = await named.of(row, GROUP_KIND, unit_id)
                summary.units_created += made
            if row.activity_group:
                activity_id, made = await named.of(row, ACTIVITY_GROUP_KIND, committee_id)
                summary.units_created += made
            records.append((row, _record(row, unit_id, group_id, activity_id)))

        listed = {(record.unit_id, record.name) for _, record in records}
        missing = [e for e in await uow.members.entries() if (e.unit_id, e.name) not in listed]
        left_before = {e.id for e in await uow.members.entries(active=False)}
        if deactivate_missing:  # first, so a Telegram id moves from who left to who is listed now
            summary.deactivated = await uow.members.deactivate([e.id for e in missing], now)

        # every record in order, a chunk per hand-over to the database thread (a Telegram id held by someone who
        # left is released; one an active member elsewhere holds stops the import)
        placed = await uow.members.place([record for _, record in records], now)
        if placed.taken is not None:
            index, other = placed.taken
            error = RosterError(records[index][0].line, "telegram_id", "roster.err.id_taken", {"other": other})
            raise RosterConflict(error)
        member_ids: dict[tuple[str, str, str], int] = {}
        created: set[int] = set()
        changed: set[int] = set()
        for (row, _), (member_id, change) in zip(records, placed.done, strict=True):
            member_ids[(row.community, row.branch, row.name)] = member_id
            if change is Change.CREATED:
                created.add(member_id)
            elif change is Change.UPDATED:
                changed.add(member_id)
        units = await uow.units.everything()
        seat_units = {u.name: u.id for u in units if u.kind in (COMMITTEE_KIND, BRANCH_KIND)}
        links: list[Link] = []
        for row, record in records:
            community = tops.found.get(row.community) if row.community else None
            links.append(
                (
                    member_ids[(row.community, row.branch, row.name)],
                    member_ids[(row.community, row.branch, row.liaison)] if row.liaison else None,
                    _overseen(row, units, community) if INSPECTOR in row.roles else None,
                    tuple(sorted(_seats(row, record, seat_units))),
                )
            )
        changed |= await uow.members.link(links, now)
        details = [(member_ids[(row.community, row.branch, row.name)], record.details) for row, record in records]
        changed |= await uow.members.set_details_many(details)
        for row, _ in records:  # 党费 (issue 25): the year's rule as the file gives it
            member_id = member_ids[(row.community, row.branch, row.name)]
            if row.dues is not None and await _dues(uow, member_id, row, moment):
                summary.dues_set += 1
        for row, unit_id in developing:  # 发展党员 (issue 24): into the register, not among the members
            await _developing(uow, row, unit_id, moment)
        summary.developing = len(developing)
        summary.created = len(created)
        summary.updated = len(changed - created)
        summary.unchanged = len(records) - summary.created - summary.updated
        summary.reactivated = len(left_before & set(member_ids.values()))
    tree = OrgTree.of(await store.units.all())
    summary.missing = [Missing(e.id, e.name, place_label(tree, e.unit_id, e.group_id)) for e in missing]
    return summary
