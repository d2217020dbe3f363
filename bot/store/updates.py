"""Processed Telegram updates: a redelivered update is recognised and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from bot.store.db import Database, current_update_id, iso, recorded_update_id, utcnow


class UpdateRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def seen(self, update_id: int) -> bool:
        row = await self.db.fetchone("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,))
        return row is not None

    def handling(self, update_id: int) -> None:
        """The writes that follow in this task are the effect of `update_id`: each write transaction records
        the update as applied in the same commit (so a redelivery after a crash changes nothing)."""
        current_update_id.set(update_id)

    def recorded(self, update_id: int) -> bool:
        """Whether a write of `update_id` in this task already recorded it as applied."""
        return recorded_update_id.get() == update_id

    async def mark(self, update_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO processed_updates (update_id, at) VALUES (?, ?)",
                (update_id, iso(utcnow())),
            )

    async def prune(self, older_than: timedelta = timedelta(days=14)) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM processed_updates WHERE at < ?", (iso(utcnow() - older_than),))
