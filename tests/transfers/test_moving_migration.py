"""The migration of the rest of issue 27 (`NNNN_moving.sql`): a database at the version before it upgrades keeping its
members and meetings, and gains the member file's fields, 在职党员 报到 and 学时."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.store import Store
from bot.store.moving import Entry
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"


async def test_upgrade_keeps_members_and_meetings(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    build_before(
        path,
        number_of("_moving.sql"),
        f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部');
            INSERT INTO members (id, name, unit_id, category, relation, note, phone, created_at, updated_at)
                VALUES (1, '彭国华', 2, 'employed', 'elsewhere', '县教育局党委', '13800000001', '{NOW}', '{NOW}');
            INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, creator_chat, creator_lang, created_at)
                VALUES (1, 'lecture', 2, '2026-03-05T01:00:00+00:00', '活动室', '党章', 1, 'zh', '{NOW}');
            INSERT INTO checkins (notice_id, member_id, how, at) VALUES (1, 1, 'self', '{NOW}');
        """,
    )
    store = await Store.open(path)
    try:
        [member] = await store.members.named("彭国华")
        assert member.phone == "13800000001" and member.relation == "elsewhere"
        start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
        [met] = await store.moving.attended([1], start, end)
        assert met.kind == "lecture" and met.hours is None  # the type's default until set
        assert await store.moving.set_hours(1, 3)
        assert (await store.moving.attended([1], start, end))[0].hours == 3
        await store.moving.add_service("report", Entry(1, date(2026, 3, 6), "义务理发", 0, 1), start)
        assert [(s.kind, s.what) for s in await store.moving.service([1], date(2026, 1, 1), date(2026, 12, 31))] == [
            ("report", "义务理发")
        ]
        assert await store.moving.serving() == [(1, "彭国华", 2)]
        assert await store.moving.details(1) == {}
    finally:
        await store.close()
