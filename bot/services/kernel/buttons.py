"""The ◀ ▶ and filter buttons of every long list (`bot.services.kernel.pages`): their payload, and the patterns
a handler registers them by."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload, family
from bot.services.kernel.pages import FilterWord, PageList

PAGES = "pg"


@dataclass(frozen=True)
class ListPage(Payload):
    """A long list's ◀ ▶ or filter button (`bot.services.kernel.pages`): show page `page` (from 1) of `list`,
    narrowed by `filter`, for `ref` — the unit of /members (0: every unit the person manages), the period
    of /reports (`202610` for 2026-10, `20264` for 2026-Q4), the month of /dutyreport (`202610`), the notice
    of /attendance. The person's right to see it is checked again at every press."""

    PREFIX: ClassVar[str] = "pg"
    list: PageList
    ref: int
    filter: FilterWord
    page: int


def list_pages(name: str) -> Callable[[object], bool]:
    """For `CallbackQueryHandler(pattern=...)`: a valid `ListPage` of the list `name`."""

    def match(data: object) -> bool:
        pressed = ListPage.unpack(data)
        return pressed is not None and pressed.list == name

    return match


def stale_pages(name: str | None = None) -> Callable[[object], bool]:
    """The catch-all of a list's page buttons: any payload starting `pg:<name>` (valid or not), registered
    after `list_pages(name)`. Without a name: a `pg` payload that names no known list, so no two catch-alls
    ever match the same press and the order the lists register in does not matter."""
    if name is not None:
        return family(f"{PAGES}:{name}")
    lists = [family(f"{PAGES}:{known}") for known in PageList]

    def match(data: object) -> bool:
        return family(PAGES)(data) and not any(own(data) for own in lists)

    return match
