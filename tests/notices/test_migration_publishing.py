"""The publishing migration (`NNNN_notice_publishing.sql`, issue 31): a database at the version before it upgrades
without losing a notice, a seat or a copy; every notice published before it is published (one transaction then),
none is resumed, and its group copy is taken as given."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"

SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部');
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at) VALUES
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}'), (2, '贾美玲', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang,
        created_at) VALUES (1, 'general', 2, '2026-03-05T07:00:00+00:00', '村委会', '学习', 1, 1, 'zh', '{NOW}'),
        (2, 'lecture', 2, '2026-03-06T07:00:00+00:00', '村委会', '党章', 1, 1, 'zh', '{NOW}');
    INSERT INTO notice_members (notice_id, member_id, linked, votes, committee) VALUES (1, 1, 1, 1, 1), (1, 2, 1, 1, 0),
        (2, 1, 1, 1, 1);
    INSERT INTO outbox (key, kind, chat_id, member_id, ref, text, status, created_at) VALUES
        ('notice:1:1', 'notice', 11, 1, 'notice:1', '通知', 'sent', '{NOW}'),
        ('notice:1:2', 'notice', 12, 2, 'notice:1', '通知', 'pending', '{NOW}');
"""


async def test_notices_before_it_are_published_and_keep_their_seats_and_copies(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_notice_publishing.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        assert await store.notices.still_publishing() == []
        rows = await store.db.fetchall_tuples("SELECT id, publishing, to_group FROM notices ORDER BY id")
        assert rows == [(1, 0, 1), (2, 0, 1)]
        seats = await store.db.fetchall_tuples("SELECT notice_id, member_id FROM notice_members ORDER BY 1, 2")
        assert seats == [(1, 1), (1, 2), (2, 1)]
        assert await store.notices.broadcast_state(1) == (False, True)  # its pending copy, as before
        assert await store.notices.broadcast_state(2) == (False, False)
    finally:
        await store.close()
