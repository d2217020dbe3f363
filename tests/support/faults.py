"""Helpers for the fault tests: a generated roster, and the bot run as a real process that can be
killed with SIGKILL while the emulator (in the test process) keeps what was delivered."""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.emulator import BotApiEmulator, BotMessage, EmuUser
from bot.services.members.roster import apply_roster, parse_roster
from tests.support.db import open_store

BRANCH = "测试村党支部"
SECRETARY_ID = 700_000


def roster_csv(members: int) -> str:
    lines = ["name,branch,group,category,roles,telegram_id", f"书记,{BRANCH},,在家,secretary,{SECRETARY_ID}"]
    lines += [f"党员{i:03d},{BRANCH},,在家,,{SECRETARY_ID + i}" for i in range(1, members + 1)]
    return "\n".join(lines) + "\n"


async def registered_community(db_path: Path, emu: BotApiEmulator, members: int) -> dict[int, EmuUser]:
    """A roster of `members` plus their secretary, all having opened the bot already."""
    store = await open_store(db_path)
    try:
        rows, errors = parse_roster(roster_csv(members))
        assert not errors
        await apply_roster(store, rows, "测试社区党委")
        users = {}
        for member in await store.members.all():
            assert member.telegram_id is not None
            await store.members.link(member.id, member.telegram_id)
            user = emu.add_user(member.telegram_id, member.name)
            user.started = True
            users[member.telegram_id] = user
        return users
    finally:
        await store.close()


class BotProcess:
    """`python -m bot run` against the emulator, in a process of its own."""

    def __init__(self, db_path: Path, emu: BotApiEmulator, **env: str) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEBHOOK"))}
        self.env.update(
            {
                "BOT_TOKEN": "123456:FAULTS",
                "DATABASE_PATH": str(db_path),
                "TELEGRAM_API_BASE_URL": emu.base_url,
                "QUIET_HOURS": "",
                "REMINDER_SWEEP_SECONDS": "60",
                "BROADCAST_RATE": "100",
            }
        )
        self.env.update(env)
        self.emu = emu
        self.log = db_path.with_suffix(".log")
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        polls = len(self.emu.calls_of("getUpdates"))
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, stdout=log, stderr=log
            )
        await until(lambda: len(self.emu.calls_of("getUpdates")) > polls, within=20)

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, like a power cut of the process."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.emu.wake_all_pollers()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                await self.kill()


async def until(check: Callable[[], object], within: float = 10.0) -> None:
    """Wait until `check()` is true (a check that must ask the database may return an awaitable); fail
    after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        outcome = check()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        if loop.time() > deadline:
            raise AssertionError(f"not reached within {within} s")
        await asyncio.sleep(0.05)


def messages_with(user: EmuUser, text: str) -> list[BotMessage]:
    return [m for m in user.received if m.kind == "message" and text in m.text]


SH = ZoneInfo("Asia/Shanghai")
NOTICE = "会议通知"


def meeting(days: int = 2) -> str:
    return (datetime.now(SH) + timedelta(days=days)).strftime("%Y-%m-%d") + " 19:30"


async def send_notice(emu: BotApiEmulator, when: str) -> None:
    secretary = emu.users[SECRETARY_ID]
    await secretary.send(f"/notice general | {when} | 村委会议室 | 学习会议精神 | {BRANCH}")
    await secretary.press("发送", await secretary.expect("预览", timeout=10))
