"""What command menus were published to Telegram, by scope, as a digest (migration `NNNN_menus.sql`): start-up
publishes only the menus that changed since."""

from __future__ import annotations

from collections.abc import Mapping

from bot.store.db import Database, Statement, iso, utcnow


class MenuRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def published(self) -> dict[str, str]:
        """Scope → digest of every menu published (a row per linked person with a menu of their own)."""
        return {str(r[0]): str(r[1]) for r in await self.db.fetchall_tuples("SELECT scope, digest FROM menus")}

    async def record(self, changes: Mapping[str, str | None]) -> None:
        """Each scope's menu was published (its digest), or taken back to the default one (None): one write."""
        if not changes:
            return
        now = iso(utcnow())
        await self.db.write(
            [
                Statement(
                    "DELETE FROM menus WHERE scope = ?", many=[(s,) for s, digest in changes.items() if digest is None]
                ),
                Statement(
                    "INSERT INTO menus (scope, digest, at) VALUES (?, ?, ?) "
                    "ON CONFLICT (scope) DO UPDATE SET digest = excluded.digest, at = excluded.at",
                    many=[(s, digest, now) for s, digest in changes.items() if digest is not None],
                ),
            ]
        )
