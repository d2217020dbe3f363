"""What command menus were published to Telegram, by scope, as a digest (migration `NNNN_menus.sql`): start-up
publishes only the menus that changed since."""

from __future__ import annotations

from bot.store.db import Database, iso, utcnow


class MenuRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def published(self) -> dict[str, str]:
        """Scope → digest of every menu published (a row per linked person with a menu of their own)."""
        return {str(r[0]): str(r[1]) for r in await self.db.fetchall_tuples("SELECT scope, digest FROM menus")}

    async def record(self, scope: str, digest: str | None) -> None:
        """`scope`'s menu was published (`digest`), or taken back to the default one (None)."""
        async with self.db.transaction() as conn:
            if digest is None:
                await conn.execute("DELETE FROM menus WHERE scope = ?", (scope,))
            else:
                await conn.execute(
                    "INSERT INTO menus (scope, digest, at) VALUES (?, ?, ?) "
                    "ON CONFLICT (scope) DO UPDATE SET digest = excluded.digest, at = excluded.at",
                    (scope, digest, iso(utcnow())),
                )
