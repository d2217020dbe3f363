"""The register's language migration (`NNNN_development_language.sql`, issue 24): a database at the version before
it keeps every record of the 发展党员 register with its steps; the records have no language until /lang."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"

SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部');
    INSERT INTO development (id, unit_id, name, birth, stage, stage_on, created_at, telegram_id) VALUES
        (1, 2, '李秀英', NULL, 'activist', '2025-01-10', '{NOW}', 5001),
        (2, 2, '王小明', NULL, 'applicant', '2025-02-10', '{NOW}', NULL);
    INSERT INTO development_steps (person_id, step, on_day, people, note, recorded_at) VALUES
        (1, 'apply', '2024-11-01', '', '', '{NOW}'),
        (1, 'activist', '2025-01-10', '张大山', '', '{NOW}');
"""


async def test_the_register_stays_and_takes_a_language(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_development_language.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        people = await store.development.in_units(None)
        assert [(p.name, p.telegram_id, p.language) for p in people] == [("李秀英", 5001, None), ("王小明", None, None)]
        assert [s.step for s in people[0].steps] == ["apply", "activist"]
        await store.development.set_language(5001, "en")
        person = await store.development.get(1)
        assert person is not None and person.language == "en"
    finally:
        await store.close()
