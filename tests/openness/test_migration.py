"""The 党务公开 migration (`NNNN_openness.sql`): a database of the version before it, with members, a duty 公示
posted and an outbox row, upgrades without losing a row, and the new tables take an item and its objection."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.store import Store
from bot.store.openness import Draft
from tests.support.migrations import build_before, dump, number_of, project

NOW = "2026-01-05T08:00:00+00:00"


async def test_upgrading_keeps_every_row_and_takes_items(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    number = number_of("_openness.sql")
    build_before(
        path,
        number,
        f"""
        INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'branch', '白庙村党支部');
        INSERT INTO members (id, name, unit_id, category, telegram_id, linked_at, created_at, updated_at)
            VALUES (1, '彭国华', 1, 'resident', 1001, '{NOW}', '{NOW}', '{NOW}');
        INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary');
        INSERT INTO outbox (key, kind, member_id, chat_id, text, created_at, status)
            VALUES ('k1', 'notice', 1, -100, '公示', '{NOW}', 'sent');
        INSERT INTO post_publicity (unit_id, quarter, text, created_by, created_at)
            VALUES (1, '2025Q4', '设岗定责公示', 1, '{NOW}');
        """,
    )
    before = dump(path)
    copy = tmp_path / "before.sqlite3"
    copy.write_bytes(path.read_bytes())
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() >= number
        assert project(path, before, copy) == before
        rows = await store.db.fetchall("SELECT quarter, text FROM post_publicity")
        assert [tuple(r) for r in rows] == [("2025Q4", "设岗定责公示")]
        now = datetime(2026, 1, 5, 8, tzinfo=UTC)
        item_id = await store.openness.add_draft(
            Draft(1, "other", "free", "标题", "内容", 5, date(2026, 1, 5), date(2026, 1, 9)), 1, now
        )
        assert await store.openness.post(item_id, -100, 1, now, list) == 0
        number_, _ = await store.openness.object(item_id, (9999, None, "老刘"), "有意见", now, lambda n: [])
        item = await store.openness.item(item_id)
        assert item is not None and item.objections == 1 and item.answered == 0 and item.posted_by == 1
        assert await store.openness.answer(number_, "已核实", 1, now, [])
        assert not await store.openness.answer(number_, "再答", 1, now, [])
    finally:
        await store.close()
