"""The registers migration (`NNNN_registers.sql`, issues 24 and 25): a database at the version before it keeps every
record and step of the 发展党员 register as it was, with no Telegram id and no meeting named (both can be written
after), and every dues rule and payment; each member with a rule gets the arrears chain, looked at by the next
sweep."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from bot.store.db import migrations
from bot.store.due import ASAP
from tests.support.migrations import build_before, number_of

NOW = "2026-03-01T02:00:00+00:00"

SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
        (2, 1, 'branch', '白庙村党支部');
    INSERT INTO development (id, unit_id, name, birth, stage, stage_on, created_at) VALUES
        (1, 2, '王小明', '2001-05-16', 'applicant', '2026-02-01', '{NOW}'),
        (2, 2, '李秀英', NULL, 'activist', '2025-01-10', '{NOW}');
    INSERT INTO development_steps (person_id, step, on_day, people, note, recorded_at) VALUES
        (1, 'apply', '2026-02-01', '', '', '{NOW}'),
        (2, 'apply', '2024-11-01', '', '', '{NOW}'),
        (2, 'talk', '2024-11-20', '', '', '{NOW}'),
        (2, 'activist', '2025-01-10', '张大山', '', '{NOW}');
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at) VALUES
        (1, '彭国华', 2, 'resident', '{NOW}', '{NOW}'), (2, '梁立新', 2, 'resident', '{NOW}', '{NOW}');
    INSERT INTO dues_rules (member_id, year, category, base, rate, amount, set_at) VALUES
        (1, 2025, 'employed', 450000, 100, 4500, '{NOW}'), (1, 2026, 'employed', 450000, 100, 4500, '{NOW}');
    INSERT INTO dues_payments (member_id, first_month, last_month, amount, means, paid_on, recorded_at) VALUES
        (1, '2026-01', '2026-02', 9000, 'cash', '2026-02-10', '{NOW}');
"""


async def test_records_and_steps_stay_as_they_were(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path, number_of("_registers.sql"), SEED)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations())
        people = {p.name: p for p in await store.development.in_units(None)}
        assert [s.step for s in people["李秀英"].steps] == ["apply", "talk", "activist"]
        assert people["李秀英"].steps[-1].people == "张大山" and people["王小明"].stage == "applicant"
        row = await store.db.fetchone("SELECT count(*) FROM development WHERE telegram_id IS NULL")
        assert row is not None and row[0] == 2
        row = await store.db.fetchone("SELECT count(*) FROM development_steps WHERE notice_id IS NULL")
        assert row is not None and row[0] == 4
        async with store.db.transaction() as conn:
            await conn.execute("UPDATE development SET telegram_id = 5001 WHERE id = 1")
        row = await store.db.fetchone("SELECT name FROM development WHERE telegram_id = 5001")
        assert row is not None and row[0] == "王小明"
        # 党费: the rules and payments stay; the member with a rule has an arrears chain, looked at now
        row = await store.db.fetchone("SELECT count(*), sum(amount) FROM dues_payments")
        assert row is not None and (row[0], row[1]) == (1, 9000)
        rows = await store.db.fetchall("SELECT subject, due_at FROM due WHERE kind = 'dues'")
        assert [(r[0], r[1]) for r in rows] == [(1, ASAP)]
    finally:
        await store.close()
