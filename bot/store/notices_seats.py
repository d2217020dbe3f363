"""What the `/attendance` ledger reads of one meeting (part of `NoticeRepo`): every expected member in one query,
as light rows, with their vote and committee seat as they stood when the notice went out, their reply and its
approval, their check-in and who registered it, and a 补学."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from bot.store.db import Database


@dataclass(frozen=True)
class MeetingSeat:
    """A member expected at a meeting. `answer`: attend | leave | None (no reply); `approval` of a leave: pending
    | approved | refused; `how` of a check-in: self | proxy (书记登记到会, `registrar` who) | late (old 补签) | None;
    `made_up` the date of a 补学 (`makeup_note` its note)."""

    member_id: int
    name: str
    linked: bool
    votes: bool
    committee: bool
    answer: str | None
    reason: str | None
    approval: str | None
    how: str | None
    checked_in_at: datetime | None
    registrar: str | None
    made_up: str | None
    makeup_note: str | None
    proof: str | None = None  # of a member's own check-in: code | location | button
    register_reason: str | None = None  # of a 书记登记: no_phone | unlinked | frail | other
    register_note: str | None = None  # the secretary's words on a 书记登记 (what 其他 means, the confirmation)
    status_then: str | None = None  # the member's status (away, ill) when the secretary confirmed them present

    @property
    def present(self) -> bool:
        return self.how is not None

    @property
    def on_leave(self) -> bool:
        """A leave approved (准假) and not checked in after all."""
        return self.answer == "leave" and self.approval == "approved" and not self.present


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


class MeetingSeatReads:
    db: Database

    async def seats(self, notice_id: int) -> list[MeetingSeat]:
        """Everyone expected at the meeting, by member id."""
        rows = await self.db.fetchall_tuples(
            "SELECT m.id, m.name, e.linked, e.votes, e.committee, r.answer, r.reason, r.approval, c.how, c.at, "
            "b.name, k.on_date, k.note, c.proof, c.reason, c.note, c.status_then FROM notice_members e "
            "JOIN members m ON m.id = e.member_id "
            "LEFT JOIN rsvps r ON r.notice_id = e.notice_id AND r.member_id = m.id "
            "LEFT JOIN checkins c ON c.notice_id = e.notice_id AND c.member_id = m.id "
            "LEFT JOIN members b ON b.id = c.by_member AND c.how != 'self' "
            "LEFT JOIN makeups k ON k.notice_id = e.notice_id AND k.member_id = m.id "
            "WHERE e.notice_id = ? ORDER BY m.id",
            (notice_id,),
        )
        return [
            MeetingSeat(
                r[0],
                r[1],
                bool(r[2]),
                bool(r[3]),
                bool(r[4]),
                r[5],
                r[6],
                r[7],
                r[8],
                _when(r[9]),
                r[10],
                r[11],
                r[12],
                r[13],
                r[14],
                r[15],
                r[16],
            )
            for r in cast("list[tuple[Any, ...]]", rows)
        ]
