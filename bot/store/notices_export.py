"""What the notice exports read, streamed from cursors: each notice with its figures counted in SQL, and each
expected member of each notice with their delivery, reply and check-in. `NoticeRepo` has these methods."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.db import Database


@dataclass(frozen=True)
class NoticeFigures:
    """One notice as `notices.csv` shows it: its fields and what became of it."""

    id: int
    kind: str
    unit_id: int
    starts_at: datetime
    place: str
    topic: str
    creator: str | None  # the member who sent it, by name
    created_at: datetime
    cancelled_at: datetime | None
    minutes: str | None
    expected: int
    not_registered: int  # expected, but not linked to Telegram when it was sent
    delivered: int  # member deliveries by outbox status
    failed: int
    uncertain: int
    attending: int
    on_leave: int
    checked_in: int
    audience: str
    speaker: str | None
    leave_approved: int
    voters: int  # expected with a vote
    voters_present: int  # checked in with a vote
    made_up: int
    host: str | None = None  # 主持人 of the minutes (issue 13 item 6)
    recorder: str | None = None  # 记录人
    resolutions: int = 0  # 决议 recorded in the minutes
    mode: str = "onsite"  # onsite 现场 | online 线上 (issue 23)
    backfilled_by: str | None = None  # 补录: who entered it afterwards, when, why (issue 23)
    backfilled_at: datetime | None = None
    backfill_reason: str | None = None


@dataclass(frozen=True)
class AttendanceLine:
    """One expected member of one notice: `attendance.csv`."""

    notice_id: int
    kind: str
    starts_at: datetime
    member: str
    unit_id: int
    group_id: int | None
    linked: bool
    delivery: str | None  # the status of the member's latest delivery of the notice; None: none was queued
    answer: str | None  # attend | leave
    reason: str | None
    answered_at: datetime | None
    checked_in_at: datetime | None
    check_in: str | None  # self | proxy (书记登记到会) | late (old 补签)
    votes: bool
    approval: str | None  # a leave's: pending | approved | refused
    decided_by: str | None
    registered_by: str | None
    made_up_on: str | None
    makeup_note: str | None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _in_units(units: Collection[int] | None) -> tuple[str, tuple[object, ...]]:
    """The notices of these units (all when None), as a WHERE clause and its parameters; not one still
    publishing (its seats are being written)."""
    if units is None:
        return "WHERE n.publishing = 0", ()
    ids = tuple(sorted(set(units))) or (-1,)
    return f"WHERE n.publishing = 0 AND n.unit_id IN ({','.join('?' * len(ids))})", ids


# Deliveries are outbox rows of kind 'notice' whose ref is 'notice:<id>' (`notice_ref`); a group chat's has no
# member. Counting by status uses the (ref, status) index.
_DELIVERED = (
    "(SELECT count(*) FROM outbox o WHERE o.ref = 'notice:' || n.id AND o.status = '{}' "
    "AND o.kind = 'notice' AND o.member_id IS NOT NULL)"
)

#: A 民情恳谈会 (issue 28) is stored as kind 'other' marked `hearing` (the kinds are checked by the table).
HEARING, OTHER = "hearing", "other"


def notice_kind(r: Any) -> str:
    """The notice's meeting type as the services know it: `hearing` for a marked 'other'."""
    return HEARING if "hearing" in r.keys() and r["hearing"] else str(r["kind"])


_FIGURES = (
    "SELECT n.*, c.name AS creator_name, "
    "(SELECT count(*) FROM notice_members e WHERE e.notice_id = n.id) AS expected, "
    "(SELECT count(*) FROM notice_members e WHERE e.notice_id = n.id AND NOT e.linked) AS not_registered, "
    f"{_DELIVERED.format('sent')} AS delivered, {_DELIVERED.format('failed')} AS failed, "
    f"{_DELIVERED.format('uncertain')} AS uncertain, "
    "(SELECT count(*) FROM rsvps r WHERE r.notice_id = n.id AND r.answer = 'attend') AS attending, "
    "(SELECT count(*) FROM rsvps r WHERE r.notice_id = n.id AND r.answer = 'leave') AS on_leave, "
    "(SELECT count(*) FROM checkins k WHERE k.notice_id = n.id) AS checked_in, "
    "(SELECT count(*) FROM rsvps r WHERE r.notice_id = n.id AND r.answer = 'leave' AND r.approval = 'approved') "
    " AS leave_approved, "
    "(SELECT count(*) FROM notice_members e WHERE e.notice_id = n.id AND e.votes) AS voters, "
    "(SELECT count(*) FROM notice_members e JOIN checkins k ON k.notice_id = e.notice_id "
    " AND k.member_id = e.member_id WHERE e.notice_id = n.id AND e.votes) AS voters_present, "
    "(SELECT count(*) FROM makeups k WHERE k.notice_id = n.id) AS made_up, "
    "mi.host AS minutes_host, mi.recorder AS minutes_recorder, "
    "(SELECT count(*) FROM minute_resolutions s WHERE s.notice_id = n.id) AS resolutions, "
    "bf.name AS backfiller "
    "FROM notices n LEFT JOIN members c ON c.id = n.created_by LEFT JOIN minutes mi ON mi.notice_id = n.id "
    "LEFT JOIN members bf ON bf.id = n.backfilled_by "
    "{where} ORDER BY n.id"
)

