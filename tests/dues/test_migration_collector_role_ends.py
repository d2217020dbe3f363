"""The role-ends migration (`NNNN_collector_role_ends.sql`): a 收缴人 who left the branch they were named for, or
the active roster, is no longer one — a database at the version before it loses those stale rows and keeps the
others (and every payment); from then on leaving ends the role for good, so moving back does not restore it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"
SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部'), (3, 1, 'branch', '幸福家园党支部');
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at, active) VALUES
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}', 1), (2, '梁立新', 3, 'resident', '{NOW}', '{NOW}', 1),
        (3, '何秀英', 3, 'resident', '{NOW}', '{NOW}', 0), (4, '孙建军', 3, 'resident', '{NOW}', '{NOW}', 1);
    INSERT INTO dues_collectors (member_id, unit_id, named_by, named_at) VALUES
        (1, 2, NULL, '{NOW}'), (2, 2, NULL, '{NOW}'), (3, 3, NULL, '{NOW}');
    INSERT INTO dues_payments (member_id, first_month, last_month, amount, means, paid_on, recorded_by, recorded_at)
        VALUES (4, '2026-02', '2026-02', 50, 'cash', '2026-02-10', 2, '{NOW}');
"""


async def collectors(store: Store) -> list[str]:
    return [c.name for c in await store.dues.collectors.of_units([2, 3])]


async def is_collector(store: Store, member_id: int) -> bool:
    member = await store.members.get(member_id)
    assert member is not None
    return member.collector


async def test_stale_roles_go_and_the_rest_stay(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_collector_role_ends.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        rows = await store.db.fetchall("SELECT member_id FROM dues_collectors ORDER BY member_id")
        assert [r[0] for r in rows] == [1]  # 梁立新 moved away, 何秀英 left the roster: their rows are gone
        payments = await store.dues.payments_of([4])
        assert [(p.amount, p.recorded_by_name) for p in payments] == [(50, "梁立新")]
    finally:
        await store.close()


async def test_moving_away_and_back_does_not_restore_the_role(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_collector_role_ends.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await is_collector(store, 1) and await collectors(store) == ["彭国华"]
        async with store.db.transaction() as conn:  # moved to another branch
            await conn.execute("UPDATE members SET unit_id = 3 WHERE id = 1")
        assert not await is_collector(store, 1) and await collectors(store) == []
        async with store.db.transaction() as conn:  # and back: still not the collector
            await conn.execute("UPDATE members SET unit_id = 2 WHERE id = 1")
        assert not await is_collector(store, 1) and await collectors(store) == []
        assert not await store.dues.collectors.take_back(1, None)

        # named again: the collector; other edits of the member leave the role alone
        await store.dues.collectors.set(1, 2, None, datetime.fromisoformat(NOW), None)
        async with store.db.transaction() as conn:
            await conn.execute("UPDATE members SET language = 'en', active = 1, unit_id = 2 WHERE id = 1")
        assert await is_collector(store, 1) and await collectors(store) == ["彭国华"]
        # left the roster and came back: not the collector
        async with store.db.transaction() as conn:
            await conn.execute("UPDATE members SET active = 0 WHERE id = 1")
            await conn.execute("UPDATE members SET active = 1 WHERE id = 1")
        assert not await is_collector(store, 1) and await collectors(store) == []
    finally:
        await store.close()
