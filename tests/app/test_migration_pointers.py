"""The group pointers migration (`NNNN_group_pointers.sql`, issue 30 item 1): a database at the version before it
upgrades with its data untouched, and then remembers a pointer per group, person and day."""

from __future__ import annotations

import sqlite3
from datetime import date
from importlib import resources
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations

NOW = "2026-03-01T02:00:00+00:00"


def pointers_number() -> int:
    """The number of the migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_pointers.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> int:
    before = pointers_number() - 1
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委');
            INSERT INTO processed_updates (update_id, at) VALUES (41, '{NOW}');
        """)
    return before


async def test_the_upgrade_keeps_the_data_and_remembers_pointers_per_day(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        assert await store.updates.seen(41)
        day, next_day = date(2026, 3, 1), date(2026, 3, 2)
        assert await store.updates.point_once(-100, 9999, day)
        assert not await store.updates.point_once(-100, 9999, day)  # once a day
        assert await store.updates.point_once(-200, 9999, day)  # per group
        assert await store.updates.point_once(-100, 8888, day)  # per person
        await store.updates.unpoint(-100, 8888, day)  # not delivered: may be given again
        assert await store.updates.point_once(-100, 8888, day)
        assert await store.updates.point_once(-100, 9999, next_day)  # the next day again
        await store.updates.prune_pointers(next_day)
        rows = await store.db.fetchall("SELECT chat_id, user_id, day FROM group_pointers ORDER BY chat_id, user_id")
        assert [tuple(r) for r in rows] == [(-100, 9999, "2026-03-02")]
    finally:
        await store.close()
