"""The register's 思想汇报 migration (`NNNN_development_reports.sql`, issue 24): a database at the version before it
keeps every record and step of the 发展党员 register, and a member's reports and their 已阅 marks, as they were; the
register's reports start empty and take a quarter's report with its 思想汇报 step; the steps have no 公示期."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from bot.store.development_reports import Saving
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"

SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部');
    INSERT INTO development (id, unit_id, name, birth, stage, stage_on, created_at, telegram_id) VALUES
        (1, 2, '李秀英', NULL, 'activist', '2025-01-10', '{NOW}', 5001);
    INSERT INTO development_steps (person_id, step, on_day, people, note, recorded_at) VALUES
        (1, 'apply', '2024-11-01', '', '', '{NOW}'),
        (1, 'talk', '2024-11-20', '', '', '{NOW}'),
        (1, 'activist', '2025-01-10', '张大山', '', '{NOW}');
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at) VALUES
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}'), (2, '梁立新', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO thought_reports (id, member_id, period, text, submitted_at) VALUES
        (1, 1, '2026-02', '认真学习，按时交党费，参加了组织生活会。', '{NOW}');
    INSERT INTO report_reads (report_id, reader_id, at) VALUES (1, 2, '{NOW}');
"""


async def test_the_register_and_the_members_reports_stay(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_development_reports.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        [person] = await store.development.in_units(None)
        assert [s.step for s in person.steps] == ["apply", "talk", "activist"] and person.telegram_id == 5001
        assert [r.text[:4] for r in await store.reports.all_thoughts()] == ["认真学习"]
        assert len(await store.reports.reads_of([1])) == 1
        assert await store.development.reports_of([person.id]) == []
        assert all(s.ends_on is None for s in person.steps)  # no 公示期 on the steps recorded before
        saving = Saving(person.id, "2026-Q1", "这个季度认真学习了党章和村规民约。", None, None, date(2026, 3, 2))
        at = datetime.fromisoformat("2026-03-02T02:00:00+00:00")
        assert (await store.development.save_report(saving, at))[1] is False
        again = await store.development.get(person.id)
        assert again is not None and [s.step for s in again.steps][-1] == "report"
    finally:
        await store.close()
