"""Where people are in multi-step commands, kept across restarts (issue 16). The rows hold JSON made by
`bot.runtime.persistence`; this module only stores and reads them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.store.db import Database, iso, utcnow


class ConversationRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def states(self, name: str, since: datetime | None = None) -> dict[str, str]:
        """conversation key (JSON) → state (JSON) of one conversation handler; with `since`, only the
        conversations that moved on after it (older ones had timed out)."""
        rows = await self.db.fetchall(
            "SELECT key, state FROM conversation_states WHERE name = ? AND updated_at >= ?",
            (name, iso(since) if since else ""),
        )
        return {r["key"]: r["state"] for r in rows}

    async def user_data(self) -> dict[int, str]:
        rows = await self.db.fetchall("SELECT user_id, data FROM conversation_user_data")
        return {r["user_id"]: r["data"] for r in rows}

    async def save(self, states: Mapping[tuple[str, str], str | None], user_data: Mapping[int, str | None]) -> None:
        """Write what changed in one transaction: a state or data of None is removed (the conversation
        ended, the drafts are gone)."""
        if not states and not user_data:
            return
        now = iso(utcnow())
        async with self.db.transaction() as conn:
            gone = [(name, key) for (name, key), state in states.items() if state is None]
            kept = [(name, key, state, now) for (name, key), state in states.items() if state is not None]
            if gone:
                await conn.executemany("DELETE FROM conversation_states WHERE name = ? AND key = ?", gone)
            if kept:
                await conn.executemany(
                    "INSERT INTO conversation_states (name, key, state, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                    kept,
                )
            dropped = [(user_id,) for user_id, data in user_data.items() if data is None]
            written = [(user_id, data, now) for user_id, data in user_data.items() if data is not None]
            if dropped:
                await conn.executemany("DELETE FROM conversation_user_data WHERE user_id = ?", dropped)
            if written:
                await conn.executemany(
                    "INSERT INTO conversation_user_data (user_id, data, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                    written,
                )
