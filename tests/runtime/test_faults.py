"""Faults: the bot killed with SIGKILL mid-broadcast and across a reminder's due time, a redelivered
update, Telegram answering errors at random, and a backup taken during a broadcast."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web

from bot.emulator import BotApiEmulator, BotMessage, EmuUser
from bot.emulator.server import error_response
from tests.support.db import open_store
from tests.support.faults import (
    NOTICE,
    SECRETARY_ID,
    BotProcess,
    meeting,
    messages_with,
    registered_community,
    send_notice,
    until,
)
from tests.support.harness import PLAIN, Harness

#: The bot talks to the emulator over HTTP (a webhook, a process of its own, network faults).
pytestmark = [pytest.mark.http, pytest.mark.slow]  # slow: kill -9 of a bot process, a 300-member broadcast

SH = ZoneInfo("Asia/Shanghai")


async def test_sigkill_mid_broadcast_then_restart_delivers_to_everyone(
    tmp_path: Path, emulator: BotApiEmulator
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
        await until(lambda: unfinished(tmp_path / "db.sqlite3") == 0)  # nothing more on its way
    finally:
        await bot.stop()
    # the secretary's preview shows the notice too: it is not a copy sent
    copies = [len([m for m in messages_with(u, NOTICE) if "预览" not in m.text]) for u in users.values()]
    assert min(copies) == 1  # nobody missed
    assert sum(copies) - len(copies) <= 8  # at most the sends in flight at the kill went out twice
    assert len(messages_with(users[SECRETARY_ID], "通知发送完毕")) == 1


def unfinished(db: Path) -> int:
    """Outbox rows not yet recorded as sent, failed or uncertain (read beside the running bot)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
        return int(row.fetchone()[0])


async def _at_least(count: Awaitable[int], least: int) -> bool:
    return await count >= least


async def _equal(count: Awaitable[int], value: int) -> bool:
    return await count == value


def sweeps_logged(bot: BotProcess) -> int:
    return bot.log.read_text(encoding="utf-8", errors="replace").count("sweep queued=")


