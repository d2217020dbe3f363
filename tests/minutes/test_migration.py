"""The minutes migration (`NNNN_minutes.sql`, issue 13 item 6): a database at the version before it, with notices
whose minutes were one free text, upgrades without losing anything — each free text becomes the content of the
meeting's minutes (saved when it was kept), a notice without minutes gets none, and the notice keeps its text."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from importlib import resources
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from bot.store.minutes import Resolution

NOW = "2026-03-01T02:00:00+00:00"
KEPT = "2026-03-05T10:00:00+00:00"


def minutes_number() -> int:
    """The number of the minutes migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_minutes.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> int:
    before = minutes_number() - 1
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
                VALUES (1, '彭国华', 2, 'resident', 1001, '{NOW}', '{NOW}', '{NOW}');
            INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat,
                creator_lang, created_at, minutes, minutes_at)
                VALUES (1, 'general', 2, '2026-03-05T07:00:00+00:00', '村委会', '学习', 1, 1001, 'zh', '{NOW}',
                        '到会 2 人，学习了党章', '{KEPT}'),
                       (2, 'lecture', 2, '2026-04-05T07:00:00+00:00', '村委会', '党章', 1, 1001, 'zh', '{NOW}',
                        NULL, NULL),
                       (3, 'other', 2, '2026-02-05T07:00:00+00:00', '村委会', '议事', 1, 1001, 'zh', '{NOW}',
                        '第一行
第二行', NULL);
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    return before


async def test_free_text_minutes_become_the_content_of_structured_minutes(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        first = await store.minutes.get(1)
        assert first is not None
        assert (first.content, first.host, first.recorder, first.saved_by, first.resolutions) == (
            "到会 2 人，学习了党章",
            None,
            None,
            None,
            (),
        )
        assert first.saved_at == datetime.fromisoformat(KEPT)
        assert await store.minutes.get(2) is None
        third = await store.minutes.get(3)
        assert third is not None and third.content == "第一行\n第二行"
        assert third.saved_at == datetime.fromisoformat(NOW)  # no time kept: the notice's
        notice = await store.notices.get(1)
        assert notice is not None and notice.minutes == "到会 2 人，学习了党章"
        # the migrated minutes take fields and resolutions like any other
        await store.minutes.save(
            1,
            "彭国华",
            "彭国华",
            "新的内容",
            [Resolution("同意", 1, 0, 0)],
            1,
            datetime.fromisoformat("2026-03-06T02:00:00+00:00"),
        )
        again = await store.minutes.get(1)
        assert again is not None and again.saved_by == "彭国华" and len(again.resolutions) == 1
        notice = await store.notices.get(1)
        assert notice is not None and notice.minutes == "新的内容"
    finally:
        await store.close()
