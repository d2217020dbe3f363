"""The outbox: messages decided by the bot, persisted before they are sent (one row per recipient).

A unique key makes enqueueing idempotent: the same reminder or notice for the same member is never
queued twice, across restarts too.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import aiosqlite

from bot.store.db import Database, iso, utcnow


@dataclass(frozen=True)
class Outgoing:
    """A message to enqueue. `buttons` rows hold {"text", "data"} or {"text", "url"} dicts."""

    key: str
    kind: str
    chat_id: int
    text: str
    member_id: int | None = None
    ref: str | None = None
    buttons: list[list[dict[str, str]]] | None = None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    kind: str
    ref: str | None
    member_id: int | None
    chat_id: int
    text: str
    buttons: list[list[dict[str, str]]] | None
    status: str
    attempts: int
    message_id: int | None
    error: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _row(r: aiosqlite.Row) -> OutboxRow:
    return OutboxRow(
        id=r["id"],
        key=r["key"],
        kind=r["kind"],
        ref=r["ref"],
        member_id=r["member_id"],
        chat_id=r["chat_id"],
        text=r["text"],
        buttons=json.loads(r["buttons"]) if r["buttons"] else None,
        status=r["status"],
        attempts=r["attempts"],
        message_id=r["message_id"],
        error=r["error"],
    )


OUTBOX_INSERT_SQL = (
    "INSERT OR IGNORE INTO outbox (key, kind, ref, member_id, chat_id, text, buttons, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert_row(item: Outgoing, now: str, buttons: str | None = None) -> tuple[object, ...]:
    """The row of `OUTBOX_INSERT_SQL`; `buttons` already serialised when the caller has them."""
    if buttons is None and item.buttons:
        buttons = json.dumps(item.buttons, ensure_ascii=False)
    return (item.key, item.kind, item.ref, item.member_id, item.chat_id, item.text, buttons, now)


def outbox_rows(items: Iterable[Outgoing]) -> list[tuple[object, ...]]:
    """The rows of `OUTBOX_INSERT_SQL` for a few messages (`Database.write`; keys already queued are skipped)."""
    now = iso(utcnow())
    return [_insert_row(item, now) for item in items]


async def enqueue_in(conn: aiosqlite.Connection, items: Iterable[Outgoing]) -> int:
    """Queue messages inside the caller's transaction; keys already queued are skipped. One round trip to
    the database thread per _BATCH messages (a sweep or a broadcast queues thousands), so the event loop is
    let go between batches."""
    now = iso(utcnow())
    count = 0
    batch: list[tuple[object, ...]] = []
    # the copies of one broadcast share their buttons' list: serialised once, not once a copy
    shared: tuple[object, str | None] = (None, None)
    for item in items:
        if item.buttons and item.buttons is not shared[0]:
            shared = (item.buttons, json.dumps(item.buttons, ensure_ascii=False))
        batch.append(_insert_row(item, now, shared[1] if item.buttons else None))
        if len(batch) == _BATCH:
            count += await _insert(conn, batch)
            batch = []
    return count + (await _insert(conn, batch) if batch else 0)


_BATCH = 500


async def _insert(conn: aiosqlite.Connection, rows: list[tuple[object, ...]]) -> int:
    cur = await conn.executemany(OUTBOX_INSERT_SQL, rows)
    return cur.rowcount


#: At most this many pending rows are looked at by one `claim(..., per_chat=n)`.
CLAIM_SCAN = 2000


async def _oldest_per_chat(conn: aiosqlite.Connection, limit: int, skip: list[int], per_chat: int | None) -> list[int]:
    """Ids of up to `limit` pending rows, oldest first, none of a chat in `skip`, at most `per_chat` of each."""
    where = "status = 'pending'"
    if skip:
        where += f" AND chat_id NOT IN ({','.join('?' * len(skip))})"
    chunk = max(limit, 1) * 4
    picked: list[int] = []
    taken: dict[int, int] = {}
    seen = 0
    async with conn.execute(
        f"SELECT id, chat_id FROM outbox WHERE {where} ORDER BY id LIMIT ?", (*skip, CLAIM_SCAN)
    ) as cur:
        while len(picked) < limit and seen < CLAIM_SCAN and (batch := list(await cur.fetchmany(chunk))):
            seen += len(batch)
            for row_id, chat in batch:
                if per_chat is not None and taken.get(chat, 0) >= per_chat:
                    continue
                taken[chat] = taken.get(chat, 0) + 1
                picked.append(int(row_id))
                if len(picked) == limit:
                    break
    return picked


class OutboxRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(self, items: Sequence[Outgoing]) -> int:
        if not items:
            return 0
        async with self.db.transaction() as conn:
            return await enqueue_in(conn, items)

    async def existing_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(f"SELECT key FROM outbox WHERE key IN ({marks})", tuple(chunk))
            found.update(r[0] for r in rows)
        return found

    async def claim(self, limit: int, skip: Collection[int] = (), per_chat: int | None = None) -> list[OutboxRow]:
        """Mark up to `limit` pending rows as being sent, oldest first, and return them.

        `skip`: chats to take nothing of (the sender's chats with rows held). `per_chat`: at most this many rows
        per chat, each chat's oldest pending ones, so a chat with hundreds of rows at the head of the outbox
        does not fill the claim; rows of the chats in `skip` are passed over inside SQLite, and at most
        `CLAIM_SCAN` rows of the others are looked at."""
        async with self.db.transaction() as conn:
            if not skip and per_chat is None:
                async with conn.execute(
                    "SELECT * FROM outbox WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,)
                ) as cur:
                    rows = [_row(r) for r in await cur.fetchall()]
            else:
                ids = await _oldest_per_chat(conn, limit, list(skip), per_chat)
                rows = []
                if ids:
                    marks = ",".join("?" * len(ids))
                    async with conn.execute(
                        f"SELECT * FROM outbox WHERE id IN ({marks}) ORDER BY id", tuple(ids)
                    ) as cur:
                        rows = [_row(r) for r in await cur.fetchall()]
            if rows:
                marks = ",".join("?" * len(rows))
                await conn.execute(
                    f"UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id IN ({marks})",
                    tuple(r.id for r in rows),
                )
        return rows

    async def finish(self, row_id: int, status: str, message_id: int | None = None, error: str | None = None) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET status = ?, message_id = COALESCE(?, message_id), error = ?, sent_at = ? "
                "WHERE id = ?",
                (status, message_id, error, iso(utcnow()), row_id),
            )

    async def release(self, row_id: int, error: str | None = None) -> None:
        """Back to pending (e.g. Telegram asked us to wait)."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE outbox SET status = 'pending', error = ? WHERE id = ?", (error, row_id))

    async def note(self, row_id: int, error: str) -> None:
        """Why a row being sent is to be tried again (it stays with the sender, in its chat's order)."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE outbox SET error = ? WHERE id = ?", (error, row_id))

    async def recover(self) -> int:
        """At start-up: rows that were in flight when the process stopped go out again."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("UPDATE outbox SET status = 'pending' WHERE status = 'sending'")
            return cur.rowcount

    async def pending_count(self, ref: str | None = None) -> int:
        if ref is None:
            row = await self.db.fetchone("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
        else:
            row = await self.db.fetchone(
                "SELECT count(*) FROM outbox WHERE ref = ? AND status IN ('pending', 'sending')", (ref,)
            )
        return int(row[0]) if row else 0

    async def by_ref(self, ref: str) -> list[OutboxRow]:
        return [_row(r) for r in await self.db.fetchall("SELECT * FROM outbox WHERE ref = ? ORDER BY id", (ref,))]

    async def by_key(self, key: str) -> OutboxRow | None:
        row = await self.db.fetchone("SELECT * FROM outbox WHERE key = ?", (key,))
        return _row(row) if row else None

    async def cancel_ref(self, ref: str) -> int:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE outbox SET status = 'cancelled' WHERE ref = ? AND status = 'pending'", (ref,)
            )
            return cur.rowcount
