"""Helpers of the care tests: linking members and a member's open case."""

from __future__ import annotations

from bot.store.care import CareCase
from tests.support.harness import Harness


async def link(harness: Harness, *ids: int) -> None:
    for telegram_id in ids:
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()


async def member_id(harness: Harness, telegram_id: int) -> int:
    member = await harness.store.members.by_telegram_id(telegram_id)
    assert member is not None
    return member.id


async def open_case(harness: Harness, telegram_id: int) -> CareCase | None:
    return await harness.store.care.open_for(await member_id(harness, telegram_id))
