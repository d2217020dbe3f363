"""Members, their roles and duty posts, and linking to Telegram accounts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import aiosqlite

from bot.store.db import Database, iso, utcnow
from bot.store.models import Member

_SELECT = (
    "SELECT m.*, "
    "(SELECT group_concat(role, ';') FROM member_roles r WHERE r.member_id = m.id) AS roles, "
    "(SELECT group_concat(post, ';') FROM member_posts p WHERE p.member_id = m.id) AS posts "
    "FROM members m"
)


def _split(value: str | None) -> frozenset[str]:
    return frozenset(p for p in (value or "").split(";") if p)


def member_from_row(row: aiosqlite.Row) -> Member:
    since = row["migrant_since"]
    return Member(
        id=row["id"], name=row["name"], unit_id=row["unit_id"], group_id=row["group_id"],
        category=row["category"], roles=_split(row["roles"]), posts=_split(row["posts"]),
        liaison_id=row["liaison_id"], report_cadence=row["report_cadence"],
        migrant_since=date.fromisoformat(since) if since else None,
        mobile_recorded_at=row["mobile_recorded_at"] or row["created_at"],
        phone=row["phone"], building=row["building"], telegram_id=row["telegram_id"],
        linked_at=row["linked_at"], language=row["language"], unreachable=bool(row["unreachable"]),
    )


class MemberRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _many(self, where: str, params: tuple[object, ...] = ()) -> list[Member]:
        rows = await self.db.fetchall(f"{_SELECT} {where}", params)
        return [member_from_row(r) for r in rows]

    async def get(self, member_id: int) -> Member | None:
        found = await self._many("WHERE m.id = ?", (member_id,))
        return found[0] if found else None

    async def by_telegram_id(self, telegram_id: int) -> Member | None:
        found = await self._many("WHERE m.telegram_id = ?", (telegram_id,))
        return found[0] if found else None

    async def all(self) -> list[Member]:
        return await self._many("ORDER BY m.unit_id, m.id")

    async def in_units(self, unit_ids: Iterable[int]) -> list[Member]:
        ids = sorted(set(unit_ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return await self._many(
            f"WHERE m.unit_id IN ({marks}) OR m.group_id IN ({marks}) ORDER BY m.unit_id, m.id",
            (*ids, *ids),
        )

    async def named(self, name: str) -> list[Member]:
        return await self._many("WHERE m.name = ? ORDER BY m.id", (name,))

    async def unlinked(self) -> list[Member]:
        return await self._many("WHERE m.linked_at IS NULL ORDER BY m.unit_id, m.id")

    async def admins(self) -> list[Member]:
        return await self._many(
            "WHERE m.id IN (SELECT member_id FROM member_roles WHERE role = 'admin') ORDER BY m.id"
        )

    async def link(self, member_id: int, telegram_id: int) -> None:
        """Tie the member to the Telegram account that just wrote to the bot; their invite codes are spent."""
        now = iso(utcnow())
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE members SET telegram_id = ?, linked_at = ?, unreachable = 0 WHERE id = ?",
                (telegram_id, now, member_id),
            )
            await conn.execute(
                "UPDATE invites SET used_at = ?, used_by = ? WHERE member_id = ? AND used_at IS NULL",
                (now, telegram_id, member_id),
            )

    async def reachable_again(self, member_id: int) -> None:
        """They wrote to the bot in private: Telegram lets us write to them again."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE members SET unreachable = 0 WHERE id = ? AND unreachable", (member_id,))

    async def set_language(self, member_id: int, language: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE members SET language = ? WHERE id = ?", (language, member_id))

    async def roles_by_member(self) -> dict[int, set[str]]:
        out: dict[int, set[str]] = defaultdict(set)
        for row in await self.db.fetchall("SELECT member_id, role FROM member_roles"):
            out[row[0]].add(row[1])
        return out

    async def mark_unreachable(self, member_id: int) -> None:
        """Telegram refused delivery (blocked, or never started): no more sends until they write."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE members SET unreachable = 1 WHERE id = ?", (member_id,))

    async def with_role(self, role: str) -> list[Member]:
        return await self._many(
            "WHERE m.id IN (SELECT member_id FROM member_roles WHERE role = ?) ORDER BY m.id", (role,))

    async def liaison_of(self, member: Member) -> Member | None:
        return await self.get(member.liaison_id) if member.liaison_id is not None else None

    async def kept_by(self, liaison_id: int) -> list[Member]:
        """The members this liaison keeps contact with."""
        return await self._many("WHERE m.liaison_id = ? ORDER BY m.id", (liaison_id,))
