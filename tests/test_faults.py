"""Faults: the bot killed with SIGKILL mid-broadcast and across a reminder's due time, a redelivered
update, Telegram answering errors at random, and a backup taken during a broadcast."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.emulator import BotApiEmulator
from bot.emulator.server import error_response
from bot.store import Store
from tests.conftest import PLAIN, Harness
from tests.faults import BRANCH, SECRETARY_ID, BotProcess, messages_with, registered_community, until

SH = ZoneInfo("Asia/Shanghai")
NOTICE = "会议通知"


def meeting(days: int = 2) -> str:
    return (datetime.now(SH) + timedelta(days=days)).strftime("%Y-%m-%d") + " 19:30"


async def send_notice(emu: BotApiEmulator, when: str) -> None:
    secretary = emu.users[SECRETARY_ID]
    await secretary.send(f"/notice general | {when} | 村委会议室 | 学习会议精神 | {BRANCH}")
    await secretary.press("发送", await secretary.expect("预览", timeout=10))


async def test_sigkill_mid_broadcast_then_restart_delivers_to_everyone(tmp_path: Path, emulator: BotApiEmulator
                                                                      ) -> None:
    members = 300
    users = await registered_community(tmp_path / "db.sqlite3", emulator, members)
    bot = BotProcess(tmp_path / "db.sqlite3", emulator)
    await bot.start()
    try:
        await send_notice(emulator, meeting())
        await until(lambda: sum(bool(messages_with(u, NOTICE)) for u in users.values()) >= 100)
        await bot.kill()
        delivered_before = sum(bool(messages_with(u, NOTICE)) for u in users.values())
        assert delivered_before < members + 1  # killed mid-way
        await bot.start()
        await until(lambda: all(messages_with(u, NOTICE) for u in users.values()), within=30)
        await until(lambda: messages_with(users[SECRETARY_ID], "通知发送完毕"), within=10)
        await asyncio.sleep(0.5)
    finally:
        await bot.stop()
    # the secretary's preview shows the notice too: it is not a copy sent
    copies = [len([m for m in messages_with(u, NOTICE) if "预览" not in m.text]) for u in users.values()]
    assert min(copies) == 1  # nobody missed
    assert sum(copies) - len(copies) <= 8  # at most the sends in flight at the kill went out twice
    assert len(messages_with(users[SECRETARY_ID], "通知发送完毕")) == 1


async def test_sigkill_between_sweeps_and_down_across_a_due_time(tmp_path: Path, emulator: BotApiEmulator) -> None:
    users = await registered_community(tmp_path / "db.sqlite3", emulator, 20)
    start = (datetime.now(SH) + timedelta(minutes=3)).replace(second=0, microsecond=0)
    first_due = start - timedelta(minutes=3) + timedelta(seconds=30)  # between 0 and 30 s from now
    lead = int((start - max(first_due, datetime.now(SH) + timedelta(seconds=12))).total_seconds())
    bot = BotProcess(tmp_path / "db.sqlite3", emulator, REMINDER_SWEEP_SECONDS="0.5", MEETING_REMINDERS=f"{lead}s")
    await bot.start()
    try:
        await send_notice(emulator, start.strftime("%Y-%m-%d %H:%M"))
        await until(lambda: all(messages_with(u, NOTICE) for u in users.values()), within=15)
        await bot.kill()  # between two sweeps, before the reminder is due
        due = start - timedelta(seconds=lead)
        assert datetime.now(SH) < due
        await asyncio.sleep((due - datetime.now(SH)).total_seconds() + 1.0)  # down across the due time
        await bot.start()
        await until(lambda: all(messages_with(u, "会议提醒") for u in users.values()), within=15)
        await asyncio.sleep(0.5)  # the sends are recorded: this kill falls between two sweeps
        await bot.kill()
        await bot.start()
        await asyncio.sleep(2.0)  # several sweeps
    finally:
        await bot.stop()
    assert all(len(messages_with(u, "会议提醒")) == 1 for u in users.values())


async def test_redelivered_status_update_is_applied_once(harness: Harness) -> None:
    member = harness.user(PLAIN)
    update_id = await member.send("/status away_work | 广东东莞 | 电子厂")
    await member.expect("已报备")
    await member.redeliver(update_id)
    await member.no_message(within=0.5)
    rows = await harness.store.db.fetchall("SELECT count(*) FROM status_reports")
    assert rows[0][0] == 1


async def test_random_telegram_errors_during_a_broadcast_and_a_burst_of_reports(
    tmp_path: Path, emulator: BotApiEmulator, harness_factory: Any,
) -> None:
    users = await registered_community(tmp_path / "zhibu.sqlite3", emulator, 60)
    harness: Harness = await harness_factory(load=False, broadcast_rate=40)
    rng = random.Random(20261127)
    outcomes: dict[str, int] = {"429": 0, "403": 0, "400": 0, "timeout": 0}
    faulty = {"sendmessage", "editmessagetext", "editmessagereplymarkup", "answercallbackquery"}

    async def chaos(method: str, params: dict[str, Any]) -> web.StreamResponse | None:
        if method not in faulty or rng.random() >= 0.10:
            return None
        kind = rng.choice(["429", "403", "400", "timeout"])
        outcomes[kind] += 1
        if kind == "429":
            return error_response(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        if kind == "403":
            return error_response(403, "Forbidden: bot was blocked by the user")
        if kind == "400":
            return error_response(400, "Bad Request: chat not found")
        if "ntc:att" in str(params.get("reply_markup", "")):  # a notice: delivered, but answered too late
            emulator.delay_next(method, 1.5)
        return None

    sender = harness.services.sender
    assert sender is not None
    sender.send_timeout = 0.5
    await send_notice(emulator, meeting())
    for _ in range(100):  # the notice is in the outbox; its broadcast (1.5 s at this rate) meets the chaos
        if await harness.store.outbox.pending_count() >= 40:
            break
        await asyncio.sleep(0.02)
    emulator.fault_hook = chaos
    text = "本月我认真学习党的理论，积极参加组织生活，按时交纳党费，遵守纪律。"
    reporters = list(users.values())[1:21]
    for user in reporters:
        await user.send("/report " + text)
    await asyncio.sleep(1.0)
    for user in reporters:
        previews = [m for m in user.received if m.labels() == ["发送", "取消"]]
        if previews:
            await user.press("发送", previews[-1])
    for _ in range(100):
        if await harness.store.outbox.pending_count() == 0:
            break
        await asyncio.sleep(0.1)
    emulator.fault_hook = None  # a row sent back to pending by a 429 or a network error goes out now
    for _ in range(100):
        if await harness.store.outbox.pending_count() == 0:
            break
        await asyncio.sleep(0.1)
    assert await harness.store.outbox.pending_count() == 0  # every delivery reached an outcome
    rows = await harness.store.db.fetchall("SELECT status, error, chat_id FROM outbox WHERE kind = 'notice'")
    assert len(rows) == 61
    for status, error, chat_id in rows:
        assert status in ("sent", "failed", "uncertain")
        if status == "failed":
            assert error.startswith(("403", "400"))
        if status == "sent":
            assert messages_with(emulator.users[chat_id], NOTICE)
    saved = {r[0] for r in await harness.store.db.fetchall(
        "SELECT m.telegram_id FROM thought_reports t JOIN members m ON m.id = t.member_id")}
    for user in reporters:
        if messages_with(user, "✅"):
            assert user.id in saved  # told it was saved: it was
    assert sum(outcomes.values()) > 0 and not emulator.internal_errors
    probe = emulator.users[SECRETARY_ID]
    await probe.send("/help")
    await until(lambda: messages_with(probe, "可以使用的命令"))  # still alive (the summary may come first)


async def test_backup_during_a_broadcast_passes_integrity_check_and_restores(
    tmp_path: Path, emulator: BotApiEmulator, harness_factory: Any,
) -> None:
    users = await registered_community(tmp_path / "zhibu.sqlite3", emulator, 300)
    harness: Harness = await harness_factory(load=False, broadcast_rate=100)
    await send_notice(emulator, meeting())
    await until(lambda: sum(bool(messages_with(u, NOTICE)) for u in users.values()) >= 30)
    env = {"DATABASE_PATH": str(tmp_path / "zhibu.sqlite3"), "PATH": "/usr/bin:/bin"}
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot", "backup", str(tmp_path / "copy.sqlite3")],
        capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert not all(messages_with(u, NOTICE) for u in users.values())  # taken while it was going on
    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (tmp_path / "copy.sqlite3").stat().st_mode & 0o077 == 0
    restored = tmp_path / "restored.sqlite3"
    restored.write_bytes((tmp_path / "copy.sqlite3").read_bytes())
    store = await Store.open(restored)
    try:
        assert len(await store.members.all()) == 301
        rows = await store.db.fetchall("SELECT count(*) FROM outbox WHERE kind = 'notice'")
        assert rows[0][0] == 301  # the notice and all its deliveries were in one transaction
    finally:
        await store.close()
    await until(lambda: all(messages_with(u, NOTICE) for u in users.values()), within=20)
    _ = harness
