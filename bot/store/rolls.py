"""Long lists read in one query each, as light rows (no models with roles and posts): `/members` and the
`/attendance` ledger of a unit of thousands are paged in memory (`bot.services.kernel.pages`), and building a full
`Member` per row would cost more than the query itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from bot.store.db import Database
from bot.store.members import units_members

#: A member as `RollRepo.rows` reads them: (id, name, unit_id, group_id, linked, state, location, at (ISO text),
#: mobile) — an exact tuple of plain values, which the collector stops tracking at its first pass over it. A kept
#: list of 100 000 dataclasses set off full passes of the collector (100-400 ms with the event loop held).
RollRow = tuple[Any, ...]
ID, NAME, UNIT, GROUP, LINKED, STATE, LOCATION, AT, MOBILE = range(9)


@dataclass(frozen=True)
class RollEntry:
    """An active member as `/members` lists them, with their latest status (`state` None: none yet)."""

    id: int
    name: str
    unit_id: int
    group_id: int | None
    linked: bool
    state: str | None
    location: str | None
    at: datetime | None
    mobile: bool = False  # a mobile member (流动党员): owes reports; others owe no status either

    @classmethod
    def of(cls, r: RollRow) -> RollEntry:
        """The entry of a row of `RollRepo.rows`."""
        return cls(
            r[ID], r[NAME], r[UNIT], r[GROUP], bool(r[LINKED]), r[STATE], r[LOCATION], _when(r[AT]), bool(r[MOBILE])
        )


@dataclass(frozen=True)
class Seat:
    """A member expected at a meeting, with their answer (`attend` / `leave`, None: no reply) and check-in
    (`how` None: not checked in). `linked`: whether the notice was queued to them."""

    member_id: int
    name: str
    linked: bool
    answer: str | None
    reason: str | None
    how: str | None
    checked_in_at: datetime | None


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


class RollRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def members(self, unit_ids: Iterable[int]) -> list[RollEntry]:
        """What `rows` reads, as entries."""
        return [RollEntry.of(r) for r in await self.rows(unit_ids)]

    async def rows(self, unit_ids: Iterable[int]) -> list[RollRow]:
        """Active members whose unit, Party group or activity group is one of `unit_ids`, by unit, group (none
        first) and id: plain tuples (`RollRow`)."""
        ids = sorted(set(unit_ids))
        if not ids:
            return []
        # Each member's latest status by its index (not every status report grouped), the members by three
        # index look-ups (`units_members`).
        return await self.db.fetchall_tuples(
            "SELECT m.id, m.name, m.unit_id, m.group_id, m.linked_at IS NOT NULL AND m.telegram_id IS NOT NULL, "
            "s.state, s.location, s.at, m.category = 'migrant' AND m.report_cadence IS NOT NULL FROM members m "
            "LEFT JOIN status_reports s ON s.id = (SELECT max(id) FROM status_reports WHERE member_id = m.id) "
            f"WHERE +m.active = 1 AND m.id IN ({units_members(len(ids))}) "
            "ORDER BY m.unit_id, COALESCE(m.group_id, 0), m.id",
            (*ids, *ids, *ids),
        )

    async def seats(self, notice_id: int) -> list[Seat]:
        """Everyone expected at the meeting, by member id, with their answer and check-in."""
        rows = await self.db.fetchall_tuples(
            "SELECT m.id, m.name, e.linked, r.answer, r.reason, c.how, c.at FROM notice_members e "
            "JOIN members m ON m.id = e.member_id "
            "LEFT JOIN rsvps r ON r.notice_id = e.notice_id AND r.member_id = m.id "
            "LEFT JOIN checkins c ON c.notice_id = e.notice_id AND c.member_id = m.id "
            "WHERE e.notice_id = ? ORDER BY m.id",
            (notice_id,),
        )
        return [
            Seat(r[0], r[1], bool(r[2]), r[3], r[4], r[5], _when(r[6])) for r in cast("list[tuple[Any, ...]]", rows)
        ]
