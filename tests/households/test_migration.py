"""The households migration (`NNNN_households.sql`, issue 15): a database at the version before it, with data,
upgrades without losing anything, and households then import onto it with their due chains."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from tests.support.households import load_households

NOW = "2026-01-05T08:00:00+00:00"


def households_number() -> int:
    """The number of this migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_households.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> int:
    before = households_number() - 1
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '测试社区党委'),
                (2, 1, 'branch', '一村党支部'), (3, 1, 'branch', '二村党支部');
            INSERT INTO members (id, name, unit_id, category, telegram_id, linked_at, created_at, updated_at)
                VALUES (1, '王书记', 2, 'resident', 1001, '{NOW}', '{NOW}', '{NOW}'),
                       (2, '李联络', 2, 'resident', 1002, '{NOW}', '{NOW}', '{NOW}'),
                       (3, '赵巡逻', 2, 'resident', 1004, NULL, '{NOW}', '{NOW}'),
                       (4, '周普通', 3, 'resident', 2002, NULL, '{NOW}', '{NOW}');
            INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary'), (2, 'liaison');
            INSERT INTO outbox (key, kind, member_id, chat_id, text, created_at)
                VALUES ('k1', 'reminder', 2, 1002, '提醒', '{NOW}');
            INSERT INTO status_reports (member_id, state, at) VALUES (2, 'home', '{NOW}');
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    return before


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        tables = conn.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name").fetchall()
        # a table WITHOUT ROWID (the 民主测评's, issue 26) is in key order
        order = {t: "1, 2, 3" if "WITHOUT ROWID" in sql else "rowid" for t, sql in tables}
        return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY {order[t]}")] for t, _ in tables}


async def test_upgrading_keeps_everything_and_households_import_onto_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    before = build_before(path)
    old = dump(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations()) > before
        await store.close()
        new = dump(path)
        for table, rows in old.items():  # columns added later (issue 23: units.term_start) come after, empty
            assert [r[: len(o)] for r, o in zip(new[table], rows, strict=True)] == rows, table
        assert new["households"] == new["visits"] == new["requests"] == []
        store = await Store.open(path)
        await load_households(store)
        assert [h.member_name for h in await store.households.of_member(2)] == ["李联络", "李联络"]
        due = await store.db.fetchall("SELECT kind, subject FROM due WHERE kind = 'visit' ORDER BY subject")
        assert [tuple(r) for r in due] == [("visit", 2), ("visit", 3), ("visit", 4)]
    finally:
        await store.close()
