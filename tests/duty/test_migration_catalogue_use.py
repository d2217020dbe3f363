"""The catalogue-use migration (`NNNN_catalogue_use.sql`, issue 30 item 3): a database at the version before it,
with a catalogue, claims and post-holders, upgrades without losing anything; every branch uses every post
until its secretary says otherwise."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations

NOW = "2026-03-05T02:00:00+00:00"
TABLES = ("posts", "member_posts", "post_claims", "post_reviewers", "post_accounts", "duty_logs", "members")


def catalogue_use_number() -> int:
    """The number of the migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_catalogue_use.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> int:
    before = catalogue_use_number() - 1
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部');
            INSERT INTO members (id, name, unit_id, category, telegram_id, linked_at, created_at, updated_at)
                VALUES (1, '赵巡逻', 2, 'resident', 1004, '{NOW}', '{NOW}', '{NOW}'),
                       (2, '胡淑珍', 2, 'resident', NULL, NULL, '{NOW}', '{NOW}');
            INSERT INTO member_posts (member_id, post) VALUES (1, 'patrol'), (2, '环境卫生岗');
            INSERT INTO post_claims (member_id, post_id, asked_at) VALUES (2, 5, '{NOW}');
            INSERT INTO post_reviewers (member_id, named_by, at) VALUES (1, NULL, '{NOW}');
            INSERT INTO post_accounts (member_id, quarter, text, at, rating, rated_by, rated_at)
                VALUES (1, '2026Q1', '巡逻十二次', '{NOW}', 'competent', NULL, '{NOW}');
            INSERT INTO duty_logs (member_id, post, at, local_date, area, minutes)
                VALUES (1, 'patrol', '{NOW}', '2026-03-05', '东区', 45);
            UPDATE posts SET minimum = 6 WHERE key = 'patrol';
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    return before


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}


async def test_the_database_before_upgrades_and_every_branch_uses_every_post(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path)
    kept = dump(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() >= catalogue_use_number()
        assert await store.duty.posts.unused(2) == set()
        assert await store.duty.posts.set_used(2, 5, False, 1, NOW)
        assert await store.duty.posts.unused(2) == {5}
        assert not await store.duty.posts.set_used(2, 5, False, 1, NOW)  # again: nothing changes
        assert await store.duty.posts.set_used(2, 5, True, 1, NOW)
        assert await store.duty.posts.unused(2) == set()
    finally:
        await store.close()
    after = dump(path)
    for table in ("posts", "member_posts", "post_claims", "post_reviewers", "duty_logs", "members"):
        assert after[table] == kept[table], table
