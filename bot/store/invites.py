"""One-time invite codes, opened with `/start <code>`, and re-linking a member to a new account."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from enum import StrEnum

import aiosqlite

from bot.store.db import Database, Statement, iso, utcnow
from bot.store.outbox import Outgoing, enqueue_in


class InviteOutcome(StrEnum):
    LINKED = "linked"
    UNKNOWN = "unknown"
    USED = "used"
    TAKEN = "taken"  # this Telegram account is already linked to another member


async def _new_code(conn: aiosqlite.Connection, member_id: int, now: str) -> str:
    code = secrets.token_urlsafe(12)
    await conn.execute("INSERT INTO invites (code, member_id, created_at) VALUES (?, ?, ?)", (code, member_id, now))
    return code


#: Members per look-up of their codes.
_CHUNK = 500


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
        async with self.db.transaction() as conn:
            return await _new_code(conn, member_id, iso(utcnow()))

    async def codes_for(self, member_ids: Sequence[int]) -> dict[int, str]:
        """What `code_for` gives each of these members, in one read and one write for all of them (the CLI's
        `invites` for 10 000 members was 10 000 transactions)."""
        found: dict[int, str] = {}
        for start in range(0, len(member_ids), _CHUNK):
            chunk = member_ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for member_id, code in await self.db.fetchall_tuples(
                f"SELECT member_id, code FROM invites WHERE used_at IS NULL AND member_id IN ({marks}) "
                "ORDER BY created_at DESC, rowid DESC",
                tuple(chunk),
            ):
                found[int(str(member_id))] = str(code)  # the oldest last: it wins, as in `code_for`
        new = {m: secrets.token_urlsafe(12) for m in member_ids if m not in found}
        if new:
            now = iso(utcnow())
            await self.db.write(
                [
                    Statement(
                        "INSERT INTO invites (code, member_id, created_at) VALUES (?, ?, ?)",
                        many=[(code, member_id, now) for member_id, code in new.items()],
                    )
                ]
            )
        return {m: found.get(m) or new[m] for m in member_ids}

    async def redeem(self, code: str, telegram_id: int) -> tuple[InviteOutcome, int | None]:
        """Use the code for this account: (outcome, member id)."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT i.member_id, i.used_at FROM invites i JOIN members m ON m.id = i.member_id "
                "WHERE i.code = ? AND m.active = 1",
                (code,),
            ) as cur:
                row = await cur.fetchone()
            if row is None:  # no such code, or its member left the roster
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
                "SELECT id, active FROM members WHERE telegram_id = ? AND id != ?", (telegram_id, member_id)
            ) as cur:
                holder = await cur.fetchone()
            if holder is not None and holder[1]:
                return InviteOutcome.TAKEN, member_id
            now = iso(utcnow())
            if holder is not None:  # held by someone who left the roster: the account is free for this member
                await conn.execute("UPDATE members SET telegram_id = NULL, linked_at = NULL WHERE id = ?", (holder[0],))
            await conn.execute("UPDATE invites SET used_at = ?, used_by = ? WHERE code = ?", (now, telegram_id, code))
            await conn.execute(
                "UPDATE members SET telegram_id = ?, linked_at = ?, unreachable = 0 WHERE id = ?",
                (telegram_id, now, member_id),
            )
        return InviteOutcome.LINKED, member_id

    async def relink(
        self, member_id: int, telegram_id: int, messages: Callable[[str], list[Outgoing]]
    ) -> tuple[str | None, int]:
        """Unlink the member from `telegram_id` (the account a secretary saw them linked to), spend their
        unused codes and make a new one, and queue `messages(code)` (word to the old account), in ONE
        transaction. (the new code, messages queued); no code when the member is no longer linked to that
        account or left the roster."""
        now = iso(utcnow())
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM members WHERE id = ? AND active = 1 AND linked_at IS NOT NULL AND telegram_id = ?",
                (member_id, telegram_id),
            ) as cur:
                if await cur.fetchone() is None:
                    return None, 0
            await conn.execute(
                "UPDATE members SET telegram_id = NULL, linked_at = NULL, unreachable = 0, updated_at = ? WHERE id = ?",
                (now, member_id),
            )
            await conn.execute(
                "UPDATE invites SET used_at = ? WHERE member_id = ? AND used_at IS NULL", (now, member_id)
            )
            code = await _new_code(conn, member_id, now)
            queued = await enqueue_in(conn, messages(code))
        return code, queued
