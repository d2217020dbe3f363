"""The SQLite connection: WAL, foreign keys, numbered migrations, short write transactions.

Writes go through `Database.transaction()`, which serialises writers on one connection with an
asyncio lock and `BEGIN IMMEDIATE`. When a Telegram update is being handled, the same transaction
records its `update_id`, so the effect and the "this update was applied" mark commit together.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import re
import sqlite3
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.store.aiosqlite_compat import on_db_thread

log = logging.getLogger(__name__)

#: The update being handled in this task, if any (set by the update gate in the handlers).
current_update_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("current_update_id", default=None)

#: The last update whose applied-once mark a write transaction committed in this task: the update gate
#: then has nothing left to mark for it.
recorded_update_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("recorded_update_id", default=None)

#: Rows per `fetchmany` when a query is streamed: a few hundred KB of rows at most in memory at once.
STREAM_CHUNK = 500

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Statement:
    """One statement of `Database.write`: its parameters, or `many` rows for an executemany."""

    sql: str
    params: tuple[object, ...] = ()
    many: Sequence[tuple[object, ...]] | None = None


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def migrations() -> list[tuple[int, str]]:
    """(number, sql) for every file in `store/migrations`, in order."""
    found = []
    for entry in resources.files("bot.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (it holds personal data)."""
    if str(path) == ":memory:":
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class Database:
    """One aiosqlite connection shared by the repositories."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        path = Path(path)
        _create_private(path)
        pending = aiosqlite.connect(path, isolation_level=None)
        # A connection someone forgot to close (a test failing half-way, a crash path) must not keep the
        # process alive at exit; every normal path closes it first. aiosqlite has no public switch.
        worker = getattr(pending, "_thread", None)
        if worker is not None:
            worker.daemon = True
        conn = await pending
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit is on disk before we answer "saved" (see docs/RELIABILITY.md); at this bot's
        # write rate the extra fsync costs nothing measurable (bench/broadcast.py).
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        db = cls(conn, path)
        await db.migrate()
        return db

    async def close(self) -> None:
        await self.conn.close()

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        """Apply the migrations newer than `PRAGMA user_version`; returns the new version."""
        version = await self.schema_version()
        for number, sql in migrations():
            if number <= version:
                continue
            async with self._write_lock:
                try:
                    await self.conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
                except BaseException:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    raise
            log.info("migration=%04d applied", number)
            version = number
        return version

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A short write transaction; commits on success, rolls back on error. A task cancelled at any
        point (a stop, a time-out) never leaves the transaction open behind the lock."""
        async with self._write_lock:
            update_id = current_update_id.get()
            try:
                await self._complete("BEGIN IMMEDIATE")
                yield self.conn
                if update_id is not None:
                    await self.conn.execute(
                        "INSERT OR IGNORE INTO processed_updates (update_id, at) VALUES (?, ?)",
                        (update_id, iso(utcnow())),
                    )
                await self._complete("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    await self._complete("ROLLBACK")
                raise
            if update_id is not None:
                recorded_update_id.set(update_id)

    async def write(self, statements: Sequence[Statement]) -> list[int | None]:
        """A short write transaction of known statements in ONE hand-over to the database thread (BEGIN
        IMMEDIATE, the statements, the update's applied-once mark, COMMIT; ROLLBACK on any error): for hot
        paths whose writes need no reads in between. Returns each statement's `lastrowid` (None for a batch).
        Like `transaction`, a cancelled caller never leaves it half done: the thread runs it to its end."""
        update_id = current_update_id.get()
        stamp = iso(utcnow())

        def run(raw: sqlite3.Connection) -> list[int | None]:
            raw.execute("BEGIN IMMEDIATE")
            try:
                ids: list[int | None] = []
                for statement in statements:
                    if statement.many is not None:
                        raw.executemany(statement.sql, statement.many)
                        ids.append(None)
                    else:
                        ids.append(raw.execute(statement.sql, statement.params).lastrowid)
                if update_id is not None:
                    raw.execute(
                        "INSERT OR IGNORE INTO processed_updates (update_id, at) VALUES (?, ?)", (update_id, stamp)
                    )
                raw.execute("COMMIT")
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
            return ids

        async with self._write_lock:
            step = asyncio.ensure_future(on_db_thread(self.conn, run))
            try:
                ids = await asyncio.shield(step)
            except asyncio.CancelledError:
                await asyncio.wait([step])
                raise
        if update_id is not None:
            recorded_update_id.set(update_id)
        return ids

    async def _complete(self, sql: str) -> None:
        """Run `sql` to its end even if the task is cancelled meanwhile (the database thread runs it
        anyway), so the state is known before the cancellation is passed on."""
        step = asyncio.ensure_future(self.conn.execute(sql))
        try:
            await asyncio.shield(step)
        except asyncio.CancelledError:
            await asyncio.wait([step])
            raise

    async def fetchall(self, sql: str, params: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
        # One round trip to the database thread; a cursor takes three (execute, fetch, close).
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchall_tuples(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Plain tuples: for the few hot queries where named rows cost too much."""
        async with self.conn.execute(sql, params) as cur:
            cur.row_factory = None
            return [tuple(r) for r in await cur.fetchall()]

    async def fetchone(self, sql: str, params: tuple[object, ...] = ()) -> aiosqlite.Row | None:
        """The first row, in one round trip: for look-ups by key and aggregates (the whole result is read)."""
        rows = await self.conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def stream(
        self,
        sql: str,
        params: tuple[object, ...] = (),
        chunk: int = STREAM_CHUNK,
    ) -> AsyncGenerator[aiosqlite.Row, None]:
        """The rows of a query, fetched `chunk` at a time from one cursor: for exports, which must not hold a
        whole table in memory. Iterate it to the end or close it (`contextlib.aclosing`).

        The next chunk is fetched while the caller works through this one (two chunks in memory at most): the
        database thread and the caller then overlap instead of waiting for each other."""
        async with self.conn.execute(sql, params) as cur:
            ahead = asyncio.ensure_future(cur.fetchmany(chunk))
            try:
                while rows := await ahead:
                    ahead = asyncio.ensure_future(cur.fetchmany(chunk))
                    for row in rows:
                        yield row
            finally:
                ahead.cancel()  # the caller stopped early: the cursor closes once this fetch is out of the way
                await asyncio.wait([ahead])
                if not ahead.cancelled():
                    ahead.exception()  # retrieved, so that it is not reported as lost

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Database]:
        """The database as it is now, read through a connection of its own inside one read transaction: a
        long export sees one consistent state (WAL keeps it while the bot writes), does not queue behind the
        bot's queries on the shared connection, and can never write (`query_only`)."""
        if str(self.path) == ":memory:":  # nothing else can open it: read through this connection
            yield self
            return
        pending = aiosqlite.connect(self.path, isolation_level=None)
        worker = getattr(pending, "_thread", None)
        if worker is not None:  # as in `open`: a forgotten reader must not keep the process alive
            worker.daemon = True
        conn = await pending
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA query_only = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("BEGIN")
            await conn.execute_fetchall("SELECT count(*) FROM sqlite_schema")  # the snapshot starts here
            yield Database(conn, self.path)
        finally:
            await conn.close()  # ends the read transaction

    async def backup_to(self, target: Path) -> None:
        """A consistent online copy (SQLite's backup API), readable by its owner only."""
        _create_private(target)
        async with self._write_lock:
            dest = await aiosqlite.connect(target)
            try:
                await self.conn.backup(dest)
            finally:
                await dest.close()
        os.chmod(target, 0o600)
