"""Health (issue 16, item 4): `/health` for admins only, the recorded sweep, and `python -m bot health`'s exit codes
for a monitoring cron."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.emulator import EmuGroup
from bot.handlers.health import backup_job, recorded
from bot.ops.health import sweep_late
from bot.runtime.context import ZhibuContext
from bot.store.ops import BackupRecord, OpsRepo, SweepRecord
from tests.support.db import open_store
from tests.support.harness import SECRETARY, SMALL_ROSTER, STRANGER, Harness, load_roster

SH = ZoneInfo("Asia/Shanghai")
ADMIN = 7777


async def test_an_admin_sees_the_health_report(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(admin_ids=str(ADMIN))
    admin = harness.user(ADMIN)
    await admin.send("/health")
    report = (await admin.expect("运行状况")).text
    for part in (
        "版本：",
        "已连续运行：",
        "数据库大小：",
        "最近备份：还没有备份过",
        "待发消息：0 条",
        "定时提醒检查：还没有运行过",
        "党员绑定：已绑定",
        "总体：正常",
    ):
        assert part in report, part
    linked, unlinked = await harness.store.db.fetchone(
        "SELECT count(*) FILTER (WHERE linked_at IS NOT NULL AND telegram_id IS NOT NULL), "
        "count(*) FILTER (WHERE linked_at IS NULL OR telegram_id IS NULL) FROM members WHERE active"
    ) or (0, 0)
    assert f"已绑定 {linked} 人，未绑定 {unlinked} 人" in report

    harness.at(datetime(2026, 11, 30, 3, 0, tzinfo=SH))
    assert (await backup_job(ZhibuContext(harness.app))) is not None

    async def sweep(context: ZhibuContext) -> None:
        """A stand-in sweep with nothing to do: only its run is recorded."""

    harness.at(datetime.now(UTC))
    await recorded(sweep)(ZhibuContext(harness.app))
    await admin.send("/health")
    report = (await admin.expect("运行状况")).text
    assert "最近备份：11月30日（周一）凌晨3:00 ✅ zhibu-20261130-030000.sqlite3" in report
    assert "定时提醒检查：最近一次" in report and "毫秒" in report
    await harness.nothing_more(admin)


async def test_anyone_else_is_refused_and_told_nothing(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(admin_ids=str(ADMIN))
    secretary = harness.user(SECRETARY)
    await secretary.send("/health")
    refusal = (await secretary.expect("/health 只有管理员可以使用")).text
    assert "运行状况" not in refusal and "数据库" not in refusal
    await harness.nothing_more(secretary)
    stranger = harness.user(STRANGER)
    await stranger.send("/health")
    welcome = (await stranger.expect("还没有登记")).text
    assert "运行状况" not in welcome
    await harness.nothing_more(stranger)


async def test_in_a_group_the_admin_is_sent_to_the_private_chat(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(admin_ids=str(ADMIN))
    admin = harness.user(ADMIN)
    group: EmuGroup = harness.emu.add_group(-100777, "白庙村党员群")
    group.add_member(admin)
    await admin.send("/health", chat=group)
    answer = await group.next_message()
    assert "私聊" in answer.text and "运行状况" not in answer.text


async def test_the_recorded_sweep_is_kept_in_memory_and_in_the_database(harness_factory: Any) -> None:
    harness: Harness = await harness_factory()
    moment = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    harness.at(moment)
    ran: list[bool] = []

    async def sweep(context: ZhibuContext) -> None:
        ran.append(True)

    await recorded(sweep)(ZhibuContext(harness.app))
    assert ran == [True]
    last = await OpsRepo(harness.store.db).last_sweep()
    assert last is not None and last.at == moment and last.took_ms >= 0
    assert harness.services.state["ops_runtime"].last_sweep == last


def test_the_sweep_is_late_after_five_intervals() -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    at = SweepRecord(now - timedelta(seconds=299), 5)
    assert not sweep_late(at, now, 60)
    assert sweep_late(SweepRecord(now - timedelta(seconds=301), 5), now, 60)
    assert sweep_late(None, now, 60)  # never swept, asked from outside
    assert not sweep_late(None, now, 60, uptime=timedelta(seconds=30))  # the bot has only just started
    assert sweep_late(None, now, 60, uptime=timedelta(seconds=400))


def health_cli(database: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "BACKUP", "LOG_"))}
    clean.update({"DATABASE_PATH": str(database), "REMINDER_SWEEP_SECONDS": "60", **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", "health"], capture_output=True, text=True, env=clean, timeout=60
    )


@pytest.mark.slow
async def test_the_health_command_exits_non_zero_for_a_late_sweep_or_a_failed_backup(tmp_path: Path) -> None:
    database = tmp_path / "zhibu.sqlite3"
    store = await open_store(database)
    try:
        await load_roster(store, SMALL_ROSTER)
        ops = OpsRepo(store.db)
        never = await asyncio.to_thread(health_cli, database)
        assert never.returncode == 1 and "还没有运行过" in never.stdout and "<b>" not in never.stdout

        now = datetime.now(UTC)
        await ops.record_sweep(SweepRecord(now - timedelta(minutes=4), 12))
        fine = await asyncio.to_thread(health_cli, database)
        assert fine.returncode == 0, fine.stdout + fine.stderr
        assert "总体：正常" in fine.stdout and "用时 12 毫秒" in fine.stdout and "已连续运行" not in fine.stdout

        await ops.record_sweep(SweepRecord(now - timedelta(minutes=6), 12))
        late = await asyncio.to_thread(health_cli, database)
        assert late.returncode == 1 and "没有运行了" in late.stdout
        longer = await asyncio.to_thread(health_cli, database, REMINDER_SWEEP_SECONDS="120")
        assert longer.returncode == 0  # 6 minutes is within 5 × 2 minutes

        await ops.record_sweep(SweepRecord(now, 12))
        await ops.record_backup(BackupRecord(now, now, "zhibu-x.sqlite3", None, False, "OSError: disk full"))
        failed = await asyncio.to_thread(health_cli, database)
        assert failed.returncode == 1 and "没有成功（OSError: disk full）" in failed.stdout
        await ops.record_backup(BackupRecord(now + timedelta(seconds=1), now, "zhibu-y.sqlite3", 4096, True))
        again = await asyncio.to_thread(health_cli, database)
        assert again.returncode == 0 and "zhibu-y.sqlite3" in again.stdout
    finally:
        await store.close()
    missing = await asyncio.to_thread(health_cli, tmp_path / "elsewhere" / "zhibu.sqlite3")
    assert missing.returncode == 2 and "找不到数据库" in missing.stderr
    assert not (tmp_path / "elsewhere").exists()


def test_the_report_reads_in_both_languages() -> None:
    from bot.config import Settings
    from bot.ops.health import Health, render
    from bot.store.ops import MemberCounts, OutboxCounts

    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    report = Health(
        version="1.2.3",
        uptime=timedelta(days=3, hours=2, seconds=5),
        database_bytes=5 * 1024 * 1024,
        backup=BackupRecord(now, now, "zhibu-20261130-170000.sqlite3", 2048, True),
        outbox=OutboxCounts(4, 1, 2),
        sweep=SweepRecord(now, 37),
        members=MemberCounts(40, 3),
        sweep_late=False,
        backup_failed=False,
    )
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    zh = render("zh", report, settings)
    assert "已连续运行：3 天 02:00:05" in zh and "数据库大小：5.0 MB" in zh and "（2.0 KB）" in zh
    assert "待发消息：4 条；近一天发送失败 1 条、不确定是否送达 2 条" in zh and "下午5:00，用时 37 毫秒" in zh
    en = render("en", report, settings)
    assert "Running for: 3 d 02:00:05" in en and "Members: 40 linked, 3 not linked" in en
