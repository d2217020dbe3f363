"""A write transaction cancelled at its start or in its middle leaves the database usable."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.support.db import open_store
from tests.support.harness import loop_turn


async def test_a_cancelled_transaction_leaves_no_transaction_open(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    try:
        # cancelled after 0, 1, 2, … turns of the event loop: before BEGIN, during it, inside, at COMMIT
        for turns in (0, 1, 2, 3, 5, 10, 20):

            async def write() -> None:
                async with store.db.transaction() as conn:
                    await conn.execute("INSERT INTO processed_updates (update_id, at) VALUES (1, 'x')")
                    await asyncio.Event().wait()  # held open until cancelled

            task = asyncio.create_task(write())
            for _ in range(turns):
                await loop_turn()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert not store.db.conn.in_transaction
            async with store.db.transaction() as conn:  # the next writer is not refused
                await conn.execute("DELETE FROM processed_updates")
    finally:
        await store.close()
