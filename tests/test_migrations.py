"""Migrations: a database made by an earlier version, with data in it, upgrades without losing anything."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations

NOW = "2026-01-05T08:00:00+00:00"


def build_v5(path: Path) -> None:
    """A database as version 5 of Zhibu left it (migrations 1–5), with a little of everything."""
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > 5:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部'), (3, 2, 'group', '1号楼党小组');
            INSERT INTO members (id, name, unit_id, group_id, category, report_cadence, migrant_since,
                telegram_id, linked_at, language, created_at, updated_at, last_seen_at)
                VALUES (1, '彭国华', 2, NULL, 'resident', NULL, NULL, 1001, '{NOW}', 'zh', '{NOW}', '{NOW}', NULL),
                       (2, '梁立新', 2, 3, 'migrant', 'monthly', '2025-08-01', 1002, NULL, NULL, '{NOW}', '{NOW}',
                        '{NOW}');
            UPDATE members SET liaison_id = 1 WHERE id = 2;
            INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary'), (1, 'liaison');
            INSERT INTO member_posts (member_id, post) VALUES (2, 'patrol');
            INSERT INTO invites (code, member_id, created_at) VALUES ('abc', 2, '{NOW}');
            INSERT INTO outbox (key, kind, member_id, chat_id, text, created_at)
                VALUES ('k1', 'reminder', 2, 1002, '提醒', '{NOW}');
            INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat,
                creator_lang, created_at) VALUES (1, 'general', 2, '{NOW}', '村委会', '学习', 1, 1001, 'zh', '{NOW}');
            INSERT INTO notice_members (notice_id, member_id, linked) VALUES (1, 1, 1), (1, 2, 0);
            INSERT INTO rsvps (notice_id, member_id, answer, reason, at) VALUES (1, 2, 'leave', '外出', '{NOW}');
            INSERT INTO duty_logs (member_id, post, at, local_date, area, minutes)
                VALUES (2, 'patrol', '{NOW}', '2026-01-05', '东区', 45);
            INSERT INTO thought_reports (member_id, period, text, submitted_at)
                VALUES (2, '2025-12', '汇报', '{NOW}');
            INSERT INTO status_reports (member_id, state, at) VALUES (2, 'away_work', '{NOW}');
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5


def counts(path: Path) -> dict[str, int]:
    tables = ("units", "members", "member_roles", "member_posts", "invites", "outbox", "notices", "notice_members",
              "rsvps", "duty_logs", "thought_reports", "status_reports")
    with sqlite3.connect(path) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


async def test_a_version_5_database_with_data_upgrades_without_losing_anything(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    build_v5(path)
    before = counts(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations()) >= 6
        secretary, migrant = await store.members.get(1), await store.members.get(2)
        assert secretary is not None and migrant is not None
        assert secretary.active and migrant.active and secretary.deactivated_at is None
        assert secretary.roles == {"secretary", "liaison"} and secretary.linked and secretary.language == "zh"
        assert migrant.posts == {"patrol"} and migrant.liaison_id == 1 and migrant.group_id == 3
        assert migrant.report_cadence == "monthly" and str(migrant.migrant_since) == "2025-08-01"
        assert [m.name for m in await store.members.in_units({2})] == ["彭国华", "梁立新"]
        assert [m.name for m in await store.members.with_role("secretary")] == ["彭国华"]
        assert (await store.members.by_telegram_id(1001)) == secretary
        row = await store.db.fetchone("SELECT last_seen_at FROM members WHERE id = 2")
        assert row is not None and row[0] == NOW
    finally:
        await store.close()
    assert counts(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT active, deactivated_at FROM members ORDER BY id").fetchall() == [(1, None)] * 2
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_opening_again_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    build_v5(path)
    for _ in range(2):
        store = await Store.open(path)
        assert await store.db.schema_version() == len(migrations())
        await store.close()
    assert counts(path)["members"] == 2
