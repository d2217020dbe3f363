"""Units: the community committee, its branches and their Party groups."""

from __future__ import annotations

import aiosqlite

from bot.store.db import Database
from bot.store.models import Unit


def _unit(row: aiosqlite.Row) -> Unit:
    return Unit(id=row["id"], parent_id=row["parent_id"], kind=row["kind"], name=row["name"],
                chat_id=row["chat_id"])


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
        row = await self.db.fetchone("SELECT * FROM units WHERE kind = 'committee' ORDER BY id LIMIT 1")
        return _unit(row) if row else None

    async def ensure(
        self, conn: aiosqlite.Connection, kind: str, name: str, parent_id: int | None
    ) -> tuple[int, bool]:
        """The id of the unit, created when missing (inside the caller's transaction)."""
        async with conn.execute(
            "SELECT id FROM units WHERE COALESCE(parent_id, 0) = COALESCE(?, 0) AND name = ?",
            (parent_id, name),
        ) as cur:
            row = await cur.fetchone()
        if row:
            return int(row[0]), False
        cur2 = await conn.execute(
            "INSERT INTO units (parent_id, kind, name) VALUES (?, ?, ?)", (parent_id, kind, name)
        )
        assert cur2.lastrowid is not None
        return cur2.lastrowid, True

    async def rename(self, conn: aiosqlite.Connection, unit_id: int, name: str) -> None:
        await conn.execute("UPDATE units SET name = ? WHERE id = ?", (name, unit_id))
