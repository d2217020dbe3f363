"""Processed Telegram updates: a redelivered update is recognised and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from bot.store.db import Database, iso, utcnow


class UpdateRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def seen(self, update_id: int) -> bool:
        row = await self.db.fetchone("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,))
        return row is not None

    async def mark(self, update_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO processed_updates (update_id, at) VALUES (?, ?)",
                (update_id, iso(utcnow())),
            )

    async def prune(self, older_than: timedelta = timedelta(days=14)) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM processed_updates WHERE at < ?", (iso(utcnow() - older_than),))
