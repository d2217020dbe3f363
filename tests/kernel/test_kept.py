"""Lists kept between page presses (issue 31, `bot.services.kernel.kept`): a kept list's page is exactly the
page `paginate` makes of the whole list, at every edge; a list is kept for `ttl` seconds and no longer, a
command builds it afresh, and the oldest goes when too many are kept. Through the emulator: a press still
checks the presser's rights, whatever is kept."""

from __future__ import annotations

import gc
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.rights import OrgTree
from bot.services.kernel import kept as kept_module
from bot.services.kernel import pages
from bot.services.kernel.kept import CHUNK, COLLECT_AT, Kept, ListKeeper, chunks
from bot.services.kernel.pages import Asked, Filter
from tests.support import bulk
from tests.support.harness import SECRETARY, Harness, loop_turn

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


# An ordinary community (up to 10 000 members) never pays the full pass; a list at the threshold does.
@pytest.mark.parametrize(("length", "collected"), [(10_000, 0), (COLLECT_AT - 1, 0), (COLLECT_AT, 1)])
async def test_a_long_list_has_the_collectors_pass_when_it_is_built_not_on_a_press(
    monkeypatch: pytest.MonkeyPatch, length: int, collected: int
) -> None:
    passes: list[int] = []
    monkeypatch.setattr(kept_module.gc, "collect", lambda *args: passes.append(1) or 0)

    async def build() -> Kept[list[int]]:
        return Kept.of([[i] for i in range(length)], ())  # lists: objects the collector always tracks

    keeper = ListKeeper(ttl=60, size=2, clock=Clock())
    await keeper.get("a", build, fresh=True)
    assert len(passes) == collected
    await keeper.get("a", build, fresh=False)  # a press: taken from the kept list, no pass
    assert len(passes) == collected


async def test_a_long_list_of_plain_rows_needs_no_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exact tuples of plain values (`/members`' rows) are untracked at the collector's first pass over them and
    never set off a full one: the command does not pay for it either."""
    rows = [(i, f"党员{i}", None) for i in range(COLLECT_AT)]
    gc.collect()
    assert not gc.is_tracked(rows[0])
    passes: list[int] = []
    monkeypatch.setattr(kept_module.gc, "collect", lambda *args: passes.append(1) or 0)

    async def build() -> Kept[tuple[int, str, None]]:
        return Kept.of(rows, ())

    await ListKeeper(ttl=60, size=2, clock=Clock()).get("a", build, fresh=True)
    assert passes == []


class Turns:
    """Counts the turns a task lets the event loop go (`kept.chunks` yields with a zero-delay sleep, which this
    replaces by one turn of the loop, counted)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0

        async def one_turn(delay: float) -> None:
            assert delay == 0
            self.count += 1
            await loop_turn()

        monkeypatch.setattr(kept_module.asyncio, "sleep", one_turn)


# A list of one chunk is gone through in one go; one entry more, and the loop is let go once between slices.
@pytest.mark.parametrize(("length", "turns"), [(0, 0), (1, 0), (CHUNK, 0), (CHUNK + 1, 1), (3 * CHUNK + 1, 3)])
async def test_a_long_list_is_gone_through_in_chunks(monkeypatch: pytest.MonkeyPatch, length: int, turns: int) -> None:
    items = list(range(length))
    counted = Turns(monkeypatch)
    slices = [list(part) async for part in chunks(items)]
    assert [i for part in slices for i in part] == items
    assert all(len(part) == CHUNK for part in slices[:-1])
    assert counted.count == turns


@pytest.mark.parametrize("length", [0, 1, 7, CHUNK, CHUNK + 1, 2 * CHUNK + 3])
async def test_a_list_counted_in_chunks_is_the_list_counted_at_once(
    monkeypatch: pytest.MonkeyPatch, length: int
) -> None:
    items = list(range(length))
    counted = Turns(monkeypatch)
    kept = await Kept.counted(items, FILTERS)
    at_once = Kept.of(items, FILTERS)
    assert kept.counts == at_once.counts and kept.items == items
    assert kept.page(Asked("away", 2, 40)) == at_once.page(Asked("away", 2, 40))
    assert counted.count == max(0, -(-length // CHUNK) - 1)


async def test_a_slice_size_is_the_callers(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = Turns(monkeypatch)
    assert [list(p) async for p in chunks(list(range(5)), 2)] == [[0, 1], [2, 3], [4]]
    assert counted.count == 2


def test_a_units_children_and_subtree_come_from_the_tree() -> None:
    from bot.domain.models import Unit

    units = [Unit(id=1, parent_id=None, kind="committee", name="党委")]
    units += [Unit(id=i, parent_id=1, kind="branch", name=f"{i}支部") for i in range(2, 5)]
    units += [Unit(id=i, parent_id=2, kind="group", name=f"{i}组") for i in range(5, 7)]
    tree = OrgTree.of(units)
    assert [u.id for u in tree.children(1)] == [2, 3, 4]
    assert [u.id for u in tree.children(2)] == [5, 6]
    assert tree.children(5) == []
    assert tree.subtree(1) == set(range(1, 7)) and tree.subtree(2) == {2, 5, 6} and tree.subtree(99) == set()


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
