"""Committees as their own membership (issue 23 item 5): the seats of a unit's committee (党委委员, 支部委员) with
their office, and the unit's term of office (任期, `units.term_start`). The roster import writes seats in its own
transaction (`bot.store.members_roster.RosterWrites.set_seats`); these are the writes of `/committee` and `/term`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.store.db import Database


@dataclass(frozen=True)
class Term:
    """A unit whose term of office has a start."""

    unit_id: int
    start: date


class CommitteeRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def seat(self, unit_id: int, member_id: int, office: str) -> None:
        """The member sits on the unit's committee with this office (a seat held before changes office)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO committee_seats (unit_id, member_id, office) VALUES (?, ?, ?) "
                "ON CONFLICT (unit_id, member_id) DO UPDATE SET office = excluded.office",
                (unit_id, member_id, office),
            )

    async def unseat(self, unit_id: int, member_id: int) -> bool:
        """The member leaves the unit's committee; False when they held no seat there."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM committee_seats WHERE unit_id = ? AND member_id = ?", (unit_id, member_id)
            )
            return cur.rowcount > 0

    async def set_term(self, unit_id: int, start: date) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE units SET term_start = ? WHERE id = ?", (start.isoformat(), unit_id))

    async def terms(self) -> list[Term]:
        """Every unit whose term has a start (a few in a community: read at every sweep)."""
        rows = await self.db.fetchall("SELECT id, term_start FROM units WHERE term_start IS NOT NULL ORDER BY id")
        return [Term(int(r[0]), date.fromisoformat(r[1])) for r in rows]
