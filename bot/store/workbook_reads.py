"""What the Excel ledger workbook (台账-….xlsx) reads beyond the CSV exports' reads, streamed from cursors or
counted in SQL: meetings that were held with their figures, liaison contacts, mobile members with their reports and
who read them (已阅), post-holders.

The meetings sheet lists those that took place: not cancelled, their time passed, at least one check-in (a meeting
nobody came to is left out). Whether one counts as held for a branch — minutes saved, that branch's members present,
the quorum met (issue 23) — is the grids' business (`bot.services.ledger.grid`).

Every read takes `units` (a secretary's units; None for the whole community) and filters members by their branch
and meetings by their unit, as the CSV exports do.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection
from dataclasses import dataclass
from datetime import datetime

from bot.store.db import Database, iso

#: Separates the absent members' names inside one SQL value (a control character no name can hold).
NAME_SEP = "\x1f"
#: Separates a report's fields (period, time handed in, readers) inside one SQL value.
FIELD_SEP = "\x1e"
#: Separates the reports of a member inside one SQL value.
REPORT_SEP = "\x1d"


def _in(column: str, units: Collection[int] | None, joiner: str = "WHERE") -> tuple[str, tuple[object, ...]]:
    """`column IN (units)` as a clause and its parameters; nothing when `units` is None (everything)."""
    if units is None:
        return "", ()
    ids = tuple(sorted(set(units))) or (-1,)
    return f" {joiner} {column} IN ({','.join('?' * len(ids))})", ids


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class HeldMeeting:
    """A meeting that took place (not cancelled, its start passed) with its attendance counted."""

    id: int
    kind: str
    unit_id: int
    starts_at: datetime
    place: str
    topic: str
    expected: int
    present: int  # checked in, however (self, proxy, late)
    on_leave: int  # a leave approved (准假) and not checked in after all
    absent_names: tuple[str, ...]  # expected, neither checked in nor on approved leave
    made_up: int  # 补学 recorded (never counted as present)
    audience: str  # members | committee
    voters: int  # expected with a vote (支部党员大会's quorum)
    voters_present: int
    committee: int  # expected on the committee (支委会 / 党委会's quorum)
    committee_present: int
    host: str | None = None  # 主持人 of the minutes (issue 13 item 6)
    recorder: str | None = None  # 记录人 of the minutes
    speaker: str | None = None  # 授课人 of a 党课
    content: str | None = None  # 会议内容 of the minutes (None: no minutes kept)
    mode: str = "onsite"  # onsite 现场 | online 线上 (issue 23)
    #: 补录 (issue 23): who entered it afterwards, when, why; None for a meeting sent through the bot.
    backfill: tuple[str, datetime, str] | None = None

    @property
    def absent(self) -> int:
        return len(self.absent_names)


@dataclass(frozen=True, slots=True)
class Seat:
    """One expected member of one meeting held: their reply and check-in."""

    notice_id: int
    kind: str
    starts_at: datetime
    topic: str
    member: str
    unit_id: int
    group_id: int | None
    answer: str | None  # attend | leave
    reason: str | None
    approval: str | None  # a leave's: pending | approved | refused
    checked_in_at: datetime | None
    check_in: str | None  # self | proxy (书记登记) | late (old 补签)
    registrar: str | None  # who registered a proxy or late check-in
    made_up: str | None  # YYYY-MM-DD of a 补学
    makeup_note: str | None
    proof: str | None = None  # of a member's own check-in: code | location | button (issue 23)
    register_reason: str | None = None  # of a 书记登记: no_phone | unlinked | frail | other
    register_note: str | None = None
    status_then: str | None = None  # away or ill, confirmed over by the secretary


@dataclass(frozen=True)
class ContactLine:
    at: datetime
    member: str
    unit_id: int
    liaison: str
    note: str


@dataclass(frozen=True)
class MobileLine:
    """A mobile member with what the mobile ledger shows of them."""

    id: int
    name: str
    unit_id: int
    liaison: str | None
    cadence: str
    migrant_since: str | None
    recorded_at: str | None
    submitted: dict[str, datetime]  # period label → when the report was submitted
    readers: dict[str, tuple[str, ...]]  # period label → who marked it 已阅 since it was handed in
    last_contact: datetime | None
    last_state: str | None
    last_location: str | None
    last_status_at: datetime | None


@dataclass(frozen=True)
class Holder:
    id: int
    name: str
    unit_id: int
    posts: frozenset[str]


_HELD_WHERE = (
    "n.publishing = 0 AND n.cancelled_at IS NULL AND n.starts_at <= ? "
    "AND EXISTS (SELECT 1 FROM checkins k WHERE k.notice_id = n.id)"
)
_PRESENT = "EXISTS (SELECT 1 FROM checkins k WHERE k.notice_id = n.id AND k.member_id = e.member_id)"
_APPROVED = (
    "EXISTS (SELECT 1 FROM rsvps r WHERE r.notice_id = n.id AND r.member_id = e.member_id "
    "AND r.answer = 'leave' AND r.approval = 'approved')"
)

_HELD = (
    "SELECT n.id, n.kind, n.unit_id, n.starts_at, n.place, n.topic, n.audience, n.speaker, n.mode, "
    "n.backfilled_at, n.backfill_reason, (SELECT bf.name FROM members bf WHERE bf.id = n.backfilled_by) AS backfiller, "
    "(SELECT count(*) FROM notice_members e WHERE e.notice_id = n.id) AS expected, "
    "(SELECT count(*) FROM checkins k WHERE k.notice_id = n.id) AS present, "
    f"(SELECT count(*) FROM notice_members e WHERE e.notice_id = n.id AND NOT {_PRESENT} AND {_APPROVED}) "
    " AS on_leave, "
    f"(SELECT group_concat(m.name, '{NAME_SEP}') FROM notice_members e JOIN members m ON m.id = e.member_id "
    f" WHERE e.notice_id = n.id AND NOT {_PRESENT} AND NOT {_APPROVED}) AS absent_names, "
    "(SELECT count(*) FROM makeups x WHERE x.notice_id = n.id) AS made_up, "
    "(SELECT count(*) FROM notice_members e WHERE e.notice_id = n.id AND e.votes) AS voters, "
    f"(SELECT count(*) FROM notice_members e WHERE e.notice_id = n.id AND e.votes AND {_PRESENT}) AS voters_in, "
    "(SELECT count(*) FROM notice_members e WHERE e.notice_id = n.id AND e.committee) AS committee, "
    f"(SELECT count(*) FROM notice_members e WHERE e.notice_id = n.id AND e.committee AND {_PRESENT}) "
    " AS committee_in, "
    "mi.host AS minutes_host, mi.recorder AS minutes_recorder, mi.content AS minutes_content "
    "FROM notices n LEFT JOIN minutes mi ON mi.notice_id = n.id "
    f"WHERE {_HELD_WHERE}{{units}} ORDER BY n.starts_at, n.id"
)

# In the order of notice_members' primary key, like the CSV's attendance, without its delivery look-ups.
_SEATS = (
    "SELECT n.id, n.kind, n.starts_at, n.topic, m.name, m.unit_id, m.group_id, r.answer, r.reason, r.approval, "
    "k.at AS checked_in_at, k.how, b.name AS registrar, x.on_date, x.note, k.proof, k.reason AS register_reason, "
    "k.note AS register_note, k.status_then "
    "FROM notices n JOIN notice_members e ON e.notice_id = n.id JOIN members m ON m.id = e.member_id "
    "LEFT JOIN rsvps r ON r.notice_id = n.id AND r.member_id = e.member_id "
    "LEFT JOIN checkins k ON k.notice_id = n.id AND k.member_id = e.member_id "
    "LEFT JOIN members b ON b.id = k.by_member AND k.how != 'self' "
    "LEFT JOIN makeups x ON x.notice_id = n.id AND x.member_id = e.member_id "
    f"WHERE {_HELD_WHERE}{{units}} ORDER BY e.notice_id, e.member_id"
)

_CONTACTS = (
    "SELECT c.at, m.name AS member, m.unit_id, l.name AS liaison, c.note FROM contacts c "
    "JOIN members m ON m.id = c.member_id JOIN members l ON l.id = c.liaison_id{units} ORDER BY c.id"
)

_MOBILE = (
    "SELECT m.id, m.name, m.unit_id, l.name AS liaison, m.report_cadence, m.migrant_since, "
    "COALESCE(m.mobile_recorded_at, m.created_at) AS recorded_at, "
    # Each report as period, time handed in and its readers since then (a mark made before the report was
    # handed in again no longer counts, as on /reports), in one value: a member has a few dozen reports.
    f"(SELECT group_concat(t.period || '{FIELD_SEP}' || t.submitted_at || '{FIELD_SEP}' || COALESCE("
    f" (SELECT group_concat(name, '{NAME_SEP}') FROM (SELECT rm.name AS name FROM report_reads rr "
    "  JOIN members rm ON rm.id = rr.reader_id WHERE rr.report_id = t.id AND rr.at >= t.submitted_at "
    f"  GROUP BY rm.id ORDER BY min(rr.at))), ''), '{REPORT_SEP}') FROM thought_reports t "
    " WHERE t.member_id = m.id) AS submitted, "
    "(SELECT max(c.at) FROM contacts c WHERE c.member_id = m.id) AS last_contact, "
    "s.state AS last_state, s.location AS last_location, s.at AS last_status_at "
    "FROM members m LEFT JOIN members l ON l.id = m.liaison_id "
    "LEFT JOIN status_reports s ON s.id = (SELECT max(id) FROM status_reports x WHERE x.member_id = m.id) "
    "WHERE m.category = 'migrant' AND m.report_cadence IS NOT NULL AND m.active{units} ORDER BY m.unit_id, m.id"
)

_HOLDERS = (
    "SELECT m.id, m.name, m.unit_id, group_concat(p.post, ';') AS posts FROM members m "
    "JOIN member_posts p ON p.member_id = m.id WHERE m.active{units} GROUP BY m.id ORDER BY m.id"
)


class WorkbookReads:
    """The ledger's own reads over one database (a snapshot, when exporting)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def each_held(
        self,
        until: datetime,
        units: Collection[int] | None = None,
    ) -> AsyncGenerator[HeldMeeting, None]:
        """Every meeting of these units held by `until` (not cancelled, begun, someone checked in), oldest first."""
        where, params = _in("n.unit_id", units, "AND")
        async for r in self.db.stream(_HELD.format(units=where), (iso(until), *params)):
            names = tuple(r["absent_names"].split(NAME_SEP)) if r["absent_names"] else ()
            yield HeldMeeting(
                r["id"],
                r["kind"],
                r["unit_id"],
                datetime.fromisoformat(r["starts_at"]),
                r["place"],
                r["topic"],
                r["expected"],
                r["present"],
                r["on_leave"],
                names,
                r["made_up"],
                r["audience"],
                r["voters"],
                r["voters_in"],
                r["committee"],
                r["committee_in"],
                host=r["minutes_host"],
                recorder=r["minutes_recorder"],
                speaker=r["speaker"],
                content=r["minutes_content"],
                mode=r["mode"],
                backfill=(
                    r["backfiller"] or "—",
                    datetime.fromisoformat(r["backfilled_at"]),
                    r["backfill_reason"] or "",
                )
                if r["backfilled_at"]
                else None,
            )

    async def each_seat(
        self,
        until: datetime,
        units: Collection[int] | None = None,
    ) -> AsyncGenerator[Seat, None]:
        """Every expected member of every meeting `each_held` yields, by meeting then member."""
        where, params = _in("n.unit_id", units, "AND")
        starts: tuple[str, datetime] | None = None  # one meeting's time, parsed once for its many lines
        async for r in self.db.stream(_SEATS.format(units=where), (iso(until), *params)):
            if starts is None or starts[0] != r[2]:
                starts = (r[2], datetime.fromisoformat(r[2]))
            yield Seat(
                r[0],
                r[1],
                starts[1],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                _when(r[10]),
                r[11],
                r[12],
                r[13],
                r[14],
                r[15],
                r[16],
                r[17],
                r[18],
            )

    async def each_contact(self, units: Collection[int] | None = None) -> AsyncGenerator[ContactLine, None]:
        """Every contact a liaison logged with a member of these units, oldest first."""
        where, params = _in("m.unit_id", units)
        async for r in self.db.stream(_CONTACTS.format(units=where), params):
            yield ContactLine(datetime.fromisoformat(r["at"]), r["member"], r["unit_id"], r["liaison"], r["note"])

    async def each_mobile(self, units: Collection[int] | None = None) -> AsyncGenerator[MobileLine, None]:
        """Every active mobile member of these units with their reports, last contact and last status."""
        where, params = _in("m.unit_id", units, "AND")
        async for r in self.db.stream(_MOBILE.format(units=where), params):
            submitted: dict[str, datetime] = {}
            readers: dict[str, tuple[str, ...]] = {}
            for report in (r["submitted"] or "").split(REPORT_SEP):
                period, _, rest = report.partition(FIELD_SEP)
                at, _, names = rest.partition(FIELD_SEP)
                if period and at:
                    submitted[period] = datetime.fromisoformat(at)
                    if names:
                        readers[period] = tuple(names.split(NAME_SEP))
            yield MobileLine(
                r["id"],
                r["name"],
                r["unit_id"],
                r["liaison"],
                r["report_cadence"],
                r["migrant_since"],
                r["recorded_at"],
                submitted,
                readers,
                _when(r["last_contact"]),
                r["last_state"],
                r["last_location"],
                _when(r["last_status_at"]),
            )

    async def holders(self, units: Collection[int] | None = None) -> list[Holder]:
        """The active post-holders of these units (a few in a hundred members)."""
        where, params = _in("m.unit_id", units, "AND")
        rows = await self.db.fetchall(_HOLDERS.format(units=where), params)
        return [Holder(r["id"], r["name"], r["unit_id"], frozenset(r["posts"].split(";"))) for r in rows]
