"""`notices.csv` (one row per meeting, with its figures and minutes, who it was for, a 党课's speaker, approved
leaves, the quorum's figures, 补学, and the minutes' 主持人 / 记录人 / number of 决议) and `attendance.csv` (one
row per meeting and expected member: delivery, reply, leave reason and its approval, check-in and who
registered it, vote, 补学), streamed row by row from the store. New columns go at the end, so a sheet built on
the old ones keeps working."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.domain.rights import OrgTree
from bot.services.kernel.export_time import local
from bot.store import Store

NOTICE_HEADER = [
    "id",
    "type",
    "unit",
    "starts_at",
    "place",
    "topic",
    "created_by",
    "created_at",
    "cancelled_at",
    "expected",
    "delivered",
    "failed",
    "uncertain",
    "not_registered",
    "attending",
    "on_leave",
    "checked_in",
    "minutes",
    "audience",
    "speaker",
    "leave_approved",
    "voters_expected",
    "voters_present",
    "made_up",
    "host",
    "recorder",
    "resolutions",
    "mode",
    "backfilled_by",
    "backfilled_at",
    "backfill_reason",
]
ATTENDANCE_HEADER = [
    "notice_id",
    "type",
    "starts_at",
    "member",
    "branch",
    "group",
    "registered",
    "delivery",
    "answer",
    "leave_reason",
    "answered_at",
    "checked_in_at",
    "check_in",
    "votes",
    "leave_approval",
    "leave_decided_by",
    "registered_by",
    "made_up_on",
    "makeup_note",
]


async def notices_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.notices.each_with_figures(units)) as notices:
        async for n in notices:
            yield [
                n.id,
                n.kind,
                tree.name(n.unit_id),
                local(n.starts_at),
                n.place,
                n.topic,
                n.creator or "",
                local(n.created_at),
                local(n.cancelled_at),
                n.expected,
                n.delivered,
                n.failed,
                n.uncertain,
                n.not_registered,
                n.attending,
                n.on_leave,
                n.checked_in,
                n.minutes,
                n.audience,
                n.speaker or "",
                n.leave_approved,
                n.voters,
                n.voters_present,
                n.made_up,
                n.host or "",
                n.recorder or "",
                n.resolutions,
                n.mode,
                n.backfilled_by or "",
                local(n.backfilled_at),
                n.backfill_reason or "",
            ]


async def attendance_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    starts: tuple[int, str] = (-1, "")  # a meeting's time, formatted once for its many lines
    async with aclosing(store.notices.each_attendance(units)) as lines:
        async for a in lines:
            if starts[0] != a.notice_id:
                starts = (a.notice_id, local(a.starts_at))
            yield [
                a.notice_id,
                a.kind,
                starts[1],
                a.member,
                tree.name(a.unit_id),
                tree.name(a.group_id),
                "yes" if a.linked else "no",
                a.delivery or "not_sent",
                a.answer or "",
                a.reason or "",
                local(a.answered_at),
                local(a.checked_in_at),
                a.check_in or "",
                "yes" if a.votes else "no",
                a.approval or "",
                a.decided_by or "",
                a.registered_by or "",
                a.made_up_on or "",
                a.makeup_note or "",
            ]
