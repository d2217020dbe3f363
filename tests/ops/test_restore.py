"""A checked restore (issue 16): refused while the bot runs, for a damaged file, a newer schema or a file that is not
ours — changing nothing; otherwise the current database is kept aside, migrations are applied, and the log of sent
messages keeps what was sent after the backup from being sent again."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.emulator import BotApiEmulator
from bot.ops.lock import hold
from bot.ops.restore import restore
from bot.store.db import migrations
from tests.support.db import open_store
from tests.support.faults import BotProcess, registered_community
from tests.support.migrations import build, ops_number
from tests.support.restore import NOW, digest, refused

SH = ZoneInfo("Asia/Shanghai")


def unit_name(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        name = str(conn.execute("SELECT name FROM units WHERE id = 1").fetchone()[0])
    conn.close()
    return name


async def test_a_damaged_file_is_refused(tmp_path: Path, current: Path) -> None:
    (tmp_path / "bad.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    await refused(tmp_path / "bad.sqlite3", current, "ops.restore_corrupt")
    good = tmp_path / "cut.sqlite3"
    build(good, len(migrations()))
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 2])  # a copy cut short
    await refused(good, current, "ops.restore_corrupt")


async def test_a_newer_schema_is_refused(tmp_path: Path, current: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    build(newer, len(migrations()))
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {len(migrations()) + 1}")
    conn.close()
    await refused(newer, current, "ops.restore_newer")


async def test_a_file_that_is_not_ours_or_missing_is_refused(tmp_path: Path, current: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    await refused(other, current, "ops.restore_not_ours")
    await refused(tmp_path / "nowhere.sqlite3", current, "ops.restore_missing")
    await refused(current, current, "ops.restore_same")


async def test_refused_while_the_database_is_held(tmp_path: Path, current: Path) -> None:
    backup = tmp_path / "backup.sqlite3"
    build(backup, len(migrations()))
    with hold(current):
        await refused(backup, current, "ops.restore_running")


async def test_an_older_backup_is_migrated_and_the_current_database_kept_aside(tmp_path: Path, current: Path) -> None:
    backup = tmp_path / "old.sqlite3"
    build(backup, ops_number() - 1, name="备份里的支部")
    kept = digest(current)
    outcome = await restore(backup, current, NOW)
    assert (outcome.version_from, outcome.version_to) == (ops_number() - 1, len(migrations()))
    assert unit_name(current) == "备份里的支部"
    assert current.stat().st_mode & 0o777 == 0o600
    assert outcome.aside == tmp_path / "zhibu.sqlite3-before-restore-20261130-100000"
    assert digest(outcome.aside) == kept and unit_name(outcome.aside) == "现在的支部"
    assert outcome.reconciled.log_read
    store = await open_store(current)  # the bot opens it as it is: nothing left to migrate
    try:
        assert await store.db.schema_version() == len(migrations())
        assert len(await store.members.all()) == 1
    finally:
        await store.close()
    assert not list(tmp_path.glob("*.restoring*"))


@pytest.mark.http
@pytest.mark.slow
async def test_the_cli_refuses_while_the_bot_runs_and_restores_once_it_is_stopped(
    tmp_path: Path,
    emulator: BotApiEmulator,
) -> None:
    database = tmp_path / "zhibu.sqlite3"
    await registered_community(database, emulator, 3)
    backup = tmp_path / "backup.sqlite3"
    bot = BotProcess(database, emulator)
    env = {**bot.env}
    await bot.start()
    try:
        made = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "backup", str(backup)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert made.returncode == 0, made.stderr
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "restore", str(backup)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 1 and "正在使用" in result.stderr
        assert not list(tmp_path.glob("*before-restore*"))
        second = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot", "run"], capture_output=True, text=True, env=env, timeout=60
        )
        assert second.returncode == 1 and "另一个进程" in second.stderr  # no second bot on one database
    finally:
        await bot.stop()
    assert bot.process is not None and bot.process.returncode == 0
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "restore", str(backup)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "恢复完成" in result.stdout and "另存为" in result.stdout
    assert len(list(tmp_path.glob("zhibu.sqlite3-before-restore-*"))) == 1


def add_rows(path: Path, rows: list[tuple[str, str, str | None, int | None, int, str]]) -> None:
    """(key, kind, ref, member_id, chat_id, status) outbox rows."""
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO outbox (key, kind, ref, member_id, chat_id, text, status, message_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, '…', ?, 7, '2026-11-30T01:00:00+00:00')",
            rows,
        )
    conn.close()


def statuses(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        found = {str(k): str(s) for k, s in conn.execute("SELECT key, status FROM outbox")}
    conn.close()
    return found


async def test_the_log_records_only_what_the_sweep_would_decide_again_about_things_in_the_backup(
    tmp_path: Path,
    current: Path,
) -> None:
    backup = tmp_path / "backup.sqlite3"
    build(backup, len(migrations()))
    notice = (
        "INSERT INTO notices (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, "
        "creator_lang, created_at) VALUES ({id}, 'general', 1, '2026-12-01T11:00:00+00:00', '村委会', '学习', "
        "1, 1001, 'zh', '2026-11-29T01:00:00+00:00')"
    )
    for path, ids in ((backup, (1,)), (current, (1, 2))):  # notice 2 was made after the backup
        with sqlite3.connect(path) as conn:
            for number in ids:
                conn.execute(notice.format(id=number))
        conn.close()
    add_rows(
        backup,
        [
            ("notice:1:1", "notice", "notice:1", 1, 1001, "pending"),
            ("notice:1:group", "notice", "notice:1", None, -100, "sending"),
        ],
    )
    add_rows(
        current,
        [
            ("notice:1:1", "notice", "notice:1", 1, 1001, "sent"),  # went out after the backup
            ("notice:1:group", "notice", "notice:1", None, -100, "uncertain"),
            ("meeting:24h:1:1", "reminder", "meeting:1", 1, 1001, "sent"),  # decided after it, about notice 1
            ("notice:1:summary", "summary", "notice-summary:1", 1, 1001, "sent"),
            ("report:first:1:2026-11", "reminder", "report:2026-11", 1, 1001, "sent"),
            ("meeting:24h:2:1", "reminder", "meeting:2", 1, 1001, "sent"),  # about notice 2: id given out again
            ("notice:2:1", "notice", "notice:2", 1, 1001, "sent"),  # the notice itself is gone with the restore
            ("report:first:9:2026-11", "reminder", "report:2026-11", None, 1009, "pending"),  # never went
        ],
    )
    outcome = await restore(backup, current, NOW)
    assert (outcome.reconciled.settled, outcome.reconciled.recorded, outcome.pending) == (2, 3, 0)
    assert statuses(current) == {
        "k1": "sent",
        "notice:1:1": "sent",
        "notice:1:group": "uncertain",
        "meeting:24h:1:1": "sent",
        "notice:1:summary": "sent",
        "report:first:1:2026-11": "sent",
    }


async def test_a_hand_made_copy_of_a_database_in_wal_mode_comes_with_its_wal(tmp_path: Path, current: Path) -> None:
    live = tmp_path / "live" / "zhibu.sqlite3"
    live.parent.mkdir()
    build(live, len(migrations()))
    writer = sqlite3.connect(live, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("PRAGMA wal_autocheckpoint = 0")  # the commit below stays in the -wal
        writer.execute("UPDATE units SET name = '只在WAL里的名字' WHERE id = 1")
        raw = tmp_path / "raw"
        raw.mkdir()
        for suffix in ("", "-wal"):  # `cp zhibu.sqlite3* raw/` while it ran, without the -shm
            Path(f"{raw / 'zhibu.sqlite3'}{suffix}").write_bytes(Path(f"{live}{suffix}").read_bytes())
    finally:
        writer.close()
    assert Path(f"{raw / 'zhibu.sqlite3'}-wal").stat().st_size > 0
    await restore(raw / "zhibu.sqlite3", current, NOW)
    assert unit_name(current) == "只在WAL里的名字"


async def test_conversations_in_progress_at_the_backups_time_are_not_brought_back(
    tmp_path: Path,
    current: Path,
) -> None:
    backup = tmp_path / "backup.sqlite3"
    build(backup, len(migrations()))
    with sqlite3.connect(backup) as conn:
        conn.execute(
            "INSERT INTO conversation_states (name, key, state, updated_at) "
            "VALUES ('notice', '[1001, 1001]', '2', '2026-11-30T01:00:00+00:00')"
        )
        conn.execute(
            "INSERT INTO conversation_user_data (user_id, data, updated_at) "
            "VALUES (1001, '{\"notice_draft\": {}}', '2026-11-30T01:00:00+00:00')"
        )
    conn.close()
    await restore(backup, current, NOW)
    with sqlite3.connect(current) as conn:
        left = [
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("conversation_states", "conversation_user_data")
        ]
    conn.close()
    assert left == [0, 0]
    assert unit_name(current) == "白庙村党支部"  # the rest came back
