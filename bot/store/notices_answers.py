"""The answers to a notice as the store writes them (part of `NoticeRepo`): a member's reply (a leave is a request,
pending until decided, and its message to the convener is queued in the same transaction), the decision on a
leave (准假 / 不准, with the word to the member), a check-in (the first stands) and a 补学."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.store.db import Database, iso
from bot.store.outbox import Outgoing, enqueue_in


class AnswerWrites:
    db: Database

    async def record_rsvp(
        self,
        notice_id: int,
        member_id: int,
        answer: str,
        reason: str | None,
        now: datetime,
        messages: Callable[[], list[Outgoing]] | None = None,
    ) -> int:
        """The member's answer; a leave is a new request, pending until decided (an earlier decision goes).
        `messages` (the request to the convener) are queued in the same transaction; returns how many."""
        approval = "pending" if answer == "leave" else None
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rsvps (notice_id, member_id, answer, reason, at, approval) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (notice_id, member_id) DO UPDATE SET answer = excluded.answer, "
                "reason = excluded.reason, at = excluded.at, approval = excluded.approval, decided_by = NULL, "
                "decided_at = NULL",
                (notice_id, member_id, answer, reason, iso(now), approval),
            )
            return await enqueue_in(conn, messages()) if messages else 0

    async def decide_leave(
        self,
        notice_id: int,
        member_id: int,
        approval: str,
        by_member: int | None,
        asked_at: datetime,
        now: datetime,
        messages: Callable[[], list[Outgoing]],
    ) -> bool:
        """准假 / 不准 on the leave asked at `asked_at`, if it is still that request and still pending (a
        second press, or a press on an older request, changes nothing: False). The member's word is queued
        in the same transaction."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE rsvps SET approval = ?, decided_by = ?, decided_at = ? WHERE notice_id = ? AND member_id = ? "
                "AND answer = 'leave' AND approval = 'pending' AND at = ?",
                (approval, by_member, iso(now), notice_id, member_id, iso(asked_at)),
            )
            if cur.rowcount == 0:
                return False
            await enqueue_in(conn, messages())
            return True

    async def record_makeup(
        self, notice_id: int, member_id: int, on_date: str, note: str, by_member: int | None, now: datetime
    ) -> bool:
        """补学 of an absent member; False when one is already recorded (the first stands)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT OR IGNORE INTO makeups (notice_id, member_id, on_date, note, by_member, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (notice_id, member_id, on_date, note, by_member, iso(now)),
            )
            return cur.rowcount > 0

    async def record_checkin(
        self,
        notice_id: int,
        member_id: int,
        how: str,
        by_member: int | None,
        now: datetime,
        proof: str | None = None,
        reason: str | None = None,
        note: str | None = None,
        status_then: str | None = None,
    ) -> bool:
        """False when the member had already checked in (the first check-in stands). `proof` of a member's own
        check-in (code, location, button); `reason`, `note` and `status_then` of a 书记登记."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT OR IGNORE INTO checkins (notice_id, member_id, how, by_member, at, proof, reason, note, "
                "status_then) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (notice_id, member_id, how, by_member, iso(now), proof, reason, note, status_then),
            )
            return cur.rowcount > 0

    async def checkin_key(self, notice_id: int, fresh: str) -> str:
        """The secret of the notice's check-in codes: `fresh` the first time it is asked, the same one after."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE notices SET checkin_key = ? WHERE id = ? AND checkin_key IS NULL", (fresh, notice_id)
            )
            async with conn.execute("SELECT checkin_key FROM notices WHERE id = ?", (notice_id,)) as cur:
                row = await cur.fetchone()
        return str(row[0]) if row is not None and row[0] is not None else fresh

    async def set_venue(self, name: str, latitude: float, longitude: float, by: int | None, now: datetime) -> None:
        """The point of a venue (a place name without spaces), set or moved."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO venues (name, latitude, longitude, set_by, set_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude, "
                "set_by = excluded.set_by, set_at = excluded.set_at",
                (name, latitude, longitude, by, iso(now)),
            )

    async def venue(self, name: str) -> tuple[float, float] | None:
        """The point of the venue of that name (without spaces), if one was set."""
        row = await self.db.fetchone("SELECT latitude, longitude FROM venues WHERE name = ?", (name,))
        return (float(row[0]), float(row[1])) if row is not None else None
