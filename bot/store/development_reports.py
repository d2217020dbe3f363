"""思想汇报 of the people in the 发展党员 register (issue 24): saved with the quarter's 思想汇报 step of the record,
read back, and 已阅. Part of `bot.store.development.DevelopmentRepo`."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.store.db import Database, iso
from bot.store.outbox import Outgoing, enqueue_in
from bot.store.reports_marks import REGISTER_READS, ReadMark, mark_once, marks

#: The note on a 思想汇报 step the person handed in through the bot (no secretary recorded it).
SELF_NOTE = "self"


@dataclass(frozen=True)
class RegisterReport:
    """One quarter's report of a person in the register."""

    id: int
    person_id: int
    period: str
    text: str  # '' for a voice report
    submitted_at: datetime
    voice: str | None
    seconds: int | None


@dataclass(frozen=True)
class Saving:
    """A report to save: whose (the record), for which quarter, what (text or a voice message), when, and the
    day its 思想汇报 step carries."""

    person_id: int
    period: str
    text: str
    voice: str | None
    seconds: int | None
    day: date


class DevelopmentReportsRepo:
    db: Database

    async def save_report(self, saving: Saving, at: datetime) -> tuple[int, bool]:
        """Save the quarter's report (replacing an earlier one of the same quarter); the first of a quarter is
        recorded as the record's 思想汇报 step too. (id, replaced)."""
        s = saving
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT id FROM development_reports WHERE person_id = ? AND period = ?", (s.person_id, s.period)
            ) as cur:
                existing = await cur.fetchone()
            if existing:
                await conn.execute(
                    "UPDATE development_reports SET text = ?, voice_file_id = ?, voice_seconds = ?, submitted_at = ?, "
                    "replaced = replaced + 1 WHERE id = ?",
                    (s.text, s.voice, s.seconds, iso(at), existing[0]),
                )
                return int(existing[0]), True
            step = await conn.execute(
                "INSERT INTO development_steps (person_id, step, on_day, note, recorded_at) "
                "VALUES (?, 'report', ?, ?, ?)",
                (s.person_id, s.day.isoformat(), SELF_NOTE, iso(at)),
            )
            cur2 = await conn.execute(
                "INSERT INTO development_reports (person_id, period, text, voice_file_id, voice_seconds, "
                "submitted_at, step_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (s.person_id, s.period, s.text, s.voice, s.seconds, iso(at), step.lastrowid),
            )
            assert cur2.lastrowid is not None
            return cur2.lastrowid, False

    async def report(self, report_id: int) -> RegisterReport | None:
        row = await self.db.fetchone("SELECT * FROM development_reports WHERE id = ?", (report_id,))
        return _report(row) if row else None

    async def report_for(self, person_id: int, period: str) -> RegisterReport | None:
        row = await self.db.fetchone(
            "SELECT * FROM development_reports WHERE person_id = ? AND period = ?", (person_id, period)
        )
        return _report(row) if row else None

    async def reports_of(self, person_ids: Collection[int]) -> list[RegisterReport]:
        """Every report of these records, oldest first."""
        ids = tuple(sorted(set(person_ids))) or (-1,)
        rows = await self.db.fetchall(
            f"SELECT * FROM development_reports WHERE person_id IN ({marks(ids)}) ORDER BY id", ids
        )
        return [_report(r) for r in rows]

    async def report_reads(self, report_id: int) -> list[ReadMark]:
        """The 已阅 marks made since the report was last handed in, oldest first."""
        rows = await self.db.fetchall(
            "SELECT r.report_id, r.reader_id, m.name, r.comment, r.at FROM development_report_reads r "
            "JOIN development_reports t ON t.id = r.report_id JOIN members m ON m.id = r.reader_id "
            "WHERE r.report_id = ? AND r.at >= t.submitted_at ORDER BY r.at",
            (report_id,),
        )
        return [ReadMark(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]

    async def mark_report_read(
        self, report_id: int, reader_id: int, at: datetime, told: tuple[str | None, Iterable[Outgoing]]
    ) -> bool:
        """已阅 by `reader_id` (with the comment, if any), and the word to the person queued, in one transaction.
        Without a comment, a reader who marked the report since it was last handed in marks nothing (a double
        press): False then."""
        comment, messages = told
        async with self.db.transaction() as conn:
            if not await mark_once(conn, REGISTER_READS, (report_id, reader_id, comment, iso(at))):
                return False
            await enqueue_in(conn, messages)
            return True


def _report(r: aiosqlite.Row) -> RegisterReport:
    return RegisterReport(
        r["id"],
        r["person_id"],
        r["period"],
        r["text"],
        datetime.fromisoformat(r["submitted_at"]),
        r["voice_file_id"],
        r["voice_seconds"],
    )
