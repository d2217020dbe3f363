"""Restore checks what it restores (issue 30 item 7): a file whose `user_version` is 0, negative, or in range without
the schema of that version is refused cleanly, with a clear message and no traceback; the schema is compared with
the one this code's migrations make at that version (no extra trigger, view, table or index; nothing missing or
changed), whatever comments, quotes or spacing SQLite kept."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ops.restore import RestoreRefused, restore
from bot.store.db import migrations
from bot.store.ops_files import normalised_sql, schema_difference
from tests.support.migrations import build
from tests.support.restore import NOW, refused

LATEST = len(migrations())


def edit(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


async def reason(source: Path, database: Path, key: str) -> dict[str, object]:
    """Refused with `key`, nothing changed; the values the message names."""
    await refused(source, database, key)
    with pytest.raises(RestoreRefused) as caught:
        await restore(source, database, NOW)
    return caught.value.params


@pytest.mark.parametrize("version", [0, -3])
async def test_a_file_without_a_proper_version_is_refused(tmp_path: Path, current: Path, version: int) -> None:
    backup = tmp_path / "backup.sqlite3"
    build(backup, LATEST)
    edit(backup, f"PRAGMA user_version = {version}")
    assert (await reason(backup, current, "ops.restore_no_version"))["version"] == version


async def test_a_version_in_range_without_its_schema_is_refused(tmp_path: Path, current: Path) -> None:
    newer_schema = tmp_path / "relabelled.sqlite3"
    build(newer_schema, LATEST)
    edit(newer_schema, "PRAGMA user_version = 10")  # the newest schema, called version 10
    said = await reason(newer_schema, current, "ops.restore_schema")
    # the tables newer than version 10 are named, the first by name first (issue 26's appraisal_*, then care_cases)
    assert said["version"] == 10 and "table appraisal_ratings" in str(said["extra"])
    bare = tmp_path / "bare.sqlite3"
    edit(
        bare,
        "CREATE TABLE units (id INTEGER PRIMARY KEY)",
        "CREATE TABLE members (id INTEGER PRIMARY KEY)",
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY)",
        f"PRAGMA user_version = {LATEST}",
    )
    said = await reason(bare, current, "ops.restore_schema")
    assert said["changed"] == "table members, table outbox, table units"
    # the missing tables, first by name (issue 26's appraisal_* before backups), and many more
    assert str(said["missing"]).startswith("table appraisal_ratings, ") and "…" in str(said["missing"])


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        (
            "CREATE TRIGGER steal AFTER INSERT ON outbox BEGIN UPDATE outbox SET chat_id = 666 WHERE id = NEW.id; END",
            "extra",
        ),
        ("CREATE VIEW everyone AS SELECT name, phone FROM members", "extra"),
        ("CREATE TABLE notes (text TEXT)", "extra"),
        ("CREATE INDEX members_phone ON members (phone)", "extra"),
        ("DROP TRIGGER due_report_filed", "missing"),
    ],
)
async def test_a_schema_object_more_or_less_is_refused(
    tmp_path: Path, current: Path, statement: str, kind: str
) -> None:
    backup = tmp_path / "backup.sqlite3"
    build(backup, LATEST)
    edit(backup, statement)
    said = await reason(backup, current, "ops.restore_schema")
    assert str(said[kind]) != "-", said


async def test_a_trigger_with_another_body_is_refused(tmp_path: Path, current: Path) -> None:
    backup = tmp_path / "backup.sqlite3"
    build(backup, LATEST)
    edit(
        backup,
        "DROP TRIGGER due_report_filed",
        "CREATE TRIGGER due_report_filed AFTER INSERT ON thought_reports BEGIN DELETE FROM outbox; END",
    )
    said = await reason(backup, current, "ops.restore_schema")
    assert said["changed"] == "trigger due_report_filed" and said["extra"] == said["missing"] == "-"


@pytest.mark.slow  # waits out the sender's real pace (or builds every schema)
def test_every_version_the_migrations_make_passes_the_check(tmp_path: Path) -> None:
    for version in range(1, LATEST + 1):
        path = tmp_path / f"v{version}.sqlite3"
        build_schema(path, version)
        assert not schema_difference(path, version), version


def build_schema(path: Path, version: int) -> None:
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > version:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
    conn.close()


def test_comments_quotes_and_spacing_are_no_difference() -> None:
    written = "CREATE TABLE notices_new (  -- meetings\n  id INTEGER PRIMARY KEY, /* c */ kind TEXT DEFAULT 'a--b' )"
    renamed = "CREATE TABLE \"notices_new\"(id integer primary key,kind text default 'a--b')"
    assert normalised_sql(written) == normalised_sql(renamed)
    assert normalised_sql("x DEFAULT 'A'") != normalised_sql("x DEFAULT 'a'")  # a literal is kept as it is
    assert normalised_sql("WHEN x = 'it''s' -- c") == normalised_sql("when x='it''s'")


@pytest.mark.slow
async def test_the_restore_command_refuses_cleanly_without_a_traceback(tmp_path: Path, current: Path) -> None:
    backup = tmp_path / "backup.sqlite3"
    build(backup, LATEST)
    edit(backup, "PRAGMA user_version = 0")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "BACKUP", "LOG_"))}
    env.update({"DATABASE_PATH": str(current), "DEFAULT_LANGUAGE": "zh"})
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "restore", str(backup)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1 and "没有正常的数据结构版本号" in done.stderr and "Traceback" not in done.stderr