async def test_sigkill_between_sweeps_and_down_across_a_due_time(tmp_path: Path, emulator: BotApiEmulator) -> None:
    """The bot's clock is moved (CLOCK_OFFSET_SECONDS) rather than waited for: it is killed before a
    reminder is due and comes back after the due time, as if it had been down for five minutes."""
    users = await registered_community(tmp_path / "db.sqlite3", emulator, 20)
    start = (datetime.now(SH) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    env = {"REMINDER_SWEEP_SECONDS": "0.5", "MEETING_REMINDERS": "5m"}
    bot = BotProcess(tmp_path / "db.sqlite3", emulator, **env)
    await bot.start()
    try:
        await send_notice(emulator, start.strftime("%Y-%m-%d %H:%M"))
        await until(lambda: all(messages_with(u, NOTICE) for u in users.values()), within=15)
        await until(lambda: sweeps_logged(bot) >= 2)
        await bot.kill()  # between two sweeps, before the reminder is due (in five minutes or more)
        assert not any(messages_with(u, "会议提醒") for u in users.values())
        due = start - timedelta(minutes=5)
        later = (due - datetime.now(SH)).total_seconds() + 30  # the bot comes back 30 s after the due time
        bot = BotProcess(tmp_path / "db.sqlite3", emulator, CLOCK_OFFSET_SECONDS=str(later), **env)
        await bot.start()
        await until(lambda: all(messages_with(u, "会议提醒") for u in users.values()), within=15)
        await until(lambda: unfinished(tmp_path / "db.sqlite3") == 0)  # recorded: the next kill is between sweeps
        await bot.kill()
        await bot.start()
        seen = sweeps_logged(bot)
        await until(lambda: sweeps_logged(bot) >= seen + 3)  # several sweeps after the restart
    finally:
        await bot.stop()
    assert all(len(messages_with(u, "会议提醒")) == 1 for u in users.values())


async def test_redelivered_status_update_is_applied_once(harness: Harness) -> None:
    member = harness.user(PLAIN)
    update_id = await member.send("/status away_work | 广东东莞 | 电子厂")
    await member.expect("已报备")
    await member.expect("超过一个月")  # not a mobile member going to work away: asked (issue 12)
    await member.redeliver(update_id)
    await member.send("/help")
    await member.expect("可以使用的命令")  # the next answer is /help's: the redelivered update got none
    rows = await harness.store.db.fetchall("SELECT count(*) FROM status_reports")
    assert rows[0][0] == 1


async def test_random_telegram_errors_during_a_broadcast_and_a_burst_of_reports(
    tmp_path: Path,
    emulator: BotApiEmulator,
    harness_factory: Any,
) -> None:
    users = await registered_community(tmp_path / "zhibu.sqlite3", emulator, 60)
    harness: Harness = await harness_factory(load=False, broadcast_rate=40)
    rng = random.Random(20261127)
    outcomes: dict[str, int] = {"429": 0, "403": 0, "400": 0, "timeout": 0}
    faulty = {"sendmessage", "editmessagetext", "editmessagereplymarkup", "answercallbackquery"}
    hit: set[int] = set()  # the people whose answers met an injected fault

    def person(params: dict[str, Any]) -> int | None:
        if "chat_id" in params:
            return int(params["chat_id"])
        record = emulator.callbacks.get(str(params.get("callback_query_id")))
        return record.user_id if record is not None else None

    async def chaos(method: str, params: dict[str, Any]) -> web.StreamResponse | None:
        if method not in faulty or rng.random() >= 0.10:
            return None
        kind = rng.choice(["429", "403", "400", "timeout"])
        outcomes[kind] += 1
        if (who := person(params)) is not None:
            hit.add(who)
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
    outbox = harness.store.outbox
    await send_notice(emulator, meeting())
    # the notice is in the outbox; its broadcast (1.5 s at this rate) meets the chaos
    await until(lambda: _at_least(outbox.pending_count(), 40))
    emulator.fault_hook = chaos
    text = "本月我认真学习党的理论，积极参加组织生活，按时交纳党费，遵守纪律。"
    reporters = list(users.values())[1:21]

    def previews(user: EmuUser) -> list[BotMessage]:
        return [m for m in user.received if m.labels() == ["发送", "取消"]]

    for user in reporters:
        await user.send("/report " + text)
    await until(lambda: all(previews(u) or u.id in hit for u in reporters), within=20)  # a preview, or a fault
    pressing = [u for u in reporters if previews(u)]
    assert len(pressing) >= len(reporters) // 2
    hit.clear()
    for user in pressing:
        await user.press("发送", previews(user)[-1])

    def answered(user: EmuUser) -> bool:
        return bool(messages_with(user, "已提交") or messages_with(user, "出了点问题") or user.id in hit)

    await until(lambda: all(answered(u) for u in pressing), within=20)  # saved, an apology, or a fault
    emulator.fault_hook = None  # a row sent back to pending by a 429 or a network error goes out now
    await until(lambda: _equal(outbox.pending_count(), 0), within=20)  # every delivery reached an outcome
    rows = await harness.store.db.fetchall("SELECT status, error, chat_id FROM outbox WHERE kind = 'notice'")
    assert len(rows) == 61
    for status, error, chat_id in rows:
        assert status in ("sent", "failed", "uncertain")
        if status == "failed":
            assert error.startswith(("403", "400"))
        if status == "sent":
            assert messages_with(emulator.users[chat_id], NOTICE)
    saved = {
        r[0]
        for r in await harness.store.db.fetchall(
            "SELECT m.telegram_id FROM thought_reports t JOIN members m ON m.id = t.member_id"
        )
    }
    for user in reporters:
        if messages_with(user, "已提交"):
            assert user.id in saved  # told it was saved: it was
    assert saved  # some reports went through the chaos
    assert sum(outcomes.values()) > 0 and not emulator.internal_errors
    probe = emulator.users[SECRETARY_ID]
    await probe.send("/help")
    await until(lambda: messages_with(probe, "可以使用的命令"))  # still alive (the summary may come first)


async def test_backup_during_a_broadcast_passes_integrity_check_and_restores(
    tmp_path: Path,
    emulator: BotApiEmulator,
    harness_factory: Any,
) -> None:
    users = await registered_community(tmp_path / "zhibu.sqlite3", emulator, 300)
    harness: Harness = await harness_factory(load=False, broadcast_rate=100)
    await send_notice(emulator, meeting())
    await until(lambda: sum(bool(messages_with(u, NOTICE)) for u in users.values()) >= 30)
    env = {"DATABASE_PATH": str(tmp_path / "zhibu.sqlite3"), "PATH": "/usr/bin:/bin"}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "backup", str(tmp_path / "copy.sqlite3")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not all(messages_with(u, NOTICE) for u in users.values())  # taken while it was going on
    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (tmp_path / "copy.sqlite3").stat().st_mode & 0o077 == 0
    restored = tmp_path / "restored.sqlite3"
    restored.write_bytes((tmp_path / "copy.sqlite3").read_bytes())
    store = await open_store(restored)
    try:
        assert len(await store.members.all()) == 301
        rows = await store.db.fetchall("SELECT count(*) FROM outbox WHERE kind = 'notice'")
        assert rows[0][0] == 301  # the notice and all its deliveries were in one transaction
    finally:
        await store.close()
    await until(lambda: all(messages_with(u, NOTICE) for u in users.values()), within=20)
    _ = harness
