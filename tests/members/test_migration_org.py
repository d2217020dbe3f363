"""The organisation migration (`NNNN_organisation.sql`, issue 12): a database at the version before it, with
data, upgrades without losing anything; every member comes out a full member whose relation is here (so
who votes does not change by upgrading), with no offices; every unit keeps its kind; a roster with the new
columns then imports onto it."""

from __future__ import annotations

import sqlite3
from datetime import date
from importlib import resources
from pathlib import Path

from bot.services.members.roster import apply_roster
from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import NOW, dump, project
from tests.support.roster import rows_of


def organisation_number() -> int:
    """The number of the organisation migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_organisation.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> int:
    """A database at the version before the organisation migration, with a little of everything."""
    before = organisation_number() - 1
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部'), (3, 2, 'group', '1号楼党小组'), (4, 1, 'group', '社区机关党小组');
            INSERT INTO members (id, name, unit_id, group_id, category, report_cadence, migrant_since,
                telegram_id, linked_at, language, created_at, updated_at)
                VALUES (1, '彭国华', 2, 3, 'resident', NULL, NULL, 1001, '{NOW}', 'zh', '{NOW}', '{NOW}'),
                       (2, '梁立新', 2, 3, 'migrant', 'monthly', '2025-08-01', 1002, NULL, NULL, '{NOW}', '{NOW}'),
                       (3, '江建军', 1, 4, 'incoming', NULL, NULL, NULL, NULL, NULL, '{NOW}', '{NOW}');
            UPDATE members SET liaison_id = 1 WHERE id = 2;
            UPDATE members SET active = 0, deactivated_at = '{NOW}' WHERE id = 3;
            INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary'), (1, 'liaison'), (1, 'admin');
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
            INSERT INTO contacts (member_id, liaison_id, note, at) VALUES (2, 1, '电话联系', '{NOW}');
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    return before


async def test_the_database_before_upgrades_without_losing_anything(tmp_path: Path) -> None:
    path, copy = tmp_path / "before.sqlite3", tmp_path / "copy.sqlite3"
    before_version = build_before(path)
    with sqlite3.connect(path) as conn, sqlite3.connect(copy) as dest:
        conn.backup(dest)
    rows_before = dump(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations()) > before_version
        peng, liang, jiang = [await store.members.get(i) for i in (1, 2, 3)]
        assert peng is not None and liang is not None and jiang is not None
        assert peng.roles == {"secretary", "liaison", "admin"} and peng.is_committee and peng.votes
        for member in (peng, liang, jiang):
            assert (member.membership, member.relation, member.joined, member.confirmed) == ("full", "here", None, None)
            assert (member.note, member.duty, member.activity_group_id) == (None, None, None)
            assert member.votes
        assert liang.posts == {"patrol"} and liang.liaison_id == 1 and str(liang.migrant_since) == "2025-08-01"
        assert not jiang.active
        assert [u.kind for u in await store.units.all()] == ["committee", "branch", "group", "group"]
        assert [m.name for m in await store.members.with_role("admin")] == ["彭国华"]
        assert [m.name for m in await store.members.in_units({2})] == ["彭国华", "梁立新"]
    finally:
        await store.close()
    assert project(path, rows_before, copy) == rows_before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM member_offices").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_a_roster_with_the_new_columns_imports_onto_the_upgraded_database(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path)
    store = await Store.open(path)
    try:
        text = (
            "姓名,支部,党小组,职务,岗位,党员类别,入党时间,转正时间,活动小组\n"
            "彭国华,白庙村党支部,1号楼党小组,书记;联系人;管理员,,正式党员,2000-06-20,2001-06-20,幸福家园3号楼党小组\n"
            "梁立新,白庙村党支部,1号楼党小组,党小组长,治安巡逻岗,正式党员,2010-01-01,,\n"
            "新党员,白庙村党支部,1号楼党小组,,,预备党员,2026-05-01,,幸福家园3号楼党小组\n"
        )
        summary = await apply_roster(store, rows_of(text), "白庙社区党委")
        assert (summary.created, summary.updated, summary.units_created) == (1, 2, 1)
        by_name = {m.name: m for m in await store.members.all()}
        assert by_name["彭国华"].confirmed == date(2001, 6, 20) and by_name["彭国华"].telegram_id == 1001
        assert by_name["梁立新"].roles == {"group_leader"} and by_name["梁立新"].posts == {"patrol"}
        assert by_name["新党员"].membership == "probationary" and not by_name["新党员"].votes
        assert await store.db.fetchall("SELECT count(*) FROM thought_reports") != [(0,)]
    finally:
        await store.close()
