"""Long lists as pages (issue 11): one message holds the counts and a page of at most `PAGE_SIZE` entries,
with filters and ◀ ▶ as buttons that edit that message; the whole list is for `/export`.

Channel-free and pure: `paginate` takes the full ordered list, the filters that apply to it, and the filter
and page `Asked` for (both as a button carries them, so stale or forged values are clamped: a page beyond the
end shows the last one, an unknown filter the first), and returns the `Page`, which keeps the filters.
`buttons` turns a page into rows of `{"text", "data"}` buttons, `footer` into the position and export lines,
and `fit` keeps a rendered page within one Telegram message however long the names, places or reasons in it
are (`clip`). Each list (`/members`, `/reports`, `/dutyreport`, `/attendance`, and any later one) supplies
its entries, filters and how a button's payload is made (`bot.services.kernel.buttons.ListPage`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from bot.domain.results import Buttons
from bot.i18n import t

T = TypeVar("T")

#: Entries on one page: 40 short lines read well on a phone and stay far below 4096 characters.
PAGE_SIZE = 40


class PageList(StrEnum):
    """Lists that page (the `list` of a `ListPage` button)."""

    MEMBERS = "members"
    REPORTS = "reports"
    DUTYREPORT = "dutyreport"
    ATTENDANCE = "attendance"
    HOUSEHOLDS = "households"
    REQUESTS = "requests"
    CARE = "care"
    DUES = "dues"  # 党费 (issue 25)


class FilterWord(StrEnum):
    """Every filter word a list may use (a button's `filter`): short ASCII, so a payload stays under 64 bytes.
    A new list adds its words here."""

    ALL = "all"
    UNLINKED = "unlinked"  # /members
    AWAY = "away"
    ILL = "ill"
    HARDSHIP = "hardship"
    NOSTATUS = "nostatus"
    SUBMITTED = "submitted"  # /reports
    MISSING = "missing"
    OVERDUE = "overdue"
    MET = "met"  # /dutyreport
    NOTMET = "notmet"
    ATTEND = "attend"  # /attendance
    LEAVE = "leave"
    SILENT = "silent"
    PRESENT = "present"
    ABSENT = "absent"
    MAKEUP = "makeup"
    NEVER = "never"  # /households, /requests
    STALE = "stale"
    PASSEDUP = "passedup"
    NORULE = "norule"  # /dues: no base set yet (OVERDUE: behind)


LISTS: tuple[PageList, ...] = tuple(PageList)
FILTER_WORDS: tuple[FilterWord, ...] = tuple(FilterWord)
#: What one message may hold, in UTF-16 units of the HTML sent (an upper bound of what Telegram counts,
#: after entities); the reserve is for the tags a split would add, as in `bot.services.kernel.text.split_message`.
MESSAGE_ROOM = 4096 - 64
#: Filter buttons on a row.
PER_ROW = 3


@dataclass(frozen=True)
class Filter(Generic[T]):
    """One way to narrow a list: `word` (carried by the button), the catalogue key of its label, and which
    entries it keeps (all when `keep` is None)."""

    word: str
    label: str
    keep: Callable[[T], bool] | None = None

    def __post_init__(self) -> None:
        if self.word not in FILTER_WORDS:
            raise ValueError(f"filter word {self.word!r} is not in FILTER_WORDS")


@dataclass(frozen=True)
class Asked:
    """The page asked for: the filter `word` and the page `number` (from 1), as a button carries them, how
    many entries a page holds, and whether the list is built anew."""

    word: str = "all"
    number: int = 1
    size: int = PAGE_SIZE
    #: The list built anew (its command), not taken from the one kept for its buttons (`kernel.kept`).
    fresh: bool = False


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list. `number` counts from 1 and is clamped to 1..`pages`; `offset` is the index of
    the first entry among those the filter keeps (for numbering); `counts` says how many entries each filter
    keeps; `size` is the length of the whole list, `per_page` the most a page holds; `filters` are the list's."""

    entries: tuple[T, ...]
    number: int
    pages: int
    offset: int
    filter: str
    total: int
    size: int
    per_page: int = PAGE_SIZE
    counts: dict[str, int] = field(default_factory=dict)
    filters: tuple[Filter[T], ...] = ()

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def chosen_filter(filters: Sequence[Filter[T]], word: str) -> Filter[T]:
    """The filter named `word`; the first one (the whole list) for a word this list does not have."""
    if not filters:
        raise ValueError("a list needs at least one filter")
    return next((f for f in filters if f.word == word), filters[0])


def select(items: Sequence[T], filters: Sequence[Filter[T]], word: str) -> list[T]:
    """The entries the filter `word` keeps (the first filter's for an unknown word), in order."""
    current = chosen_filter(filters, word)
    return list(items) if current.keep is None else [i for i in items if current.keep(i)]


def paginate(items: Sequence[T], filters: Sequence[Filter[T]], asked: Asked) -> Page[T]:
    """Page `asked.number` of the entries of `items` that the filter `asked.word` keeps, `asked.size` to a page."""
    size = asked.size
    if size < 1:
        raise ValueError("a page holds at least one entry")
    current = chosen_filter(filters, asked.word)
    counts = {f.word: len(items) if f.keep is None else sum(1 for i in items if f.keep(i)) for f in filters}
    kept = select(items, filters, current.word)
    pages = max(1, -(-len(kept) // size))
    number = min(max(asked.number, 1), pages)
    offset = (number - 1) * size
    entries = tuple(kept[offset : offset + size])
    return Page(entries, number, pages, offset, current.word, len(kept), len(items), size, counts, tuple(filters))


def buttons(page: Page[T], data: Callable[[FilterWord, int], str], lang: str, extra: Buttons | None = None) -> Buttons:
    """`extra` rows (a list's own buttons, e.g. to read an entry), then the page's filters (label and count;
    the current one ticked; a filter that keeps nothing is left out unless it is the first or the current
    one), then ◀ ▶. `data(filter, page)` makes a button's callback data."""
    filters = page.filters
    rows: Buttons = [list(row) for row in extra or []]
    if len(filters) > 1:
        shown = [f for i, f in enumerate(filters) if i == 0 or f.word == page.filter or page.counts.get(f.word)]
        keys = []
        for f in shown:
            label = t(lang, "pages.filter", label=t(lang, f.label), count=page.counts.get(f.word, 0))
            if f.word == page.filter:
                label = t(lang, "pages.chosen", label=label)
            keys.append({"text": html.unescape(label), "data": data(FilterWord(f.word), 1)})  # a label is plain text
        rows += [keys[i : i + PER_ROW] for i in range(0, len(keys), PER_ROW)]
    nav = []
    if page.has_previous:
        nav.append({"text": t(lang, "pages.previous"), "data": data(FilterWord(page.filter), page.number - 1)})
    if page.has_next:
        nav.append({"text": t(lang, "pages.next"), "data": data(FilterWord(page.filter), page.number + 1)})
    if nav:
        rows.append(nav)
    return rows


def narrowed(page: Page[T], lang: str) -> list[str]:
    """`现在只看：未绑定，9000 人` when a filter other than the whole list is on."""
    filters = page.filters
    current = chosen_filter(filters, page.filter)
    if current is filters[0]:
        return []
    return [t(lang, "pages.only", filter=t(lang, current.label), count=page.total)]


def footer(page: Page[T], lang: str, *, export: bool) -> list[str]:
    """Where this page is (第 2/250 页) and, for someone who may export, the pointer to `/export` — only when
    the whole list does not fit on one page (a short list needs neither)."""
    if page.size <= page.per_page:
        return []
    lines = [t(lang, "pages.position", page=page.number, pages=page.pages, count=page.total)]
    if export:
        lines.append(t(lang, "pages.export"))
    return lines


# ------------------------------------------------------------------------------------ one message
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
ELLIPSIS = "…"


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _cut(html: str, limit: int) -> int:
    """The longest prefix of at most `limit` UTF-16 units that does not end inside a tag or an entity."""
    cut, used = 0, 0
    for index, ch in enumerate(html):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            break
        cut = index + 1
    lt, gt = html.rfind("<", 0, cut), html.rfind(">", 0, cut)
    if lt > gt:
        cut = lt
    amp, semi = html.rfind("&", 0, cut), html.rfind(";", 0, cut)
    return amp if amp > semi else cut  # every `&` in escaped text starts an entity


def _closing(head: str) -> str:
    still_open: list[str] = []
    for match in _TAG.finditer(head):
        if not match.group(1):
            still_open.append(match.group(2))
        elif still_open and still_open[-1] == match.group(2):
            still_open.pop()
    return "".join(f"</{tag}>" for tag in reversed(still_open))


def shorten(html: str, cap: int) -> str:
    """`html` cut to at most `cap` UTF-16 units, `…` and the closing tags it needs included, never inside a
    tag or an `&…;` entity; unchanged when it is short enough."""
    if units(html) <= cap:
        return html
    limit = cap - 1
    while True:
        head = html[: _cut(html, max(limit, 0))]
        out = head + ELLIPSIS + _closing(head)
        if units(out) <= cap or not head:
            return out
        limit -= units(out) - cap


def clip(value: str | None, cap: int | None) -> str:
    """A person's own value (a name, a place, a reason) cut to `cap` characters with `…`, before escaping."""
    value = value or ""
    if cap is None or len(value) <= cap:
        return value
    return value[: max(cap - 1, 1)] + ELLIPSIS


#: How short people's values get, step by step, when a page does not fit in one message.
CAPS = (40, 24, 16, 10, 6)


def fit(render: Callable[[list[str]], str], draw: Callable[[int | None], list[str]], room: int = MESSAGE_ROOM) -> str:
    """`render(draw(None))` — the page's lines drawn in full, then put together — when it fits in one
    message. Otherwise the lines are drawn again with people's values clipped (`draw(cap)`, see `clip`)
    shorter and shorter, so every line keeps its figures and verdicts; then the longest lines lose their
    ends; as a last resort the whole text is cut."""
    items = draw(None)
    text = render(items)
    for cap in CAPS:
        if units(text) <= room:
            return text
        items = draw(cap)
        text = render(items)
    longest = max((units(i) for i in items), default=0)
    while units(text) > room and longest > 8:
        longest = max(8, longest * 2 // 3)
        text = render([shorten(i, longest) for i in items])
    return shorten(text, room) if units(text) > room else text
