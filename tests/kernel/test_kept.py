"""Lists kept between page presses (issue 31, `bot.services.kernel.kept`): a kept list's page is exactly the
page `paginate` makes of the whole list, at every edge; a list is kept for `ttl` seconds and no longer, a
command builds it afresh, and the oldest goes when too many are kept. Through the emulator: a press still
checks the presser's rights, whatever is kept."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.kernel import pages
from bot.services.kernel.kept import Kept, ListKeeper
from bot.services.kernel.pages import Asked, Filter
from tests.support import bulk
from tests.support.harness import SECRETARY, Harness

FILTERS: tuple[Filter[int], ...] = (
    Filter("all", "members.filter.all"),
    Filter("away", "members.filter.away", lambda i: i % 3 == 0),
    Filter("ill", "members.filter.ill", lambda i: i % 7 == 1),
    Filter("nostatus", "members.filter.nostatus", lambda i: False),
)


@pytest.mark.parametrize("length", [0, 1, 39, 40, 41, 80, 81, 121])
def test_a_kept_page_is_the_page_of_the_whole_list(length: int) -> None:
    items = list(range(length))
    kept = Kept.of(items, FILTERS)
    for word in ("all", "away", "ill", "nostatus", "unknown"):
        for number in (-1, 0, 1, 2, 3, 4, 99):
            for size in (1, 40):
                asked = Asked(word, number, size)
                assert kept.page(asked) == pages.paginate(items, FILTERS, asked), (word, number, size)


def test_a_kept_page_needs_room_for_an_entry() -> None:
    with pytest.raises(ValueError):
        Kept.of([1], FILTERS).page(Asked("all", 1, 0))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_list_is_kept_for_its_time_and_no_longer() -> None:
    clock, built = Clock(), []

    async def build() -> int:
        built.append(clock.now)
        return len(built)

    keeper = ListKeeper(ttl=60, size=2, clock=clock)
    assert await keeper.get("a", build, fresh=True) == 1
    clock.now += 59.9
    assert await keeper.get("a", build, fresh=False) == 1  # just inside: kept
    clock.now += 0.1
    assert await keeper.get("a", build, fresh=False) == 2  # 60 s after it was built: built again
    assert await keeper.get("a", build, fresh=True) == 3  # a command always builds it
    assert await keeper.get("a", build, fresh=False) == 3


async def test_the_oldest_list_goes_first() -> None:
    clock, built = Clock(), []

    async def build() -> int:
        built.append(1)
        return len(built)

    keeper = ListKeeper(ttl=60, size=2, clock=clock)
    await keeper.get("a", build, fresh=False)
    await keeper.get("b", build, fresh=False)
    await keeper.get("c", build, fresh=False)  # "a" goes
    assert await keeper.get("b", build, fresh=False) == 2
    assert await keeper.get("a", build, fresh=False) == 4


TZ = ZoneInfo("Asia/Shanghai")


async def test_a_press_checks_the_pressers_rights_whatever_is_kept(harness: Harness) -> None:
    harness.at(datetime(2026, 11, 10, 10, tzinfo=TZ))
    await bulk.big_branch(harness.store, 100)
    secretary = harness.user(SECRETARY)
    await secretary.send("/members")
    first = await secretary.expect("第 1/3 页")
    await secretary.press("下一页")
    second = await secretary.expect("第 2/3 页", kind="edit")
    assert second.message_id == first.message_id
    await harness.store.db.conn.execute(
        "DELETE FROM member_roles WHERE role = 'secretary' AND member_id = "
        "(SELECT id FROM members WHERE telegram_id = ?)",
        (SECRETARY,),
    )
    await harness.store.db.conn.commit()
    await secretary.press("下一页")
    refused = await secretary.next_message(kind=("alert", "edit", "message"))
    assert refused.kind == "alert" and "失效" in refused.text
    current = harness.emu.get_message(first.chat_id, first.message_id)
    assert current is not None and "第 2/3 页" in current.snapshot("message").text
