"""The reads of the 三会一课台账: the meetings held in a span of time, with 应到 / 实到, and the secretaries
of branches to nudge. Read only; the ledger keeps no table of its own (it is derived from the notices)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.store.db import Database, iso


@dataclass(frozen=True)
class HeldRow:
    """A meeting held (not cancelled, begun by `now`, at least one check-in); `starts_at` in UTC."""

    notice_id: int
    kind: str
    unit_id: int
    starts_at: datetime
    topic: str
    expected: int
    present: int
    passed: int = 0  # resolutions of its minutes that passed (通过)
    failed: int = 0  # and that did not (未通过)


@dataclass(frozen=True)
class SecretaryRow:
    """A linked, active secretary of a unit, and the language they chose."""

    member_id: int
    unit_id: int
    telegram_id: int
    language: str | None


class LedgerReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def held(self, start: datetime, end: datetime, now: datetime) -> list[HeldRow]:
        """Meetings held from `start` up to `end` (and no later than `now`), in time order. Uses the
        `notices_start` index; a year of a community is a few hundred rows."""
        rows = await self.db.fetchall(
            "SELECT n.id, n.kind, n.unit_id, n.starts_at, n.topic,"
            " (SELECT COUNT(*) FROM notice_members e WHERE e.notice_id = n.id) AS expected,"
            " (SELECT COUNT(*) FROM checkins c WHERE c.notice_id = n.id) AS present,"
            " (SELECT COUNT(*) FROM minute_resolutions r WHERE r.notice_id = n.id AND r.passed = 1) AS passed,"
            " (SELECT COUNT(*) FROM minute_resolutions r WHERE r.notice_id = n.id AND r.passed = 0) AS failed"
            " FROM notices n WHERE n.cancelled_at IS NULL AND n.starts_at >= ? AND n.starts_at < ?"
            " AND n.starts_at <= ? AND EXISTS (SELECT 1 FROM checkins c WHERE c.notice_id = n.id)"
            " ORDER BY n.starts_at, n.id",
            (iso(start), iso(end), iso(now)),
        )
        return [
            HeldRow(
                r["id"],
                r["kind"],
                r["unit_id"],
                datetime.fromisoformat(r["starts_at"]),
                r["topic"],
                r["expected"],
                r["present"],
                r["passed"],
                r["failed"],
            )
            for r in rows
        ]

    async def secretaries(self, unit_ids: Sequence[int]) -> list[SecretaryRow]:
        """The linked, active secretaries whose own unit is one of `unit_ids`."""
        ids = sorted(set(unit_ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = await self.db.fetchall(
            "SELECT m.id, m.unit_id, m.telegram_id, m.language FROM members m"
            " JOIN member_roles r ON r.member_id = m.id AND r.role = 'secretary'"
            f" WHERE m.active AND m.telegram_id IS NOT NULL AND m.linked_at IS NOT NULL AND m.unit_id IN ({marks})"
            " ORDER BY m.unit_id, m.id",
            tuple(ids),
        )
        return [SecretaryRow(r["id"], r["unit_id"], r["telegram_id"], r["language"]) for r in rows]
