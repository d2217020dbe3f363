"""Databases of earlier versions for the migration tests: built with the migrations up to a number, dumped and
compared by the columns the old version had."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from bot.store.db import migrations

NOW = "2026-01-05T08:00:00+00:00"
TABLES = (
    "units",
    "members",
    "member_roles",
    "member_posts",
    "invites",
    "outbox",
    "notices",
    "notice_members",
    "rsvps",
    "duty_logs",
    "thought_reports",
    "status_reports",
    "contacts",
)


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables that were there before, with the columns they had."""
    with sqlite3.connect(path) as conn:
        out = {}
        for table in TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            out[table] = [tuple(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")]
        return out


def project(path: Path, like: dict[str, list[tuple[object, ...]]], before: Path) -> dict[str, list[tuple[object, ...]]]:
    """The rows of `path` limited to the columns the old database had."""
    with sqlite3.connect(before) as old, sqlite3.connect(path) as new:
        out = {}
        for table in like:
            columns = [r[1] for r in old.execute(f"PRAGMA table_info({table})")]
            out[table] = [tuple(r) for r in new.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")]
        return out


def ops_number() -> int:
    """The number of this capability's migration, looked up by name (it is renumbered at merge)."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_ops.sql")]
    assert len(names) == 1
    return int(names[0][:4])


def build(path: Path, version: int, name: str = "白庙村党支部") -> None:
    """A database at `version` with a unit, a member and an outbox row."""
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > version:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'branch', '{name}');
            INSERT INTO members (id, name, unit_id, category, telegram_id, linked_at, created_at, updated_at)
                VALUES (1, '彭国华', 1, 'resident', 1001, '2026-01-05T08:00:00+00:00', '2026-01-05T08:00:00+00:00',
                        '2026-01-05T08:00:00+00:00');
            INSERT INTO outbox (key, kind, member_id, chat_id, text, created_at, status)
                VALUES ('k1', 'reminder', 1, 1001, '提醒', '2026-01-05T08:00:00+00:00', 'sent');
        """)
    conn.close()


def number_of(suffix: str) -> int:
    """The number of the migration whose file name ends with `suffix` (`_resolutions.sql`), whatever it is
    renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith(suffix)]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path, number: int, seed: str) -> None:
    """A database migrated up to the version before migration `number`, with `seed` (SQL) written into it."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for version, sql in migrations():
            if version >= number:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        conn.executescript(seed)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == number - 1
    conn.close()
