"""The arrears as a due chain (issue 25): one row per member with a dues rule, made with the first rule, asleep
until the first of next month (the moment months unpaid can grow), woken by a payment, a rule reviewed, or the
member leaving and coming back; a member who left is parked, not reminded. The row is read only when due, on
both sides of midnight on the first."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services import registry as core
from bot.store import Store
from bot.store.db import iso
from bot.store.due import ASAP, PARKED
from tests.support.harness import SMALL_ROSTER, load_roster
from tests.support.xlsx_data import member

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


async def due_at(store: Store, member_id: int) -> str | None:
    row = await store.db.fetchone("SELECT due_at FROM due WHERE kind = 'dues' AND subject = ?", (member_id,))
    return None if row is None else str(row[0])


async def test_the_chain_sleeps_until_the_first_and_wakes_on_a_change(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    qian = await member(store, "钱调解")
    assert await due_at(store, qian.id) is None  # no rule, no chain
    await store.dues.set_rule(qian.id, 2026, "farmer", None, 0, 50, False, None, at(1, 3))
    assert await due_at(store, qian.id) == ASAP
    await core.sweep(store, settings, at(1, 5))
    first_of_february = datetime(2026, 2, 1, tzinfo=TZ)
    assert await due_at(store, qian.id) == iso(first_of_february)
    due = await store.due.due(first_of_february - timedelta(seconds=1), ["dues"], None, 10)
    assert due == []  # a second before midnight on the first: not read
    assert [r.subject for r in await store.due.due(first_of_february, ["dues"], None, 10)] == [qian.id]

    await store.dues.add_payment(qian.id, "2026-01", "2026-01", 50, "cash", at(1, 6).date(), None, at(1, 6))
    assert await due_at(store, qian.id) == ASAP  # a payment: looked at again
    await core.sweep(store, settings, at(1, 6))
    await store.dues.set_rule(qian.id, 2026, "farmer", None, 0, 80, False, None, at(1, 7))
    assert await due_at(store, qian.id) == ASAP  # a review too

    async with store.db.transaction() as conn:
        await conn.execute("UPDATE members SET active = 0 WHERE id = ?", (qian.id,))
    await core.sweep(store, settings, at(5, 2))
    assert await due_at(store, qian.id) == PARKED  # left: never reminded while away
    row = await store.db.fetchone("SELECT count(*) FROM outbox WHERE key LIKE 'dues:%'")
    assert row is not None and row[0] == 0
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE members SET active = 1 WHERE id = ?", (qian.id,))
    assert await due_at(store, qian.id) == ASAP  # back on the roster
