"""Seeding meetings for the ledger's tests through the store: a notice published for a unit (everyone of it
expected), some of them checked in, perhaps cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.rights import OrgTree
from bot.store import Store
from bot.store.notices import Draft
from tests.support.harness import Harness

TZ = ZoneInfo("Asia/Shanghai")
#: Every seeded notice was published long before: no broadcast summary falls due in the tests' sweeps.
PUBLISHED = datetime(2025, 12, 1, 9, tzinfo=TZ)


def at(month: int, day: int, hour: int = 10, year: int = 2026, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


async def meeting(
    store: Store,
    unit: str,
    kind: str,
    when: datetime,
    present: int = 1,
    topic: str = "学习",
    cancelled: bool = False,
    minutes: bool = True,
) -> int:
    """A notice of `kind` for the unit named `unit` at `when`, with `present` of its members checked in, and its
    minutes saved after it (unless `minutes` is False, or nobody came): held, as the 三会一课台账 counts."""
    tree = OrgTree.of(await store.units.all())
    (found,) = [u for u in tree.units.values() if u.name == unit]
    expected = await store.members.in_units(tree.subtree(found.id))
    notice_id, _ = await store.notices.publish(
        Draft(kind=kind, unit_id=found.id, starts_at=when, place="党员活动室", topic=topic),
        None,
        0,
        "zh",
        PUBLISHED,
        expected,
        lambda _id: [],
    )
    for member in expected[:present]:
        await store.notices.record_checkin(notice_id, member.id, "self", None, when + timedelta(minutes=5))
    if cancelled:
        await store.notices.cancel(notice_id, when - timedelta(days=1), lambda _rows: [])
    elif minutes and present:
        await store.minutes.save(notice_id, None, None, topic, [], None, when + timedelta(hours=2))
    return notice_id


def line(text: str, start: str) -> str:
    """The line of a ledger's text that starts with `start` (after its indent)."""
    found = [ln for ln in text.splitlines() if ln.strip().startswith(start)]
    assert found, f"no line starting {start!r} in:\n{text}"
    return found[0]


async def started(harness: Harness, *ids: int) -> None:
    """These people write /start once (linked)."""
    for telegram_id in ids:
        await harness.user(telegram_id).send("/start")
        await harness.user(telegram_id).next_message()
