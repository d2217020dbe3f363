"""One-time invite codes, opened with `/start <code>`."""

from __future__ import annotations

import secrets
from enum import StrEnum

from bot.store.db import Database, iso, utcnow


class InviteOutcome(StrEnum):
    LINKED = "linked"
    UNKNOWN = "unknown"
    USED = "used"
    TAKEN = "taken"  # this Telegram account is already linked to another member


class InviteRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def code_for(self, member_id: int) -> str:
        """The member's unused code, made once and then reused (so `invites` is repeatable)."""
        row = await self.db.fetchone(
            "SELECT code FROM invites WHERE member_id = ? AND used_at IS NULL ORDER BY created_at LIMIT 1",
            (member_id,),
        )
        if row:
            return str(row[0])
        code = secrets.token_urlsafe(12)
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO invites (code, member_id, created_at) VALUES (?, ?, ?)",
                (code, member_id, iso(utcnow())),
            )
        return code

    async def redeem(self, code: str, telegram_id: int) -> tuple[InviteOutcome, int | None]:
        """Use the code for this account: (outcome, member id)."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT member_id, used_at FROM invites WHERE code = ?", (code,)
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                return InviteOutcome.UNKNOWN, None
            member_id = int(row[0])
            if row[1] is not None:
                return InviteOutcome.USED, member_id
            async with conn.execute(
                "SELECT 1 FROM members WHERE id = ? AND linked_at IS NOT NULL AND telegram_id IS NOT ?",
                (member_id, telegram_id),
            ) as cur:
                if await cur.fetchone():  # linked meanwhile (e.g. by their roster id): the code is spent
                    await conn.execute("UPDATE invites SET used_at = ? WHERE code = ?", (iso(utcnow()), code))
                    return InviteOutcome.USED, member_id
            async with conn.execute(
                "SELECT id FROM members WHERE telegram_id = ? AND id != ?", (telegram_id, member_id)
            ) as cur:
                if await cur.fetchone():
                    return InviteOutcome.TAKEN, member_id
            now = iso(utcnow())
            await conn.execute(
                "UPDATE invites SET used_at = ?, used_by = ? WHERE code = ?", (now, telegram_id, code)
            )
            await conn.execute(
                "UPDATE members SET telegram_id = ?, linked_at = ?, unreachable = 0 WHERE id = ?",
                (telegram_id, now, member_id),
            )
        return InviteOutcome.LINKED, member_id
