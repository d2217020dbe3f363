"""The collectors migration (`NNNN_dues_collectors.sql`, issue 25): a database at the version before it keeps
every member, dues rule and payment (with who recorded it) as it was; nobody is a 收缴人 until a secretary names
them, and the role holds only while the member stays in the branch it was named for."""

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
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at) VALUES
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}'), (2, '梁立新', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO dues_rules (member_id, year, category, base, rate, amount, set_at) VALUES
        (1, 2026, 'employed', 450000, 100, 4500, '{NOW}');
    INSERT INTO dues_payments (member_id, first_month, last_month, amount, means, paid_on, recorded_by, recorded_at)
        VALUES (1, '2026-01', '2026-02', 9000, 'cash', '2026-02-10', 2, '{NOW}'),
               (2, '2026-02', '2026-02', 50, 'transfer', '2026-02-11', NULL, '{NOW}');
"""


async def test_rows_stay_and_nobody_collects_until_named(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_dues_collectors.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        payments = await store.dues.payments_of([1, 2])
        assert [(p.member_id, p.amount, p.recorded_by_name) for p in payments] == [(1, 9000, "梁立新"), (2, 50, None)]
        assert (await store.dues.rules_of([1]))[1][0].amount == 4500
        liang = await store.members.get(2)
        assert liang is not None and not liang.collector
        assert await store.dues.collectors.of_units([2]) == []

        await store.dues.collectors.set(2, 2, 1, datetime.fromisoformat(NOW), None)
        liang = await store.members.get(2)
        assert liang is not None and liang.collector
        assert [c.name for c in await store.dues.collectors.of_units([2, 3])] == ["梁立新"]
        async with store.db.transaction() as conn:  # moved to another branch: no longer its collector
            await conn.execute("UPDATE members SET unit_id = 3 WHERE id = 2")
        liang = await store.members.get(2)
        assert liang is not None and not liang.collector
        assert await store.dues.collectors.of_units([2, 3]) == []
        assert not await store.dues.collectors.take_back(2, None)  # the move ended the role for good
    finally:
        await store.close()
