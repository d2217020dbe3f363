"""`notices.csv` (one row per meeting, with its figures and minutes) and `attendance.csv` (one row per
meeting and expected member: delivery, reply, leave reason, check-in)."""

from __future__ import annotations

from bot.services.export_time import local
from bot.services.rights import OrgTree
from bot.store import Store

NOTICE_HEADER = ["id", "type", "unit", "starts_at", "place", "topic", "created_by", "created_at", "cancelled_at",
                 "expected", "delivered", "failed", "uncertain", "not_registered", "attending", "on_leave",
                 "checked_in", "minutes"]
ATTENDANCE_HEADER = ["notice_id", "type", "starts_at", "member", "branch", "group", "registered", "delivery",
                     "answer", "leave_reason", "answered_at", "checked_in_at", "check_in"]


async def notices_rows(store: Store, tree: OrgTree, units: set[int] | None) -> tuple[list[str], list[list[object]]]:
    names = {m.id: m.name for m in await store.members.all()}
    rows: list[list[object]] = []
    for n in reversed(await store.notices.in_units(units)):
        expected = await store.notices.expected(n.id)
        status = [d.status for d in await store.notices.deliveries(n.id) if d.member_id is not None]
        answers = [r.answer for r in (await store.notices.rsvps(n.id)).values()]
        rows.append([
            n.id, n.kind, tree.name(n.unit_id), local(n.starts_at), n.place, n.topic,
            names.get(n.created_by or -1, ""), local(n.created_at), local(n.cancelled_at), len(expected),
            status.count("sent"), status.count("failed"), status.count("uncertain"),
            sum(not e.linked for e in expected), answers.count("attend"), answers.count("leave"),
            len(await store.notices.checkins(n.id)), n.minutes,
        ])
    return NOTICE_HEADER, rows


async def attendance_rows(store: Store, tree: OrgTree,
                          units: set[int] | None) -> tuple[list[str], list[list[object]]]:
    rows: list[list[object]] = []
    for n in reversed(await store.notices.in_units(units)):
        delivery = {d.member_id: d.status for d in await store.notices.deliveries(n.id) if d.member_id is not None}
        rsvps, checkins = await store.notices.rsvps(n.id), await store.notices.checkins(n.id)
        for e in await store.notices.expected(n.id):
            m = e.member
            r, c = rsvps.get(m.id), checkins.get(m.id)
            rows.append([
                n.id, n.kind, local(n.starts_at), m.name, tree.name(m.unit_id), tree.name(m.group_id),
                "yes" if e.linked else "no", delivery.get(m.id, "not_sent"), r.answer if r else "",
                r.reason if r else "", local(r.at) if r else "", local(c.at) if c else "", c.how if c else "",
            ])
    return ATTENDANCE_HEADER, rows
