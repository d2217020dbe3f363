"""Shared by the 党务公开 tests (issue 28 item 1): the local clock, linking members and binding the branch's group."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.harness import SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")
GROUP = -100777


def local(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


async def link(harness: Harness, *ids: int) -> None:
    for telegram_id in ids:
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()


async def ended(harness: Harness) -> int:
    """Sweep; how many end-of-period messages it queued."""
    sql = "SELECT count(*) FROM outbox WHERE key LIKE 'publicity:end:%'"
    before = await harness.store.db.fetchone(sql)
    await harness.sweep()
    after = await harness.store.db.fetchone(sql)
    assert before is not None and after is not None
    return int(after[0]) - int(before[0])


async def bound_group(harness: Harness):  # type: ignore[no-untyped-def]
    secretary = harness.user(SECRETARY)
    group = harness.emu.add_group(GROUP, "一村党员群")
    group.add_member(secretary, admin=True)
    await secretary.send("/bindgroup", chat=group)
    await group.expect("绑定")
    return group
