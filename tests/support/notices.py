"""Helpers of the notice tests: linking members, sending a notice, waiting on inboxes; the small roster's first
branch and a lecture in March 2026."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.emulator import BotMessage, EmuUser
from tests.support.harness import LIAISON, MEDIATOR, MIGRANT, PATROL, SECRETARY, Harness

SH = ZoneInfo("Asia/Shanghai")


T0 = datetime(2026, 3, 10, 9, 0, tzinfo=SH)
START = datetime(2026, 3, 12, 15, 0, tzinfo=SH)
MEETING = "2026-03-12 15:00"
BRANCH_ONE = (SECRETARY, LIAISON, MIGRANT, PATROL, MEDIATOR)
LECTURE = f"党课 | {MEETING} | 村委会会议室 | 学习党章"


async def link(harness: Harness, *ids: int) -> None:
    """Members write to the bot once (linked, and the emulator lets the bot write to them)."""
    for telegram_id in ids:
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()


async def until(check: Callable[[], object], within: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def got(user: EmuUser, text: str, kind: str = "message") -> list[BotMessage]:
    """Everything of this kind the user ever received containing `text`."""
    return [m for m in user.received if m.kind == kind and text in m.text]


async def saw(user: EmuUser, text: str, kind: str = "message") -> BotMessage:
    """Wait until the user has received (at any point) a message of this kind containing `text`."""
    await until(lambda: got(user, text, kind))
    return got(user, text, kind)[-1]


def notices_of(user: EmuUser) -> list[BotMessage]:
    """The notices (not previews, not reminders) the user received."""
    return [
        m
        for m in user.received
        if m.kind == "message"
        and ("会议通知" in m.text or "Meeting notice" in m.text)
        and not m.text.startswith(("预览", "Preview"))
    ]


async def send_notice(harness: Harness, secretary_id: int, args: str) -> int:
    """The secretary sends `/notice args` and presses Send; returns the notice id."""
    secretary = harness.user(secretary_id)
    secretary.drain()
    await secretary.send(f"/notice {args}")
    preview = await secretary.expect("预览")
    await secretary.press("发送", preview)
    await until(lambda: got(secretary, "已开始发送"))
    match = re.search(r"#(\d+)", got(secretary, "已开始发送")[-1].text)
    assert match is not None
    await harness.settle()
    await saw(secretary, "通知发送完毕")  # the summary comes when the sender is done: let it not race a test
    secretary.drain()
    return int(match.group(1))
