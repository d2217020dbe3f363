"""The migrations of issue 31 (`NNNN_hot_indexes.sql`, `NNNN_menus.sql`): a database at the version before each
upgrades without losing a row; the first gains its indexes, and the rewritten look-ups (`in_units` as three index
look-ups, the roll's latest status per member) list exactly what the OR over three columns and the grouped
statuses listed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import build_before, number_of

NOW = "2026-03-05T02:00:00+00:00"
TABLES = ("units", "members", "status_reports", "households", "visits", "requests", "care_cases")
INDEXES = {"members_name", "members_unit", "visits_member", "requests_household", "care_cases_member"}


def build_old(path: Path, number: int) -> None:
    """A database at the version before migration `number`, with a few rows of every table the hot paths read."""
    build_before(
        path,
        number,
        f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部'), (3, 2, 'group', '一组'), (4, 1, 'branch', '东村党支部'),
                (5, 1, 'group', '老年活动组');
            INSERT INTO members (id, name, unit_id, group_id, activity_group_id, category, active, created_at,
                updated_at) VALUES
                (1, '彭国华', 2, NULL, NULL, 'resident', 1, '{NOW}', '{NOW}'),
                (2, '梁立新', 2, 3, NULL, 'resident', 1, '{NOW}', '{NOW}'),
                (3, '胡淑珍', 4, NULL, 5, 'resident', 1, '{NOW}', '{NOW}'),
                (4, '赵巡逻', 4, NULL, NULL, 'resident', 0, '{NOW}', '{NOW}'),
                (5, '李明', 2, 3, 5, 'resident', 1, '{NOW}', '{NOW}');
            INSERT INTO status_reports (id, member_id, state, location, at) VALUES
                (1, 1, 'home', NULL, '{NOW}'), (2, 2, 'away_work', '广东', '{NOW}'), (3, 1, 'ill', NULL, '{NOW}'),
                (4, 5, 'home', NULL, '{NOW}'), (5, 2, 'home', NULL, '{NOW}');
            INSERT INTO households (id, head, member_id, created_at, updated_at)
                VALUES (1, '张大爷', 1, '{NOW}', '{NOW}');
            INSERT INTO visits (id, household_id, member_id, found, at, local_date)
                VALUES (1, 1, 1, 'fine', '{NOW}', '2026-03-05');
            INSERT INTO requests (id, household_id, unit_id, text, created_at, updated_at)
                VALUES (1, 1, 2, '修路灯', '{NOW}', '{NOW}');
            INSERT INTO care_cases (id, member_id, source, opened_at, quiet_since)
                VALUES (1, 3, 'ill', '{NOW}', '2026-03-05');
        """,
    )


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}


async def test_the_database_before_upgrades_with_its_rows_and_the_indexes(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_old(path, number_of("_hot_indexes.sql"))
    kept = dump(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        # the OR over three columns, as `in_units` read it before
        for unit in (1, 2, 3, 4, 5):
            old = [
                r[0]
                for r in await store.db.fetchall(
                    "SELECT id FROM members m WHERE m.active = 1 AND (m.unit_id = ? OR m.group_id = ? "
                    "OR m.activity_group_id = ?) ORDER BY m.unit_id, m.id",
                    (unit, unit, unit),
                )
            ]
            assert [m.id for m in await store.members.in_units([unit])] == old
            assert [e.id for e in await store.rolls.members([unit])] == old  # no member here after one of a group
        assert [m.id for m in await store.members.in_units([5])] == [5, 3]  # the activity group, by branch
        assert {m.id for m in await store.members.in_units([2, 4], include_inactive=True)} == {1, 2, 3, 4, 5}
        roll = {e.id: e.state for e in await store.rolls.members([2, 4])}
        assert roll == {1: "ill", 2: "home", 3: None, 5: "home"}  # the latest status of each, none yet for 3
    finally:
        await store.close()
    assert dump(path) == kept
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    assert names >= INDEXES


async def test_the_database_before_the_menus_table_upgrades_with_its_rows(tmp_path: Path) -> None:
    """`NNNN_menus.sql`: nothing recorded yet, so the first start publishes every menu as before."""
    path = tmp_path / "before.sqlite3"
    build_old(path, number_of("_menus.sql"))
    kept = dump(path)
    store = await Store.open(path)
    try:
        assert await store.menus.published() == {}
        await store.menus.record({"chat:1001": "abc", "chat:1002": "def"})
        await store.menus.record({"chat:1001": "xyz"})
        assert await store.menus.published() == {"chat:1001": "xyz", "chat:1002": "def"}
        await store.menus.record({"chat:1001": None})
        assert await store.menus.published() == {"chat:1002": "def"}
    finally:
        await store.close()
    assert dump(path) == kept