# In the order of notice_members' primary key (notice, member): the whole export reads it without a sort; a
# secretary's units are sorted by SQLite's sorter, which spills to a temporary file past its cache size.
_ATTENDANCE = (
    "SELECT n.id AS notice_id, n.kind, n.starts_at, m.name, m.unit_id, m.group_id, e.linked, "
    "(SELECT o.status FROM outbox o WHERE o.member_id = e.member_id AND o.kind = 'notice' "
    " AND o.ref = 'notice:' || n.id ORDER BY o.id DESC LIMIT 1) AS delivery, "
    "r.answer, r.reason, r.at AS answered_at, k.at AS checked_in_at, k.how, e.votes, r.approval, "
    "d.name AS decided_by, b.name AS registered_by, u.on_date, u.note AS makeup_note "
    "FROM notices n JOIN notice_members e ON e.notice_id = n.id JOIN members m ON m.id = e.member_id "
    "LEFT JOIN rsvps r ON r.notice_id = n.id AND r.member_id = e.member_id "
    "LEFT JOIN checkins k ON k.notice_id = n.id AND k.member_id = e.member_id "
    "LEFT JOIN members d ON d.id = r.decided_by "
    "LEFT JOIN members b ON b.id = k.by_member AND k.how != 'self' "
    "LEFT JOIN makeups u ON u.notice_id = n.id AND u.member_id = e.member_id "
    "{where} ORDER BY e.notice_id, e.member_id"
)


class NoticeExportReads:
    """The export's reads of `NoticeRepo`."""

    db: Database

    async def each_with_figures(self, units: Collection[int] | None = None) -> AsyncGenerator[NoticeFigures, None]:
        """Every notice of these units (all when None), oldest first, with its figures: streamed."""
        where, params = _in_units(units)
        async for r in self.db.stream(_FIGURES.format(where=where), params):
            starts_at, created_at = datetime.fromisoformat(r["starts_at"]), datetime.fromisoformat(r["created_at"])
            yield NoticeFigures(
                id=r["id"],
                kind=notice_kind(r),
                unit_id=r["unit_id"],
                starts_at=starts_at,
                place=r["place"],
                topic=r["topic"],
                creator=r["creator_name"],
                created_at=created_at,
                cancelled_at=_when(r["cancelled_at"]),
                minutes=r["minutes"],
                expected=r["expected"],
                not_registered=r["not_registered"],
                delivered=r["delivered"],
                failed=r["failed"],
                uncertain=r["uncertain"],
                attending=r["attending"],
                on_leave=r["on_leave"],
                checked_in=r["checked_in"],
                audience=r["audience"],
                speaker=r["speaker"],
                leave_approved=r["leave_approved"],
                voters=r["voters"],
                voters_present=r["voters_present"],
                made_up=r["made_up"],
                host=r["minutes_host"],
                recorder=r["minutes_recorder"],
                resolutions=r["resolutions"],
                mode=r["mode"],
                backfilled_by=r["backfiller"] if r["backfilled_at"] else None,
                backfilled_at=_when(r["backfilled_at"]),
                backfill_reason=r["backfill_reason"],
            )

    async def each_attendance(self, units: Collection[int] | None = None) -> AsyncGenerator[AttendanceLine, None]:
        """Every expected member of every notice of these units (all when None), by notice then member id, with
        their delivery, reply and check-in: streamed."""
        where, params = _in_units(units)
        starts: tuple[str, datetime] | None = None  # one notice's time, parsed once for its many lines
        async for r in self.db.stream(_ATTENDANCE.format(where=where), params):
            if starts is None or starts[0] != r["starts_at"]:
                starts = (r["starts_at"], datetime.fromisoformat(r["starts_at"]))
            yield AttendanceLine(
                notice_id=r["notice_id"],
                kind=r["kind"],
                starts_at=starts[1],
                member=r["name"],
                unit_id=r["unit_id"],
                group_id=r["group_id"],
                linked=bool(r["linked"]),
                delivery=r["delivery"],
                answer=r["answer"],
                reason=r["reason"],
                answered_at=_when(r["answered_at"]),
                checked_in_at=_when(r["checked_in_at"]),
                check_in=r["how"],
                votes=bool(r["votes"]),
                approval=r["approval"],
                decided_by=r["decided_by"],
                registered_by=r["registered_by"],
                made_up_on=r["on_date"],
                makeup_note=r["makeup_note"],
            )
