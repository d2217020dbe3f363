"""A meeting held on paper entered afterwards (补录, issue 23 item 6), as the store writes it (`store.backfill`):
the notice marked with who entered it, when and why, the members expected as the roster stands, those who were
there as registered by the secretary at the meeting's start, and the minutes — in one transaction, and nothing
sent to anyone (the meeting is over)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.models import Member
from bot.store.db import Database, iso
from bot.store.notices import Draft


@dataclass(frozen=True)
class PaperMeeting:
    """What the secretary entered: the meeting (`draft`, its start in the past), who was expected and who came
    (member ids), the minutes' content, why it is entered afterwards, and who enters it (member id, chat)."""

    draft: Draft
    expected: Sequence[Member]
    present: Sequence[int]
    content: str
    reason: str
    by: int | None
    chat: int
    lang: str


class BackfillRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def backfill(self, paper: PaperMeeting, now: datetime) -> int:
        """The meeting entered, marked 补录; its id."""
        draft = paper.draft
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO notices (kind, unit_id, starts_at, place, topic, created_by, creator_chat, "
                "creator_lang, created_at, audience, speaker, mode, minutes, minutes_at, backfilled_by, "
                "backfilled_at, backfill_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.kind,
                    draft.unit_id,
                    iso(draft.starts_at),
                    draft.place,
                    draft.topic,
                    paper.by,
                    paper.chat,
                    paper.lang,
                    iso(now),
                    draft.audience,
                    draft.speaker,
                    draft.mode,
                    paper.content,
                    iso(now),
                    paper.by,
                    iso(now),
                    paper.reason,
                ),
            )
            notice_id = cur.lastrowid
            assert notice_id is not None
            await conn.executemany(
                "INSERT INTO notice_members (notice_id, member_id, linked, votes, committee) VALUES (?, ?, ?, ?, ?)",
                [(notice_id, m.id, int(m.linked), int(m.votes), int(m.sits_on(draft.unit_id))) for m in paper.expected],
            )
            await conn.executemany(
                "INSERT INTO checkins (notice_id, member_id, how, by_member, at) VALUES (?, ?, 'proxy', ?, ?)",
                [(notice_id, member_id, paper.by, iso(draft.starts_at)) for member_id in paper.present],
            )
            await conn.execute(
                "INSERT INTO minutes (notice_id, content, saved_by, saved_at) VALUES (?, ?, ?, ?)",
                (notice_id, paper.content, paper.by, iso(now)),
            )
        return notice_id
