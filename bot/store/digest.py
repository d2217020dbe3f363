"""Digest items: escalations waiting for their recipient's daily digest (the `digest_items` table of migration
`NNNN_digest.sql`; the rules are in `bot.services.kernel.digest`).

An item is recorded under the key the outbox would have used for the message it replaces, so it is recorded
once, never again — and never when that key was already sent on its own (before the digest existed). A
digest is queued in the outbox and its items marked as carried by it in ONE transaction: an item goes into
exactly one digest, is never lost (a restart between recording and sending leaves it waiting) and never
repeated.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import aiosqlite

from bot.store.db import Database, iso, utcnow
from bot.store.outbox import Outgoing, enqueue_in


@dataclass(frozen=True)
class DigestEntry:
    """How an escalation is listed in a digest: under the heading of `kind` — a catalogue prefix with the
    keys `<kind>.title` ({count}) and `<kind>.line` ({name} and the `params`) — as one line about `name`.
    `params` are already in the reader's words (a period name, a number of days)."""

    kind: str
    name: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DigestItem:
    """A waiting item, as read back."""

    id: int
    key: str
    recipient_id: int
    chat_id: int
    kind: str
    name: str
    params: dict[str, str]


async def add_in(conn: aiosqlite.Connection, items: Sequence[tuple[Outgoing, DigestEntry]]) -> int:
    """Inside the caller's transaction: record each message (its key, recipient, chat, text) as a digest item;
    a key already recorded, or already in the outbox, is skipped. How many were recorded."""
    if not items:
        return 0
    now = iso(utcnow())
    rows = []
    for message, entry in items:
        if message.member_id is None:
            raise ValueError(f"a digest item needs its recipient's member id: {message.key}")
        rows.append(
            (
                message.key,
                message.member_id,
                message.chat_id,
                entry.kind,
                entry.name,
                json.dumps(dict(entry.params), ensure_ascii=False),
                message.kind,
                message.ref,
                message.text,
                now,
                message.key,
            )
        )
    cur = await conn.executemany(  # one round trip to the database thread for the chunk
        "INSERT OR IGNORE INTO digest_items (key, recipient_id, chat_id, kind, name, params, message_kind, ref, "
        "text, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
        "WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE key = ?)",
        rows,
    )
    return cur.rowcount


async def queue_digests_in(conn: aiosqlite.Connection, digests: Mapping[str, tuple[Outgoing, Sequence[int]]]) -> int:
    """Inside the caller's transaction: queue each digest (outbox key → the message and the ids of the items it
    carries) unless its key is already queued, and mark its items as carried by it. How many were queued."""
    queued = 0
    for key, (message, item_ids) in digests.items():
        if await (await conn.execute("SELECT 1 FROM outbox WHERE key = ?", (key,))).fetchone():
            continue  # today's digest went already: these items wait for tomorrow's
        queued += await enqueue_in(conn, [message])
        marks = ",".join("?" * len(item_ids))
        await conn.execute(
            f"UPDATE digest_items SET digest_key = ? WHERE digest_key IS NULL AND id IN ({marks})", (key, *item_ids)
        )
    return queued


#: Items built between two turns of the event loop.
_CHUNK = 2000


class DigestRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def waiting(self) -> list[DigestItem]:
        """Every item not yet in a digest, by recipient then in the order recorded (the partial index)."""
        rows = await self.db.fetchall(
            "SELECT id, key, recipient_id, chat_id, kind, name, params FROM digest_items "
            "WHERE digest_key IS NULL ORDER BY recipient_id, id"
        )
        out: list[DigestItem] = []
        for start in range(0, len(rows), _CHUNK):  # built in chunks, the event loop let go between them
            if start:
                await asyncio.sleep(0)
            out.extend(
                DigestItem(
                    r["id"], r["key"], r["recipient_id"], r["chat_id"], r["kind"], r["name"], json.loads(r["params"])
                )
                for r in rows[start : start + _CHUNK]
            )
        return out

    async def settle(
        self,
        messages: Sequence[Outgoing],
        items: Sequence[tuple[Outgoing, DigestEntry]],
        digests: Mapping[str, tuple[Outgoing, Sequence[int]]],
    ) -> int:
        """Queue plain messages, record digest items and queue digests (marking their items) in ONE
        transaction; how many messages were queued."""
        if not messages and not items and not digests:
            return 0
        async with self.db.transaction() as conn:
            queued = await enqueue_in(conn, messages)
            await add_in(conn, items)
            return queued + await queue_digests_in(conn, digests)

    async def recorded_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these keys are recorded as digest items (waiting or carried)."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = await self.db.fetchall(
                f"SELECT key FROM digest_items WHERE key IN ({','.join('?' * len(chunk))})", tuple(chunk)
            )
            found.update(str(r[0]) for r in rows)
        return found

    async def carried_by(self, digest_key: str) -> list[str]:
        """The keys of the items a digest carried (for the record and for tests)."""
        rows = await self.db.fetchall("SELECT key FROM digest_items WHERE digest_key = ? ORDER BY id", (digest_key,))
        return [str(r[0]) for r in rows]
