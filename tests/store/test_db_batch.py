"""`Database.write` (several statements in one hand-over) and the one private aiosqlite call under it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from bot.store import Store
from bot.store.aiosqlite_compat import on_db_thread
from bot.store.db import Statement, current_update_id, recorded_update_id
from tests.support.harness import loop_turn

INSERT = "INSERT INTO processed_updates (update_id, at) VALUES (?, 'x')"


async def ids(store: Store) -> list[int]:
    return [r[0] for r in await store.db.fetchall("SELECT update_id FROM processed_updates ORDER BY update_id")]


async def test_the_compat_function_runs_on_the_database_thread(store: Store) -> None:
    """The compatibility check for the private `Connection._execute`: our function gets the sqlite3
    connection, runs off the event loop's thread, and its result and exceptions come back."""
    loop_thread = threading.get_ident()

    def probe(raw: sqlite3.Connection) -> tuple[int, int]:
        return threading.get_ident(), raw.execute("SELECT 41 + 1").fetchone()[0]

    thread, value = await on_db_thread(store.db.conn, probe)
    assert thread != loop_thread and value == 42

    def broken(raw: sqlite3.Connection) -> None:
        raw.execute("SELECT * FROM no_such_table")

    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await on_db_thread(store.db.conn, broken)


async def test_write_commits_every_statement_and_the_update_mark(store: Store) -> None:
    token = current_update_id.set(500)
    try:
        rowids = await store.db.write([Statement(INSERT, (1,)), Statement(INSERT, many=[(2,), (3,)])])
    finally:
        current_update_id.reset(token)
    assert rowids[0] is not None and rowids[1] is None
    assert await ids(store) == [1, 2, 3, 500]
    assert recorded_update_id.get() == 500
    assert not store.db.conn.in_transaction


async def test_a_failing_statement_writes_nothing(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await store.db.write([Statement(INSERT, (7,)), Statement(INSERT, (7,))])
    assert await ids(store) == []
    assert not store.db.conn.in_transaction
    await store.db.write([Statement(INSERT, (8,))])  # the lock and the connection are free again
    assert await ids(store) == [8]


async def test_a_cancelled_write_is_completed_not_torn(store: Store) -> None:
    """Cancelled after 0, 1, 2, … turns of the loop: it either never started or was committed whole."""
    for turns in (0, 1, 2, 3, 5):
        base = 100 * (turns + 1)
        task = asyncio.create_task(store.db.write([Statement(INSERT, (base,)), Statement(INSERT, (base + 1,))]))
        for _ in range(turns):
            await loop_turn()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert not store.db.conn.in_transaction
        written = [i for i in await ids(store) if base <= i <= base + 1]
        assert written in ([], [base, base + 1])
