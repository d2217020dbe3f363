"""The operations migration (`NNNN_ops.sql`, issue 16): a database at the version before it, with data, upgrades
without losing anything, and gets the backups table and the one-row sweep record."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from bot.store.ops import BackupRecord, OpsRepo, SweepRecord
from tests.support.migrations import build, ops_number

TABLES = ("units", "members", "outbox")


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        rows = {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in TABLES}
    conn.close()
    return rows


async def test_the_database_before_upgrades_without_losing_anything(tmp_path: Path) -> None:
    path = tmp_path / "zhibu.sqlite3"
    build(path, ops_number() - 1)
    before = dump(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations()) >= ops_number()
        ops = OpsRepo(store.db)
        assert await ops.last_backup() is None and await ops.last_sweep() is None
        now = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
        await ops.record_sweep(SweepRecord(now, 40))
        await ops.record_sweep(SweepRecord(now.replace(minute=1), 35))  # one row, updated in place
        assert await ops.last_sweep() == SweepRecord(now.replace(minute=1), 35)
        await ops.record_backup(BackupRecord(now, now, "zhibu-20261130-110000.sqlite3", 8192, True))
        last = await ops.last_backup()
        assert last is not None and last.ok and last.bytes == 8192
        counts = await ops.member_counts()
        assert (counts.linked, counts.not_linked) == (1, 0)
    finally:
        await store.close()
    after = dump(path)  # columns added later (issue 23: units.term_start) come after the old ones, empty
    assert {t: [r[: len(o)] for r, o in zip(after[t], rows, strict=True)] for t, rows in before.items()} == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM sweep_runs").fetchone()[0] == 1
    conn.close()
