"""`status_reports.csv` and `thought_reports.csv`."""

from __future__ import annotations

from bot.services.export_time import local
from bot.services.rights import OrgTree
from bot.store import Store


async def _members(store: Store, units: set[int] | None) -> dict[int, tuple[str, int]]:
    return {m.id: (m.name, m.unit_id) for m in await store.members.all()
            if units is None or m.unit_id in units}


async def status_rows(store: Store, tree: OrgTree, units: set[int] | None) -> tuple[list[str], list[list[object]]]:
    members = await _members(store, units)
    rows: list[list[object]] = []
    for s in await store.reports.all_status(list(members)):
        name, unit_id = members[s.member_id]
        rows.append([s.id, name, tree.name(unit_id), s.state, s.location, s.note, local(s.at)])
    return ["id", "member", "branch", "state", "location", "note", "reported_at"], rows


async def thought_rows(store: Store, tree: OrgTree, units: set[int] | None) -> tuple[list[str], list[list[object]]]:
    members = await _members(store, units)
    rows: list[list[object]] = []
    for r in await store.reports.all_thoughts(list(members)):
        name, unit_id = members[r.member_id]
        rows.append([r.id, name, tree.name(unit_id), r.period, local(r.submitted_at), r.replaced, r.text])
    return ["id", "member", "branch", "period", "submitted_at", "times_replaced", "text"], rows
