"""Automatic backups (issue 16): which backups are kept, the checked private copy, the daily job run with a fake
clock (recorded, pruned, a failure told to the admins once a day)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.handlers.health import backup_job
from bot.ops.backup import backup_name, copy_database, taken_at, to_keep
from bot.runtime.context import ZhibuContext
from bot.store.ops import OpsRepo
from tests.support.db import open_store
from tests.support.harness import Harness

SH = ZoneInfo("Asia/Shanghai")
ADMIN = 7777


# ------------------------------------------------------------------------------------------- pure rules


def test_a_backup_name_says_when_it_was_taken_and_other_files_are_not_backups() -> None:
    moment = datetime(2026, 11, 30, 3, 0, 5)
    name = backup_name("zhibu", moment)
    assert name == "zhibu-20261130-030005.sqlite3"
    assert taken_at("zhibu", name) == moment
    for other in (
        "zhibu.sqlite3",
        "notes-20261130-030005.sqlite3",
        "zhibu-20261130-030005.sqlite3.part",
        "zhibu-20261399-030005.sqlite3",
        "zhibu-latest.sqlite3",
    ):
        assert taken_at("zhibu", other) is None


def daily(first: date, days: int, at: time = time(3, 0)) -> list[datetime]:
    return [datetime.combine(first + timedelta(days=i), at) for i in range(days)]


def test_the_last_keep_days_are_kept() -> None:
    taken = daily(date(2026, 11, 1), 30)
    kept = to_keep(taken, date(2026, 11, 30), keep=14)
    assert sorted(kept) == [datetime(2026, 11, 1, 3, 0), *daily(date(2026, 11, 17), 14)]  # + the month's first


def test_the_newest_of_a_day_counts_for_that_day() -> None:
    taken = [datetime(2026, 11, 29, 3, 0), datetime(2026, 11, 30, 3, 0), datetime(2026, 11, 30, 15, 0)]
    kept = to_keep(taken, date(2026, 11, 30), keep=1)
    assert kept == {datetime(2026, 11, 30, 15, 0), datetime(2026, 11, 29, 3, 0)}  # newest today, first of month
    assert datetime(2026, 11, 30, 3, 0) not in kept


def test_the_first_of_each_month_is_kept_for_a_year() -> None:
    taken = daily(date(2025, 1, 1), 700)  # up to 2026-12-01
    today = taken[-1].date()
    kept = to_keep(taken, today, keep=14)
    monthly = sorted(k for k in kept if k.date() < today - timedelta(days=13))
    assert [k.date() for k in monthly] == [date(2026, m, 1) for m in range(1, 12)]  # Dec 2025 is a year ago
    assert len(kept) == 14 + 11
    assert to_keep([], today, keep=14) == set()


def test_a_bot_that_was_down_still_keeps_its_last_keep_backups() -> None:
    taken = daily(date(2026, 1, 1), 20)
    kept = to_keep(taken, date(2026, 6, 30), keep=14)  # months later: the daily ones are still the last 14
    assert set(daily(date(2026, 1, 7), 14)) <= kept


# --------------------------------------------------------------------------------------------- the copy


async def test_the_copy_is_one_checked_file_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await store.db.conn.execute("INSERT INTO units (kind, name) VALUES ('committee', '社区党委')")
        size = copy_database(store.db.path, tmp_path / "copy.sqlite3")
    finally:
        await store.close()
    copy = tmp_path / "copy.sqlite3"
    assert size == copy.stat().st_size > 0
    assert copy.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "copy.sqlite3-wal").exists() and not (tmp_path / "copy.sqlite3.part").exists()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT name FROM units").fetchall() == [("社区党委",)]
    conn.close()


def test_a_copy_that_fails_leaves_no_file(tmp_path: Path) -> None:
    (tmp_path / "broken.sqlite3").write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(sqlite3.DatabaseError):
        copy_database(tmp_path / "broken.sqlite3", tmp_path / "copy.sqlite3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.sqlite3"]


# ---------------------------------------------------------------------------------------------- the job


def job_context(harness: Harness) -> ZhibuContext:
    return ZhibuContext(harness.app)


async def test_the_daily_job_is_scheduled_at_backup_time_local(harness_factory: Any, tmp_path: Path) -> None:
    harness: Harness = await harness_factory(backup_time="03:00", timezone="Asia/Shanghai")
    assert harness.app.job_queue is not None
    jobs = harness.app.job_queue.get_jobs_by_name("backup")
    assert len(jobs) == 1
    next_run = jobs[0].next_t
    assert next_run is not None
    local = next_run.astimezone(SH)
    assert (local.hour, local.minute) == (3, 0)
    assert harness.settings.backups == tmp_path / "backups"  # next to the database by default


async def test_no_job_when_backups_are_off(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(backup_time="off")
    assert harness.app.job_queue is not None
    assert not harness.app.job_queue.get_jobs_by_name("backup")


async def test_the_job_takes_records_and_prunes_backups_day_after_day(harness_factory: Any, tmp_path: Path) -> None:
    harness: Harness = await harness_factory(backup_keep=3)
    folder = tmp_path / "backups"
    (folder).mkdir(mode=0o755)
    (folder / "notes.txt").write_text("not a backup")
    first = datetime(2026, 10, 28, 3, 0, tzinfo=SH)
    for day in range(6):  # 10-28 … 11-02
        harness.at(first + timedelta(days=day))
        outcome = await backup_job(job_context(harness))
        assert outcome is not None and outcome.record.ok
    names = sorted(p.name for p in folder.iterdir())
    # the last 3 days, the first of November and the first of October (within a year); other files untouched
    assert names == [
        "notes.txt",
        "zhibu-20261028-030000.sqlite3",
        "zhibu-20261031-030000.sqlite3",
        "zhibu-20261101-030000.sqlite3",
        "zhibu-20261102-030000.sqlite3",
    ]
    assert folder.stat().st_mode & 0o777 == 0o755  # an existing folder is used as it is (issue 30 item 5)
    for path in folder.glob("zhibu-*.sqlite3"):
        assert path.stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM members").fetchone()[0] > 0
        conn.close()
    last = await OpsRepo(harness.store.db).last_backup()
    assert last is not None and last.ok and last.file == "zhibu-20261102-030000.sqlite3"
    assert last.started_at == first + timedelta(days=5)
    assert last.bytes == (folder / last.file).stat().st_size


async def test_a_failed_backup_is_recorded_and_told_to_the_admins_once_a_day(
    harness_factory: Any,
    tmp_path: Path,
) -> None:
    (tmp_path / "in-the-way").write_text("a file where the backup folder should be")
    harness: Harness = await harness_factory(backup_dir=str(tmp_path / "in-the-way" / "backups"), admin_ids=str(ADMIN))
    admin = harness.user(ADMIN)
    admin.started = True
    harness.at(datetime(2026, 11, 30, 3, 0, tzinfo=SH))
    outcome = await backup_job(job_context(harness))
    assert outcome is not None and not outcome.record.ok and outcome.queued == 1
    message = await admin.expect("备份没有成功")
    assert "11月30日（周一）凌晨3:00" in message.text and "NotADirectoryError" in message.text
    harness.at(datetime(2026, 11, 30, 3, 5, tzinfo=SH))  # tried again the same day: recorded, not told again
    again = await backup_job(job_context(harness))
    assert again is not None and not again.record.ok and again.queued == 0
    await harness.settle()
    await harness.nothing_more(admin)
    last = await OpsRepo(harness.store.db).last_backup()
    assert last is not None and not last.ok and last.error and "NotADirectoryError" in last.error
    harness.at(datetime(2026, 12, 1, 3, 0, tzinfo=SH))  # the next day it is told again
    assert (await backup_job(job_context(harness))) is not None
    await admin.expect("备份没有成功")
    await harness.settle()


@pytest.mark.slow
async def test_the_backup_command_writes_into_backup_dir_or_the_file_named(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    await store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "BACKUP", "LOG_"))}
    env.update({"DATABASE_PATH": str(tmp_path / "zhibu.sqlite3"), "BACKUP_DIR": str(tmp_path / "daily")})
    into_dir = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot", "backup"], capture_output=True, text=True, env=env, timeout=60
    )
    assert into_dir.returncode == 0, into_dir.stderr
    made = list((tmp_path / "daily").iterdir())
    assert len(made) == 1 and taken_at("zhibu", made[0].name) is not None
    assert made[0].stat().st_mode & 0o777 == 0o600 and (tmp_path / "daily").stat().st_mode & 0o777 == 0o700
    named = tmp_path / "usb" / "2026" / "copy.sqlite3"
    by_hand = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "backup", str(named)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert by_hand.returncode == 0 and "ok" in by_hand.stdout and named.stat().st_mode & 0o777 == 0o600
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        last = await OpsRepo(store.db).last_backup()
        assert last is not None and last.ok and last.file == "copy.sqlite3"
    finally:
        await store.close()
