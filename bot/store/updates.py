"""Processed Telegram updates: a redelivered update is recognised and changes nothing. And the pointers to the
private chat given in groups to people not on the roster (once per group, person and day)."""

from __future__ import annotations

from datetime import date, timedelta

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

    async def point_once(self, chat_id: int, user_id: int, day: date) -> bool:
        """Record that this person is pointed to the private chat in this group today; False when they were
        already pointed there today (nothing is changed then)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO group_pointers (chat_id, user_id, day) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id, user_id) DO UPDATE SET day = excluded.day "
                "WHERE group_pointers.day <> excluded.day",
                (chat_id, user_id, day.isoformat()),
            )
            return cursor.rowcount == 1

    async def unpoint(self, chat_id: int, user_id: int, day: date) -> None:
        """The pointer of today was not delivered after all (the group was busy): they may get it next time."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM group_pointers WHERE chat_id = ? AND user_id = ? AND day = ?",
                (chat_id, user_id, day.isoformat()),
            )

    async def prune_pointers(self, before: date) -> None:
        """Forget the pointers of days before `before`."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM group_pointers WHERE day < ?", (before.isoformat(),))
