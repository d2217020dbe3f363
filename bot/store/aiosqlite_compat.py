"""The one private aiosqlite API we use, behind one function with its own test (tests/store/test_db_batch.py).

aiosqlite runs every call on its database thread, one hand-over per call (~0.1 ms of wall time on a small
machine). A short write of a few statements — BEGIN, two inserts, an update, COMMIT — is then five hand-overs
where one would do. aiosqlite has no public way to run several statements in one hand-over (executescript takes
no parameters), so this runs a plain function on that thread through `Connection._execute`, the method every
public call of aiosqlite 0.20–0.22 goes through.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

import aiosqlite

T = TypeVar("T")


async def on_db_thread(conn: aiosqlite.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """`fn(connection)` on aiosqlite's database thread, in one hand-over; its result or its exception."""
    raw: sqlite3.Connection = conn._conn
    result: T = await conn._execute(fn, raw)  # type: ignore[no-untyped-call]
    return result
