"""The presence migration (`NNNN_presence.sql`, issue 23 item 2): a database at the version before it upgrades
without losing anything — every notice is held 现场 with no check-in secret yet, every check-in and 书记登记 stays
with no proof or reason recorded (they were made before either was asked), and venues can be set."""

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
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}'), (2, '贾美玲', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang,
        created_at) VALUES (1, 'general', 2, '2026-03-05T07:00:00+00:00', '村委会', '学习', 1, 1, 'zh', '{NOW}');
    INSERT INTO notice_members (notice_id, member_id, linked, votes, committee) VALUES (1, 1, 1, 1, 1), (1, 2, 1, 1, 0);
    INSERT INTO checkins (notice_id, member_id, how, by_member, at) VALUES
        (1, 1, 'self', 1, '{NOW}'), (1, 2, 'proxy', 1, '{NOW}');
"""


async def test_notices_are_on_site_and_old_check_ins_keep_their_way(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_presence.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        notice = await store.notices.get(1)
        assert notice is not None and (notice.mode, notice.checkin_key) == ("onsite", None)
        checkins = await store.notices.checkins(1)
        assert {m: (c.how, c.proof) for m, c in checkins.items()} == {1: ("self", None), 2: ("proxy", None)}
        seats = {s.name: s for s in await store.notices.seats(1)}
        assert seats["贾美玲"].registrar == "彭国华" and seats["贾美玲"].register_reason is None
        assert await store.notices.checkin_key(1, "first") == "first"
        assert await store.notices.checkin_key(1, "second") == "first"  # made once, kept
        await store.notices.set_venue("村委会", 34.7, 113.6, 1, datetime(2026, 3, 6, tzinfo=UTC))
        assert await store.notices.venue("村委会") == (34.7, 113.6)
    finally:
        await store.close()
