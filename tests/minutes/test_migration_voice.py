"""The minutes-voice migration (`NNNN_minutes_voice.sql`, issue 23 item 4): a database at the version before it
keeps its minutes as they were — content, host, recorder — with no voice, and takes one from then on."""

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
        created_at) VALUES (1, 'lecture', 2, '2026-03-05T07:00:00+00:00', '村委会', '党章', 1, 1, 'zh', '{NOW}');
    INSERT INTO minutes (notice_id, host, recorder, content, saved_by, saved_at) VALUES
        (1, '彭国华', '彭国华', '学习党章第一章', 1, '{NOW}');
"""


async def test_minutes_keep_their_content_and_take_a_voice(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_minutes_voice.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        kept = await store.minutes.get(1)
        assert kept is not None
        assert (kept.content, kept.host, kept.voice_file_id, kept.voice_seconds) == (
            "学习党章第一章",
            "彭国华",
            None,
            None,
        )
        at = datetime(2026, 3, 6, tzinfo=UTC)
        await store.minutes.save(1, "彭国华", "彭国华", "学习党章", [], 1, at, voice=("VOICE1", 42))
        again = await store.minutes.get(1)
        assert again is not None and (again.voice_file_id, again.voice_seconds) == ("VOICE1", 42)
    finally:
        await store.close()
