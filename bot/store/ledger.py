"""The reads of the 三会一课台账: the meetings of a span of time, with 应到 / 实到 (per unit of the members too), their
minutes and quorum, and the secretaries of branches to nudge. Read only; the ledger keeps no table of its own (it
is derived from the notices)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from bot.store.db import Database, iso


@dataclass(frozen=True)
class HeldRow:
    """A meeting that took place or should have (not cancelled, begun by `now`); `starts_at` in UTC. Whether it
    counts as held for a branch is the ledger's decision (`bot.services.ledger.grid`): from its minutes, its
    quorum and who of that branch checked in (`units`)."""

    notice_id: int
    kind: str
    unit_id: int
    starts_at: datetime
    topic: str
    expected: int
    present: int
    passed: int = 0  # resolutions of its minutes that passed (通过)
    failed: int = 0  # and that did not (未通过)
    minutes: bool = False  # its minutes were saved
    voters: int = 0  # expected with a vote (支部党员大会's quorum), and of them present
    voters_present: int = 0
    committee: int = 0  # expected on the committee (支委会 / 党委会's quorum), and of them present
    committee_present: int = 0
    #: (the members' own unit, expected, present) for each unit whose members were expected.
    units: tuple[tuple[int, int, int], ...] = ()
    backfilled: bool = False  # 补录: entered afterwards from the paper record (issue 23)
    #: 组织生活会: its minutes say whether the 民主评议 was held (or the meeting predates that rule; issue 26).
    appraisal_noted: bool = True


@dataclass(frozen=True)
class SecretaryRow:
    """A linked, active secretary of a unit, and the language they chose."""

    member_id: int
    unit_id: int
    telegram_id: int
    language: str | None


#: A meeting not cancelled that started in the span and by now.
_SPAN = "n.publishing = 0 AND n.cancelled_at IS NULL AND n.starts_at >= ? AND n.starts_at < ? AND n.starts_at <= ?"
#: The expected member `e` checked in.
_IN = "EXISTS (SELECT 1 FROM checkins c WHERE c.notice_id = e.notice_id AND c.member_id = e.member_id)"


class LedgerReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def held(self, start: datetime, end: datetime, now: datetime) -> list[HeldRow]:
        """Meetings from `start` up to `end` (and no later than `now`), not cancelled, in time order, with their
        figures and, per unit of the members expected, who was expected and who checked in. Uses the
        `notices_start` index; a year of a community is a few hundred rows."""
        span = (iso(start), iso(end), iso(now))
        rows = await self.db.fetchall(
            "SELECT n.id, n.kind, n.unit_id, n.starts_at, n.topic,"
            " (SELECT COUNT(*) FROM notice_members e WHERE e.notice_id = n.id) AS expected,"
            " (SELECT COUNT(*) FROM checkins c WHERE c.notice_id = n.id) AS present,"
            " (SELECT COUNT(*) FROM minute_resolutions r WHERE r.notice_id = n.id AND r.passed = 1) AS passed,"
            " (SELECT COUNT(*) FROM minute_resolutions r WHERE r.notice_id = n.id AND r.passed = 0) AS failed,"
            " EXISTS (SELECT 1 FROM minutes mi WHERE mi.notice_id = n.id) AS has_minutes,"
            " (SELECT COUNT(*) FROM notice_members e WHERE e.notice_id = n.id AND e.votes) AS voters,"
            f" (SELECT COUNT(*) FROM notice_members e WHERE e.notice_id = n.id AND e.votes AND {_IN}) AS voters_in,"
            " (SELECT COUNT(*) FROM notice_members e WHERE e.notice_id = n.id AND e.committee) AS committee,"
            f" (SELECT COUNT(*) FROM notice_members e WHERE e.notice_id = n.id AND e.committee AND {_IN})"
            " AS committee_in, n.backfilled_at IS NOT NULL AS backfilled,"
            " (EXISTS (SELECT 1 FROM minute_appraisal ma WHERE ma.notice_id = n.id)"
            "  OR EXISTS (SELECT 1 FROM minute_appraisal_exempt mx WHERE mx.notice_id = n.id)) AS appraisal_noted"
            f" FROM notices n WHERE {_SPAN} ORDER BY n.starts_at, n.id",
            span,
        )
        units: dict[int, list[tuple[int, int, int]]] = {}
        for r in await self.db.fetchall_tuples(
            f"SELECT e.notice_id, m.unit_id, COUNT(*), SUM({_IN}) FROM notice_members e"
            " JOIN notices n ON n.id = e.notice_id JOIN members m ON m.id = e.member_id"
            f" WHERE {_SPAN} GROUP BY e.notice_id, m.unit_id ORDER BY e.notice_id, m.unit_id",
            span,
        ):
            notice_id, unit_id, expected, present = cast("tuple[int, int, int, int | None]", r)
            units.setdefault(notice_id, []).append((unit_id, expected, present or 0))
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
                bool(r["has_minutes"]),
                r["voters"],
                r["voters_in"],
                r["committee"],
                r["committee_in"],
                tuple(units.get(r["id"], ())),
                bool(r["backfilled"]),
                bool(r["appraisal_noted"]),
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
