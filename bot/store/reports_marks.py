"""The repository's writes and reads for mobile members and 已阅 (issue 12): registering a member who goes away
as a mobile member, and the read marks on thought reports. Part of `bot.store.reports.ReportRepo`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.store.db import Database, iso
from bot.store.outbox import Outgoing, enqueue_in

#: Ids per query where a list may be long (SQLite takes at most 32 766 parameters).
CHUNK = 5000


def marks(ids: Sequence[object]) -> str:
    return ",".join("?" * len(ids))


def chunked(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


#: The 已阅 marks and the reports they mark: a member's thought reports, the 发展党员 register's (issue 24).
MEMBER_READS = ("report_reads", "thought_reports")
REGISTER_READS = ("development_report_reads", "development_reports")


async def mark_once(
    conn: aiosqlite.Connection, tables: tuple[str, str], mark: tuple[int, int, str | None, str]
) -> bool:
    """Write the 已阅 `mark` (report, reader, comment, at) in the open transaction — unless it has no comment and the
    reader marked the report since it was last handed in (a double press): False then. `tables` is one of the two
    pairs above, never a value from outside."""
    assert tables in (MEMBER_READS, REGISTER_READS)
    reads, reports = tables
    report_id, reader_id, comment, _ = mark
    if comment is None:
        async with conn.execute(
            f"SELECT 1 FROM {reads} r JOIN {reports} t ON t.id = r.report_id "
            "WHERE r.report_id = ? AND r.reader_id = ? AND r.at >= t.submitted_at",
            (report_id, reader_id),
        ) as cur:
            if await cur.fetchone() is not None:
                return False
    await conn.execute(f"INSERT INTO {reads} (report_id, reader_id, comment, at) VALUES (?, ?, ?, ?)", mark)
    return True


@dataclass(frozen=True)
class ReadMark:
    """已阅: who read a report, when, and the comment sent to the member (if any)."""

    report_id: int
    reader_id: int
    reader_name: str
    comment: str | None
    at: datetime


class MarksRepo:
    db: Database

    # ---- going away
    async def register_mobile(
        self,
        member_id: int,
        since: date,
        cadence: str,
        liaison_id: int | None,
        at: datetime,
        messages: Iterable[Outgoing] = (),
    ) -> bool:
        """Make an active member who is not mobile a mobile member (流动党员) from `since`, with this cadence
        and liaison (None: the one they have), and queue the word to them and their liaison, in one
        transaction; False (nothing done) when they are mobile already or gone. The report chain starts by
        trigger."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE members SET category = 'migrant', report_cadence = ?, migrant_since = ?, "
                "mobile_recorded_at = ?, liaison_id = COALESCE(?, liaison_id), updated_at = ? "
                "WHERE id = ? AND active AND NOT (category IS 'migrant' AND report_cadence IS NOT NULL)",
                (cadence, since.isoformat(), iso(at), liaison_id, iso(at), member_id),
            )
            if cur.rowcount != 1:
                return False
            await enqueue_in(conn, messages)
            return True

    # ---- 已阅
    async def mark_read(
        self, report_id: int, reader_id: int, comment: str | None, at: datetime, messages: Iterable[Outgoing] = ()
    ) -> bool:
        """Record that `reader_id` read the report (with the comment) and queue the word to the member, in one
        transaction. Without a comment, a reader who marked it since it was last handed in marks nothing (a double
        press whose two answers both passed the service's look): False then."""
        async with self.db.transaction() as conn:
            if not await mark_once(conn, MEMBER_READS, (report_id, reader_id, comment, iso(at))):
                return False
            await enqueue_in(conn, messages)
            return True

    async def reads_of(self, report_ids: Sequence[int]) -> list[ReadMark]:
        """The 已阅 marks of these reports made since each was last handed in, oldest first."""
        out: list[ReadMark] = []
        for chunk in chunked(report_ids):
            rows = await self.db.fetchall(
                "SELECT r.report_id, r.reader_id, m.name, r.comment, r.at FROM report_reads r "
                "JOIN thought_reports t ON t.id = r.report_id JOIN members m ON m.id = r.reader_id "
                f"WHERE r.report_id IN ({marks(chunk)}) AND r.at >= t.submitted_at",
                tuple(chunk),
            )
            out.extend(ReadMark(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows)
        return sorted(out, key=lambda r: r.at)
