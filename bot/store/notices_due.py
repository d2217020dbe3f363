"""What a meeting's reminder chain reads about a notice (part of `NoticeRepo`): the recipients still to remind
at a stage, a page at a time in delivery order, and where the notice's broadcast has got to."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database


def _ref(notice_id: int) -> str:
    return f"notice:{notice_id}"


@dataclass(frozen=True)
class Recipient:
    """Someone a notice was delivered to, as a meeting reminder needs them."""

    delivery_id: int
    member_id: int
    language: str | None
    telegram_id: int


class MeetingReminderReads:
    db: Database

    async def stage_recipients(self, notice_id: int, stage: str, from_delivery: int, limit: int) -> list[Recipient]:
        """Up to `limit` recipients of the notice, in delivery order from the delivery id `from_delivery` on,
        whose delivery was sent, whose leave is not pending or approved (a refused one is reminded) and who
        have not had this stage's reminder
        (`meeting:<stage>:<notice>:<member>`)."""
        rows = await self.db.fetchall_tuples(
            "SELECT o.id AS delivery_id, m.id AS member_id, m.language, m.telegram_id "
            "FROM outbox o JOIN members m ON m.id = o.member_id "
            "LEFT JOIN rsvps r ON r.notice_id = ? AND r.member_id = m.id "
            "WHERE o.ref = ? AND o.status = 'sent' AND o.kind = 'notice' AND o.id >= ? "
            "AND m.telegram_id IS NOT NULL "
            "AND NOT (COALESCE(r.answer, '') = 'leave' AND COALESCE(r.approval, 'pending') != 'refused') "
            "AND NOT EXISTS (SELECT 1 FROM outbox q WHERE q.key = 'meeting:' || ? || ':' || ? || ':' || m.id) "
            "ORDER BY o.id LIMIT ?",
            (notice_id, _ref(notice_id), from_delivery, stage, notice_id, limit),
        )
        return [Recipient(*r) for r in rows]  # type: ignore[arg-type]

    async def first_unfinished(self, notice_id: int) -> int | None:
        """The lowest id of the notice's messages still pending or being sent (None: the broadcast is over).
        Every delivery below it has its final status. A notice still publishing (issue 31) is not over: its next
        chunk's copies will come after every row queued so far."""
        row = await self.db.fetchone(
            "SELECT min(id) FROM (SELECT (SELECT id FROM outbox WHERE ref = ? AND status = 'pending' ORDER BY id "
            "LIMIT 1) AS id UNION ALL SELECT (SELECT id FROM outbox WHERE ref = ? AND status = 'sending' ORDER BY id "
            "LIMIT 1) UNION ALL SELECT (SELECT coalesce(max(id), 0) + 1 FROM outbox) FROM notices "
            "WHERE id = ? AND publishing = 1)",
            (_ref(notice_id), _ref(notice_id), notice_id),
        )
        return int(row[0]) if row and row[0] is not None else None
