"""Meeting notices (三会一课): the notice, the expected members, replies, check-ins, minutes.

Deliveries live in the outbox (`ref = 'notice:<id>'`); cancelling writes the notice and its outbox rows in one
transaction, publishing a chunk of recipients a transaction (`notices_publish`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import aiosqlite
from pydantic import BaseModel, ConfigDict

from bot.domain.models import Member
from bot.store.db import Database, iso
from bot.store.members import _SELECT, member_from_row
from bot.store.notices_answers import AnswerWrites
from bot.store.notices_due import MeetingReminderReads
from bot.store.notices_export import NoticeExportReads, notice_kind
from bot.store.notices_publish import SEATS_SQL, Convener, PublishWrites, insert_notice
from bot.store.notices_publish import Draft as Draft  # where it was defined first: imported from here
from bot.store.notices_seats import MeetingSeatReads
from bot.store.notices_summary import SummaryReads
from bot.store.outbox import OutboxRow, Outgoing, _row, enqueue_in

#: Expected members written per round trip when a notice is published.
_SEATS_BATCH = 1000


def notice_ref(notice_id: int) -> str:
    return f"notice:{notice_id}"


class Notice(BaseModel):
    """A meeting notice (会议通知)."""

    model_config = ConfigDict(frozen=True)

    id: int
    kind: str
    unit_id: int
    starts_at: datetime
    place: str
    topic: str
    created_by: int | None
    creator_chat: int
    creator_lang: str
    created_at: datetime
    cancelled_at: datetime | None = None
    minutes: str | None = None
    minutes_at: datetime | None = None
    audience: str = "members"  # members (everyone of the unit) | committee (its committee members only)
    speaker: str | None = None  # 授课人 of a 党课
    mode: str = "onsite"  # onsite 现场 | online 线上
    checkin_key: str | None = None  # the secret of its check-in codes, once the convener asked for one
    backfilled_at: datetime | None = None  # 补录: entered afterwards (issue 23), when, by whom, why
    backfilled_by: int | None = None
    backfiller: str | None = None  # their name (read by `get`)
    backfill_reason: str | None = None
    publishing: bool = False  # its members are still being seated (issue 31): lists wait for the last chunk

    @property
    def backfilled(self) -> bool:
        return self.backfilled_at is not None


class Rsvp(BaseModel):
    model_config = ConfigDict(frozen=True)

    member_id: int
    answer: str  # attend | leave
    reason: str | None
    at: datetime
    approval: str | None = None  # a leave's: pending | approved (准假) | refused (不准)
    decided_by: int | None = None


class Checkin(BaseModel):
    model_config = ConfigDict(frozen=True)

    member_id: int
    how: str  # self | proxy (书记登记到会) | late (补签, old records only)
    by_member: int | None
    at: datetime
    proof: str | None = None  # code | location | button (None: before proofs were kept)


class Expected(BaseModel):
    """A member expected at the meeting, and whether a delivery was queued for them."""

    model_config = ConfigDict(frozen=True)

    member: Member
    linked: bool
    votes: bool = True  # had a vote when the notice went out
    committee: bool = False  # sat on the unit's committee when the notice went out


def _rsvp(r: aiosqlite.Row) -> Rsvp:
    return Rsvp(
        member_id=r["member_id"],
        answer=r["answer"],
        reason=r["reason"],
        at=datetime.fromisoformat(r["at"]),
        approval=r["approval"],
        decided_by=r["decided_by"],
    )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _notice(r: aiosqlite.Row) -> Notice:
    return Notice(
        id=r["id"],
        kind=notice_kind(r),
        unit_id=r["unit_id"],
        starts_at=datetime.fromisoformat(r["starts_at"]),
        place=r["place"],
        topic=r["topic"],
        created_by=r["created_by"],
        creator_chat=r["creator_chat"],
        creator_lang=r["creator_lang"],
        created_at=datetime.fromisoformat(r["created_at"]),
        cancelled_at=_when(r["cancelled_at"]),
        minutes=r["minutes"],
        minutes_at=_when(r["minutes_at"]),
        audience=r["audience"],
        speaker=r["speaker"],
        mode=r["mode"],
        checkin_key=r["checkin_key"],
        backfilled_at=_when(r["backfilled_at"]),
        backfilled_by=r["backfilled_by"],
        backfiller=r["backfiller"] if "backfiller" in r.keys() else None,
        backfill_reason=r["backfill_reason"],
        publishing=bool(r["publishing"]) if "publishing" in r.keys() else False,
    )


class NoticeRepo(AnswerWrites, NoticeExportReads, MeetingReminderReads, MeetingSeatReads, SummaryReads, PublishWrites):
    def __init__(self, db: Database) -> None:
        self.db = db
        self.publishing_now = set()

    # ------------------------------------------------------------------ writing
    async def publish(
        self,
        draft: Draft,
        created_by: int | None,
        creator_chat: int,
        creator_lang: str,
        now: datetime,
        expected: Sequence[Member],
        messages: Callable[[int], Iterable[Outgoing]],
    ) -> tuple[int, int]:
        """The notice, its expected members and its deliveries in ONE transaction; (id, rows queued). For a list
        of members at hand (tests, a few members); a notice to a unit's members goes through `publish_to`."""
        by = Convener(created_by, creator_chat, creator_lang, now)
        async with self.db.transaction() as conn:
            notice_id = await insert_notice(conn, draft, by)
            for start in range(0, len(expected), _SEATS_BATCH):  # the event loop let go between batches
                await conn.executemany(
                    SEATS_SQL,
                    [
                        (notice_id, m.id, int(m.linked), int(m.votes), int(m.sits_on(draft.unit_id)))
                        for m in expected[start : start + _SEATS_BATCH]
                    ],
                )
            queued = await enqueue_in(conn, messages(notice_id))
        return notice_id, queued

    async def cancel(
        self,
        notice_id: int,
        now: datetime,
        messages: Callable[[list[OutboxRow]], list[Outgoing]],
    ) -> tuple[int, int]:
        """Cancel the notice, withdraw its unsent deliveries and queue word to those who were told, in ONE
        transaction; (deliveries withdrawn, cancellations queued)."""
        ref = notice_ref(notice_id)
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE notices SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL", (iso(now), notice_id)
            )
            cur = await conn.execute(
                "UPDATE outbox SET status = 'cancelled' WHERE ref = ? AND status = 'pending'", (ref,)
            )
            withdrawn = cur.rowcount
            async with conn.execute(
                "SELECT * FROM outbox WHERE ref = ? AND kind = 'notice' AND status IN ('sent', 'uncertain') "
                "ORDER BY id",
                (ref,),
            ) as rows:
                told = [_row(r) for r in await rows.fetchall()]
            queued = await enqueue_in(conn, messages(told))
        return withdrawn, queued

    async def set_minutes(self, notice_id: int, text: str, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE notices SET minutes = ?, minutes_at = ? WHERE id = ?", (text, iso(now), notice_id)
            )

    async def bind_chat(self, unit_id: int, chat_id: int) -> int | None:
        """Tie a group chat to a unit (the unit's earlier group, if any, is let go). A chat serves one unit:
        when another unit holds it, nothing changes and that unit's id is returned (checked in the same
        transaction, so two secretaries binding at once cannot both take it)."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT id FROM units WHERE chat_id = ? AND id != ? LIMIT 1", (chat_id, unit_id)
            ) as cur:
                holder = await cur.fetchone()
            if holder is not None:
                return int(holder[0])
            await conn.execute("UPDATE units SET chat_id = ? WHERE id = ?", (chat_id, unit_id))
        return None

    async def unbind_chat(self, chat_id: int) -> None:
        """The group chat no longer serves any unit."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE units SET chat_id = NULL WHERE chat_id = ?", (chat_id,))

    # ------------------------------------------------------------------ reading
    async def get(self, notice_id: int) -> Notice | None:
        row = await self.db.fetchone(
            "SELECT n.*, (SELECT b.name FROM members b WHERE b.id = n.backfilled_by) AS backfiller "
            "FROM notices n WHERE n.id = ?",
            (notice_id,),
        )
        return _notice(row) if row else None

    async def in_units(self, units: Iterable[int] | None) -> list[Notice]:
        """Every notice of these units (all when None), newest first."""
        if units is None:
            rows = await self.db.fetchall("SELECT * FROM notices ORDER BY id DESC")
        else:
            ids = sorted(set(units)) or [-1]
            marks = ",".join("?" * len(ids))
            rows = await self.db.fetchall(
                f"SELECT * FROM notices WHERE unit_id IN ({marks}) ORDER BY id DESC", tuple(ids)
            )
        return [_notice(r) for r in rows]

    async def latest_in(self, units: Iterable[int]) -> Notice | None:
        ids = sorted(set(units)) or [-1]
        marks = ",".join("?" * len(ids))
        row = await self.db.fetchone(
            f"SELECT * FROM notices WHERE unit_id IN ({marks}) AND cancelled_at IS NULL AND publishing = 0 "
            "ORDER BY id DESC LIMIT 1",
            tuple(ids),
        )
        return _notice(row) if row else None

    async def open_for(self, member_id: int, since: datetime, until: datetime) -> list[Notice]:
        """The live notices this member is expected at that start between `since` and `until` (the notices whose
        check-in window may hold the present), latest first."""
        rows = await self.db.fetchall(
            "SELECT n.* FROM notices n JOIN notice_members e ON e.notice_id = n.id "
            "WHERE e.member_id = ? AND n.cancelled_at IS NULL AND n.publishing = 0 "
            "AND n.starts_at >= ? AND n.starts_at <= ? "
            "ORDER BY n.starts_at DESC, n.id DESC",
            (member_id, iso(since), iso(until)),
        )
        return [_notice(r) for r in rows]

    async def upcoming_for(self, member_id: int, now: datetime) -> list[Notice]:
        rows = await self.db.fetchall(
            "SELECT n.* FROM notices n JOIN notice_members e ON e.notice_id = n.id "
            "WHERE e.member_id = ? AND n.cancelled_at IS NULL AND n.publishing = 0 AND n.starts_at > ? "
            "ORDER BY n.starts_at",
            (member_id, iso(now)),
        )
        return [_notice(r) for r in rows]

    async def broadcast_state(self, notice_id: int) -> tuple[bool, bool] | None:
        """(cancelled, whether any delivery is still pending) in one query: the sender asks after every
        delivery, so it must not count the pending ones (a broadcast to N would cost O(N²)): one index seek.
        A notice still publishing (its next chunks not queued yet) is pending: its summary waits for them."""
        row = await self.db.fetchone(
            "SELECT cancelled_at IS NOT NULL, publishing OR EXISTS (SELECT 1 FROM outbox WHERE ref = ? "
            "AND status IN ('pending', 'sending')) FROM notices WHERE id = ?",
            (notice_ref(notice_id), notice_id),
        )
        return (bool(row[0]), bool(row[1])) if row else None

    async def is_expected(self, notice_id: int, member_id: int) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM notice_members WHERE notice_id = ? AND member_id = ?", (notice_id, member_id)
        )
        return row is not None

    async def expected(self, notice_id: int) -> list[Expected]:
        rows = await self.db.fetchall(
            f"{_SELECT} JOIN notice_members e ON e.member_id = m.id WHERE e.notice_id = ? ORDER BY m.id",
            (notice_id,),
        )
        seat = {
            r[0]: (bool(r[1]), bool(r[2]), bool(r[3]))
            for r in await self.db.fetchall(
                "SELECT member_id, linked, votes, committee FROM notice_members WHERE notice_id = ?", (notice_id,)
            )
        }
        return [
            Expected(
                member=member_from_row(r), linked=seat[r["id"]][0], votes=seat[r["id"]][1], committee=seat[r["id"]][2]
            )
            for r in rows
        ]

    async def rsvps(self, notice_id: int) -> dict[int, Rsvp]:
        rows = await self.db.fetchall("SELECT * FROM rsvps WHERE notice_id = ?", (notice_id,))
        return {r["member_id"]: _rsvp(r) for r in rows}

    async def rsvp(self, notice_id: int, member_id: int) -> Rsvp | None:
        return (await self.rsvps_of_member(member_id, [notice_id])).get(notice_id)

    async def rsvps_of_member(self, member_id: int, notice_ids: Sequence[int]) -> dict[int, Rsvp]:
        ids = list(notice_ids) or [-1]
        marks = ",".join("?" * len(ids))
        rows = await self.db.fetchall(
            f"SELECT * FROM rsvps WHERE member_id = ? AND notice_id IN ({marks})", (member_id, *ids)
        )
        return {r["notice_id"]: _rsvp(r) for r in rows}

    async def checkins(self, notice_id: int) -> dict[int, Checkin]:
        rows = await self.db.fetchall("SELECT * FROM checkins WHERE notice_id = ?", (notice_id,))
        return {
            r["member_id"]: Checkin(
                member_id=r["member_id"],
                how=r["how"],
                by_member=r["by_member"],
                at=datetime.fromisoformat(r["at"]),
                proof=r["proof"],
            )
            for r in rows
        }

    async def deliveries(self, notice_id: int) -> list[OutboxRow]:
        """The notice's delivery rows (members and the bound group chat)."""
        rows = await self.db.fetchall(
            "SELECT * FROM outbox WHERE ref = ? AND kind = 'notice' ORDER BY id", (notice_ref(notice_id),)
        )
        return [_row(r) for r in rows]

    async def delivery(self, key: str) -> OutboxRow | None:
        row = await self.db.fetchone("SELECT * FROM outbox WHERE key = ?", (key,))
        return _row(row) if row else None

    async def unsummarised(self, since: datetime) -> list[Notice]:
        """Live notices whose broadcast has ended but whose summary was never queued (a crash between the
        last delivery and its hook)."""
        rows = await self.db.fetchall(
            "SELECT n.* FROM notices n WHERE n.cancelled_at IS NULL AND n.created_at >= ? "
            "AND n.backfilled_at IS NULL "  # a meeting entered afterwards (补录) was never broadcast
            "AND n.publishing = 0 "  # still publishing: its summary waits for its last chunk
            "AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.key = 'notice:' || n.id || ':summary') "
            "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.ref = 'notice:' || n.id "
            "                AND o.status IN ('pending', 'sending'))",
            (iso(since),),
        )
        return [_notice(r) for r in rows]
