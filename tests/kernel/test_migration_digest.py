"""The digest migration (`NNNN_digest.sql`, issue 12 §8): a database at the version before it, with data,
upgrades without losing anything; escalations owed then go into the first digest, and one sent alone before
the upgrade is not gathered again."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services import registry as core
from bot.store import Store
from bot.store.db import migrations
from tests.support.migrations import NOW, dump, project


def digest_number() -> int:
    """The number of the digest migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_digest.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> int:
    """A database at the version before the digest migration: a branch, its secretary (also the liaison,
    linked), a mobile member owing reports since 2025, and an escalation sent alone for an earlier period."""
    before = digest_number() - 1
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部'), (3, 2, 'group', '1号楼党小组');
            INSERT INTO members (id, name, unit_id, group_id, category, report_cadence, migrant_since,
                telegram_id, linked_at, language, created_at, updated_at)
                VALUES (1, '彭国华', 2, 3, 'resident', NULL, NULL, 1001, '{NOW}', 'zh', '{NOW}', '{NOW}'),
                       (2, '梁立新', 2, 3, 'migrant', 'monthly', '2025-08-01', 1002, NULL, NULL, '{NOW}', '{NOW}');
            UPDATE members SET liaison_id = 1 WHERE id = 2;
            INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary'), (1, 'liaison');
            INSERT INTO outbox (key, kind, ref, member_id, chat_id, text, status, created_at)
                VALUES ('report:escalate:1:2:2026-09', 'alert', 'report:2026-09', 1, 1001, '逾期', 'sent', '{NOW}');
            INSERT INTO thought_reports (member_id, period, text, submitted_at)
                VALUES (2, '2025-12', '汇报', '{NOW}');
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    return before


async def test_the_database_before_upgrades_and_its_escalations_go_into_the_digest(tmp_path: Path) -> None:
    path, copy = tmp_path / "before.sqlite3", tmp_path / "copy.sqlite3"
    before_version = build_before(path)
    with sqlite3.connect(path) as conn, sqlite3.connect(copy) as dest:
        conn.backup(dest)
    rows_before = dump(path)
    settings = Settings(_env_file=None, bot_token="1:x", quiet_hours="21:00-08:00")  # type: ignore[call-arg]
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() == len(migrations()) > before_version
        assert await store.digest.waiting() == []
        await core.sweep(store, settings, datetime(2026, 11, 27, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
        digests = [r for r in await store.outbox.by_ref("digest")]
        assert [(d.key, d.chat_id) for d in digests] == [("digest:1:2026-11-27", 1001)]
        carried = await store.digest.carried_by("digest:1:2026-11-27")
        assert "report:escalate:1:2:2026-10" in carried and "report:escalate:1:2:2026-09" not in carried
        assert any(k.startswith("contact:stale:1:2:") for k in carried)
        assert "梁立新" in digests[0].text
    finally:
        await store.close()
    after = project(path, rows_before, copy)
    assert after["outbox"][: len(rows_before["outbox"])] == rows_before["outbox"]  # the digest came after them
    assert {t: rows for t, rows in after.items() if t != "outbox"} == {
        t: rows for t, rows in rows_before.items() if t != "outbox"
    }
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
