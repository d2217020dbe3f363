"""The names migration (`NNNN_clean_names.sql`, issue 30 item 8): member and unit names stored before are cleaned by
`clean_text`'s rules, so that names are compared cleaned everywhere — a name typed today finds the member imported
before, and a roster import does not add a second 张三. The migration's characters are exactly the script's."""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import unicodedata
from importlib import resources
from pathlib import Path
from types import ModuleType

from bot.services.kernel.text import clean_text
from bot.store import Store
from bot.store.db import migrations

NOW = "2026-03-01T02:00:00+00:00"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "clean_names_migration.py"


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("clean_names_migration", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def names_migration() -> tuple[int, str]:
    """(number, SQL) of the migration, whatever it is renumbered to when branches merge."""
    entries = [e for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_clean_names.sql")]
    assert len(entries) == 1, entries
    return int(entries[0].name[:4]), entries[0].read_text(encoding="utf-8")


def test_the_migration_removes_exactly_what_clean_text_removes() -> None:
    _, sql = names_migration()
    listed = [int(n) for group in re.findall(r"char\(([\d, ]+)\)", sql) for n in group.split(",")]
    wanted = script().characters()
    assert all(clean_text(f"张{chr(c)}三") == "张三" for c in listed)
    written_for = re.search(r"as of Unicode ([\d.]+)", sql)
    assert written_for is not None
    if written_for.group(1) == unicodedata.unidata_version:  # another Python may know more characters
        assert set(listed) == set(wanted)
        assert script().migration() == sql  # as the script writes it
    else:
        assert set(listed) <= set(wanted)


def build_before(path: Path) -> None:
    before = names_migration()[0] - 1
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        rows = [
            (1, "张\u200e三"),
            (2, "李\u00ad四\u2028"),
            (3, "\u3164"),  # nothing but a filler: left for someone to look at
            (4, "王\U000e0041五\u2800"),
            (5, "赵\u061c六"),
        ]
        units = [(1, None, "committee", "白庙社区党委"), (2, 1, "branch", "一村\u200f党支部")]
        units += [(3, 1, "branch", "二村党支部"), (4, 1, "branch", "二村\u034f党支部")]
        conn.executemany("INSERT INTO units (id, parent_id, kind, name) VALUES (?, ?, ?, ?)", units)
        conn.executemany(
            "INSERT INTO members (id, name, unit_id, category, created_at, updated_at) "
            "VALUES (?, ?, 2, 'resident', ?, ?)",
            [(i, name, NOW, NOW) for i, name in rows],
        )
    conn.close()


async def test_stored_names_are_cleaned_and_found_by_their_clean_name(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        names = {r[0]: r[1] for r in await store.db.fetchall("SELECT id, name FROM members")}
        assert names == {1: "张三", 2: "李四", 3: "\u3164", 4: "王五", 5: "赵六"}
        units = {r[0]: r[1] for r in await store.db.fetchall("SELECT id, name FROM units")}
        assert units[2] == "一村党支部"
        assert units[4] == "二村\u034f党支部"  # its clean name is taken by unit 3: left for the secretary
        assert [m.id for m in await store.members.named("张三")] == [1]
    finally:
        await store.close()
