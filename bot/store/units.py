"""Units: the community committee, its branches and their Party groups, and the community's activity
groups (stored as kind 'group' with `activity = 1`, read as kind `activity_group`)."""

from __future__ import annotations

from datetime import date

import aiosqlite

from bot.domain.models import ACTIVITY_GROUP_KIND, COMMITTEE_KIND, GROUP_KIND, TOWNSHIP_KIND, Unit
from bot.store.db import Database


def _unit(row: aiosqlite.Row) -> Unit:
    kind = ACTIVITY_GROUP_KIND if row["activity"] else row["kind"]
    if "township" in row.keys() and row["township"]:
        kind = TOWNSHIP_KIND
    term = row["term_start"] if "term_start" in row.keys() else None
    return Unit.model_construct(  # typed by the schema: each press of a list reads every unit (600 at 100k)
        id=row["id"],
        parent_id=row["parent_id"],
        kind=kind,
        name=row["name"],
        chat_id=row["chat_id"],
        term_start=date.fromisoformat(term) if term else None,
    )


class UnitRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> list[Unit]:
        rows = await self.db.fetchall("SELECT * FROM units ORDER BY id")
        return [_unit(r) for r in rows]

    async def get(self, unit_id: int) -> Unit | None:
        row = await self.db.fetchone("SELECT * FROM units WHERE id = ?", (unit_id,))
        return _unit(row) if row else None

    async def committee(self) -> Unit | None:
        row = await self.db.fetchone(
            "SELECT * FROM units WHERE kind = 'committee' AND township = 0 ORDER BY id LIMIT 1"
        )
        return _unit(row) if row else None


class UnitWrites:
    """The units an import makes, inside its unit of work (`Store.unit_of_work`)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def everything(self) -> list[Unit]:
        """Every unit, as the import has them so far."""
        async with self._conn.execute("SELECT * FROM units ORDER BY id") as cur:
            return [_unit(r) for r in await cur.fetchall()]

    async def find(self, name: str, parent_id: int | None) -> Unit | None:
        """The unit of this name under this parent (names are unique under a parent, whatever the kind)."""
        async with self._conn.execute(
            "SELECT * FROM units WHERE COALESCE(parent_id, 0) = COALESCE(?, 0) AND name = ?",
            (parent_id, name),
        ) as cur:
            row = await cur.fetchone()
        return _unit(row) if row else None

    async def ensure(self, kind: str, name: str, parent_id: int | None) -> tuple[int, bool]:
        """The id of the unit, created when missing. A unit of the same name under the same parent is returned
        whatever its kind: callers that care check it (`find`)."""
        found = await self.find(name, parent_id)
        if found:
            return found.id, False
        activity, township = kind == ACTIVITY_GROUP_KIND, kind == TOWNSHIP_KIND
        stored = GROUP_KIND if activity else COMMITTEE_KIND if township else kind
        cur = await self._conn.execute(
            "INSERT INTO units (parent_id, kind, name, activity, township) VALUES (?, ?, ?, ?, ?)",
            (parent_id, stored, name, int(activity), int(township)),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid, True

    async def community(self, name: str) -> Unit | None:
        """The community committee of this name, wherever it hangs (at the top, or under the township)."""
        async with self._conn.execute(
            "SELECT * FROM units WHERE kind = 'committee' AND township = 0 AND activity = 0 AND name = ? "
            "AND (parent_id IS NULL OR parent_id IN (SELECT id FROM units WHERE township = 1)) ORDER BY id LIMIT 1",
            (name,),
        ) as cur:
            row = await cur.fetchone()
        return _unit(row) if row else None

    async def move(self, unit_id: int, parent_id: int) -> None:
        """Hang a community committee under the township (a deployment that grew into a township's)."""
        await self._conn.execute("UPDATE units SET parent_id = ? WHERE id = ?", (parent_id, unit_id))
