"""The mobile-members migration (`NNNN_mobile.sql`, issue 12): a database at the version before it, with status
and thought reports, upgrades without losing a row or an id; the two new states can be stored, a voice
report and a 已阅 mark too, and an unknown state is still refused."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.db import migrations

NOW = "2026-01-05T08:00:00+00:00"


def mobile_number() -> int:
    """The number of this migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_mobile.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> None:
    before = mobile_number() - 1
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部');
            INSERT INTO members (id, name, unit_id, category, report_cadence, migrant_since, telegram_id,
                linked_at, created_at, updated_at)
                VALUES (1, '彭国华', 2, 'resident', NULL, NULL, 1001, '{NOW}', '{NOW}', '{NOW}'),
                       (2, '梁立新', 2, 'migrant', 'monthly', '2025-08-01', 1002, '{NOW}', '{NOW}', '{NOW}');
            INSERT INTO status_reports (id, member_id, state, location, note, at)
                VALUES (5, 2, 'away_work', '广东东莞', '电子厂', '{NOW}'), (9, 1, 'ill', NULL, NULL, '{NOW}');
            INSERT INTO thought_reports (id, member_id, period, text, submitted_at)
                VALUES (3, 2, '2025-12', '本月在外务工期间认真学习', '{NOW}');
        """)


async def test_an_old_database_upgrades_and_keeps_every_report(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    build_before(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        status = await store.reports.all_status()
        assert [(s.id, s.member_id, s.state, s.location, s.note) for s in status] == [
            (5, 2, "away_work", "广东东莞", "电子厂"),
            (9, 1, "ill", None, None),
        ]
        assert (await store.reports.latest_status([2]))[2].id == 5
        report = await store.reports.thought_by_id(3)
        assert report is not None and report.text == "本月在外务工期间认真学习" and report.voice is None
        at = datetime(2026, 1, 6, tzinfo=UTC)
        new = await store.reports.add_status(2, "with_children", "深圳", None, at)
        await store.reports.add_status(1, "medical", "县医院", None, at)
        assert (await store.reports.latest_status([2]))[2].id == new > 9
        await store.reports.mark_read(3, 1, "写得很实在", at)
        assert [(r.reader_id, r.comment) for r in await store.reports.reads_of([3])] == [(1, "写得很实在")]
        with pytest.raises(sqlite3.IntegrityError):
            async with store.db.transaction() as conn:
                await conn.execute("INSERT INTO status_reports (member_id, state, at) VALUES (1, 'evil', ?)", (NOW,))
    finally:
        await store.close()
