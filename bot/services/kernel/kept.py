"""Long lists kept briefly between page presses (issue 31): a list's command builds the list, pages it and keeps
it; a press of its page or filter buttons within `KEEP_SECONDS` takes its page from the kept list instead of
building the whole list again (at 100 000 members, a second of the event loop per press). The person's rights
are checked at each press before the list is looked up, and the key names what they may see (the units, the
person), so a press never shows what its presser may not see. A list is at most `KEEP_SECONDS` old on a press;
the command builds it afresh.

`Kept` holds a list with each filter's count worked out once and each filter's entries selected once, so that
a page is a slice (`page`). Each store has its own keeper (`keeper`)."""

from __future__ import annotations

import asyncio
import gc
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bot.services.kernel.pages import Asked, Filter, Page, chosen_filter
from bot.store import Store

T = TypeVar("T")
V = TypeVar("V")

#: How long a list built for one message answers that message's presses.
KEEP_SECONDS = 60.0
#: Lists kept at once (the oldest goes first): a few secretaries paging at the same time.
MAX_KEPT = 16
#: A list of this many entries or more has the collector's full pass run as it is kept (see `ListKeeper.get`).
#: Above the largest ordinary community (10 000 members), which never pays the 40-100 ms of a full pass with
#: the loop held; only lists like 100 000 members', whose objects would set off that pass on a later press, do.
COLLECT_AT = 20_000
#: Entries a long list's command goes through between two turns of the event loop (`chunks`): a few ms of CPU.
CHUNK = 5_000


async def chunks(items: Sequence[T], size: int = CHUNK) -> AsyncIterator[Sequence[T]]:
    """`items`, `size` at a time, the event loop let go between two slices (none for a list of one slice): a
    list of 100 000 members counted in one go held the loop for every other chat's answer."""
    for start in range(0, len(items), size):
        if start:
            await asyncio.sleep(0)
        yield items[start : start + size]


@dataclass
class Kept(Generic[T]):
    """A whole list, its filters, how many entries each keeps, and (once asked for) each one's entries.
    `memo` holds what a list derives from a filter's entries (per-unit counts), worked out once."""

    items: Sequence[T]
    filters: tuple[Filter[T], ...]
    counts: dict[str, int] = field(default_factory=dict)
    chosen: dict[str, list[T]] = field(default_factory=dict)
    memo: dict[Hashable, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, items: Sequence[T], filters: Sequence[Filter[T]]) -> Kept[T]:
        kept = cls(items, tuple(filters))
        kept.counts = {f.word: len(items) if f.keep is None else sum(1 for i in items if f.keep(i)) for f in filters}
        return kept

    @classmethod
    async def counted(cls, items: Sequence[T], filters: Sequence[Filter[T]]) -> Kept[T]:
        """What `of` gives, counted a `chunk` at a time (`chunks`): for the long lists of a command."""
        kept = cls(items, tuple(filters))
        kept.counts = {f.word: len(items) if f.keep is None else 0 for f in filters}
        async for part in chunks(items):
            for f in filters:
                if f.keep is not None:
                    kept.counts[f.word] += sum(1 for i in part if f.keep(i))
        return kept

    def selected(self, word: str) -> list[T]:
        """The entries the filter `word` keeps (the first filter's for an unknown word), in order."""
        current = chosen_filter(self.filters, word)
        if current.word not in self.chosen:
            keep = current.keep
            self.chosen[current.word] = list(self.items) if keep is None else [i for i in self.items if keep(i)]
        return self.chosen[current.word]

    def page(self, asked: Asked) -> Page[T]:
        """What `pages.paginate` gives for the same list and `asked`, as a slice of the kept entries."""
        size = asked.size
        if size < 1:
            raise ValueError("a page holds at least one entry")
        current = chosen_filter(self.filters, asked.word)
        kept = self.selected(current.word)
        pages = max(1, -(-len(kept) // size))
        number = min(max(asked.number, 1), pages)
        offset = (number - 1) * size
        entries = tuple(kept[offset : offset + size])
        return Page(
            entries, number, pages, offset, current.word, len(kept), len(self.items), size, self.counts, self.filters
        )


class ListKeeper:
    """Lists by key, each for `ttl` seconds after it was built; at most `size` of them."""

    def __init__(self, ttl: float = KEEP_SECONDS, size: int = MAX_KEPT, clock: Callable[[], float] = time.monotonic):
        self.ttl, self.size, self.clock = ttl, size, clock
        self._lists: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()

    async def get(self, key: Hashable, build: Callable[[], Awaitable[V]], *, fresh: bool) -> V:
        """The list kept under `key` if it is younger than `ttl` and not `fresh` (a command), else `build()`'s,
        kept from now on."""
        now = self.clock()
        found = self._lists.get(key)
        if found is not None and not fresh and now - found[0] < self.ttl:
            return found[1]  # type: ignore[return-value]  # stored by `build` of the same key
        value = await build()
        self._lists[key] = (self.clock(), value)
        self._lists.move_to_end(key)
        while len(self._lists) > self.size:
            self._lists.popitem(last=False)
        if isinstance(value, Kept) and len(value.items) >= COLLECT_AT and gc.is_tracked(value.items[0]):
            # The objects of a long list (models of 100 000 members) soon set off a full pass of the collector
            # (40-100 ms at 100 000 members): run it now, in the command that built the list and already took
            # seconds, not in one of the presses that follow (issue 31: a press p95 <= 50 ms). Entries the
            # collector no longer tracks (exact tuples of plain values, as `/members` keeps: untracked at the
            # first pass over them, long before the list is kept) never set one off: none is run for them.
            gc.collect()
        return value


_keepers: weakref.WeakKeyDictionary[Store, ListKeeper] = weakref.WeakKeyDictionary()


def keeper(store: Store) -> ListKeeper:
    """The keeper of lists read from `store` (one per application: the tests run many)."""
    found = _keepers.get(store)
    if found is None:
        found = _keepers[store] = ListKeeper()
    return found
