"""The branch's year migration (`NNNN_branch_year.sql`): a database of the version before it, with talks,
materials and 自评 in it, upgrades without losing a row — a talk logged before is 面谈, nothing was a file —
and the new tables of the minutes take rows; a 组织生活会 whose minutes were saved before keeps counting as held
without a 民主评议 line (the rule is new), one without minutes does not get that pass."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store
from bot.store.appraisal_year import Criticism, LifeAppraisal
from tests.support.migrations import build_before, number_of

NOW = "2026-05-04T02:00:00+00:00"
SEED = f"""
    INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'branch', '白庙村党支部');
    INSERT INTO members (id, name, unit_id, category, created_at, updated_at)
        VALUES (1, '彭国华', 1, 'resident', '{NOW}', '{NOW}'), (2, '梁立新', 1, 'resident', '{NOW}', '{NOW}');
    INSERT INTO talks (unit_id, a_id, b_id, held_on, topic, note, logged_by, logged_at)
        VALUES (1, 1, 2, '2026-05-03', '修路', '私密', 1, '{NOW}');
    INSERT INTO rectify_rounds (unit_id, year, deadline, set_at) VALUES (1, 2026, '2026-06-30', '{NOW}');
    INSERT INTO rectify_materials (unit_id, year, member_id, text, at) VALUES (1, 2026, 2, '学习不够', '{NOW}');
    INSERT INTO appraisals (id, unit_id, year, starts_on, ends_on, opened_at)
        VALUES (1, 1, 2026, '2026-05-01', '2026-05-20', '{NOW}');
    INSERT INTO appraisal_selfs (appraisal_id, member_id, text, at) VALUES (1, 2, '按时参加', '{NOW}');
    INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang,
        created_at) VALUES (1, 'life', 1, '{NOW}', '村委会', '组织生活会', 1, 1001, 'zh', '{NOW}'),
        (2, 'life', 1, '{NOW}', '村委会', '没写记录的组织生活会', 1, 1001, 'zh', '{NOW}');
    INSERT INTO minutes (notice_id, content, saved_at) VALUES (1, '开展了批评和自我批评', '{NOW}');
"""


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            "talks": conn.execute("SELECT a_id, b_id, held_on, topic, note FROM talks").fetchall(),
            "materials": conn.execute("SELECT member_id, text FROM rectify_materials").fetchall(),
            "selfs": conn.execute("SELECT member_id, text FROM appraisal_selfs").fetchall(),
        }


async def test_the_year_upgrades_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    number = number_of("_branch_year.sql")
    build_before(path, number, SEED)
    before = rows(path)
    store = await Store.open(path)
    try:
        assert rows(path) == before
        exempt = await store.db.fetchall("SELECT notice_id FROM minute_appraisal_exempt")
        assert [r[0] for r in exempt] == [1]
        talks = await store.appraisal.talks(1, 2026)
        assert [t.form for t in talks] == ["face"]
        assert await store.year.material_files(1, 2026) == []
        now = datetime(2026, 5, 5, 2, tzinfo=UTC)
        await store.year.material_file((1, 2026, 1), "voice", "EMUvoice1", now)
        assert [f.file_id for f in await store.year.material_files(1, 2026)] == ["EMUvoice1"]
        await store.year.criticise(1, Criticism(2, "梁立新", "学习不够", "巡逻少"), 1, now)
        await store.year.set_life_appraisal(1, LifeAppraisal(False, "民主评议在12月党员大会上进行"), 1, now)
        assert [c.received for c in await store.year.criticism(1)] == ["巡逻少"]
        assert await store.year.life_appraisal(1) == LifeAppraisal(False, "民主评议在12月党员大会上进行")
        await store.year.add_opinion((1, 2026), "通知太晚", 1, now)
        assert await store.year.opinions(1, 2026) == ["通知太晚"]
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= number
        # not held and no reason: refused by the table itself
        try:
            conn.execute("INSERT INTO minute_appraisal (notice_id, held, reason, at) VALUES (2, 0, ' ', 'x')")
        except sqlite3.IntegrityError:
            pass
        else:
            raise AssertionError("a 民主评议 not held needs its reason")
