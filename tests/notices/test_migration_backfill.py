"""The backfill migration (`NNNN_backfill.sql`, issue 23 item 6): a database at the version before it keeps every
notice as it was, none of them marked 补录; a meeting entered afterwards is marked with who, when and why."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"

SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部');
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at) VALUES
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang,
        created_at) VALUES (1, 'general', 2, '2026-03-05T07:00:00+00:00', '村委会', '学习', 1, 1, 'zh', '{NOW}');
"""


async def test_notices_stay_as_they_were_and_a_paper_meeting_is_marked(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_backfill.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        old = await store.notices.get(1)
        assert old is not None and not old.backfilled and old.topic == "学习" and old.backfiller is None
        await store.db.fetchone("SELECT 1")
        async with store.db.transaction() as conn:
            await conn.execute(
                "UPDATE notices SET backfilled_by = 1, backfilled_at = ?, backfill_reason = '纸质记录' WHERE id = 1",
                (datetime(2026, 3, 6, tzinfo=UTC).isoformat(),),
            )
        marked = await store.notices.get(1)
        assert (
            marked is not None
            and marked.backfilled
            and (marked.backfiller, marked.backfill_reason)
            == (
                "彭国华",
                "纸质记录",
            )
        )
    finally:
        await store.close()
