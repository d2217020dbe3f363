"""The hearing-once migration (`NNNN_hearing_once.sql`, issue 28 review): a database at the version before it, with
one 恳谈会 issue raised twice, upgrades without losing a request — the later copy only loses its link to the
meeting — and from then on the same issue of the same meeting cannot be raised twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import build_before, number_of

NOW = "2026-11-20T02:00:00+00:00"
SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部');
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at) VALUES
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO households (id, head, member_id, created_at, updated_at) VALUES (1, '李大爷', 1, '{NOW}', '{NOW}');
    INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang,
                         created_at, hearing)
        VALUES (1, 'other', 2, '{NOW}', '村委会', '恳谈会', 1, 1, 'zh', '{NOW}', 1);
    INSERT INTO requests (id, household_id, logged_by, handler_id, unit_id, text, state, created_at, updated_at,
                          source, notice_id)
        VALUES (1, 1, 1, 1, 2, '楼道灯坏了', 'received', '{NOW}', '{NOW}', 'hearing', 1),
               (2, 1, 1, 1, 2, '楼道灯坏了', 'in_progress', '{NOW}', '{NOW}', 'hearing', 1),
               (3, 1, 1, 1, 2, '门口积水', 'received', '{NOW}', '{NOW}', 'hearing', 1),
               (4, 1, 1, 1, 2, '楼道灯坏了', 'received', '{NOW}', '{NOW}', 'visit', NULL);
"""


async def test_every_request_is_kept_and_a_second_copy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_hearing_once.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        rows = await store.db.fetchall("SELECT id, text, state, notice_id FROM requests ORDER BY id")
        assert [tuple(r) for r in rows] == [
            (1, "楼道灯坏了", "received", 1),
            (2, "楼道灯坏了", "in_progress", None),  # kept, no longer counted twice for the meeting
            (3, "门口积水", "received", 1),
            (4, "楼道灯坏了", "received", None),
        ]
        with pytest.raises(sqlite3.IntegrityError):
            async with store.db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO requests (household_id, unit_id, text, state, created_at, updated_at, notice_id) "
                    f"VALUES (1, 2, '门口积水', 'received', '{NOW}', '{NOW}', 1)"
                )
    finally:
        await store.close()
