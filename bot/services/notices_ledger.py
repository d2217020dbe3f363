"""The `/attendance` ledger of one meeting (应到 / 参加 / 请假 / 未回复 / 已签到, and 缺席 once it has begun) as pages
(`bot.services.pages`): the counts of every line always, the names of one page of expected members (at
most 40) behind the lines they belong to, filters to see only one line's people, the quorum of a general
meeting, the minutes and how to mark someone present. A short meeting reads exactly as one list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.buttons import ListPage
from bot.i18n import Html, escape, t
from bot.services import notices as rules
from bot.services import pages
from bot.services.notices_text import title
from bot.services.pages import Filter, Page, clip
from bot.services.results import Buttons
from bot.services.rights import OrgTree
from bot.store.notices import Notice
from bot.store.rolls import Seat

#: The ledger's lines, in the order shown, with their catalogue keys.
LINES = {"attend": "notice.att.attending", "leave": "notice.att.leave", "silent": "notice.att.silent",
         "present": "notice.att.present", "absent": "notice.att.absent"}


def lines(seat: Seat, begun: bool) -> list[str]:
    """The ledger lines a member is named on."""
    out = []
    if seat.answer is not None:
        out.append(seat.answer)  # attend | leave
    if seat.answer is None and seat.how is None:
        out.append("silent")
    if seat.how is not None:
        out.append("present")
    elif begun and seat.answer != "leave":
        out.append("absent")
    return out


def filters(begun: bool) -> tuple[Filter[Seat], ...]:
    """应到 (everyone), then one filter per line; 缺席 only once the meeting has begun (before, everyone not yet
    checked in would be counted absent)."""
    def on(line: str) -> Filter[Seat]:
        return Filter(line, f"notice.att.filter.{line}", lambda seat: line in lines(seat, begun))

    return (Filter("all", "notice.att.filter.all"), *(on(w) for w in LINES if begun or w != "absent"))


def _item(lang: str, seat: Seat, line: str, tz: ZoneInfo, cap: int | None) -> str:
    name = clip(seat.name, cap)
    if line == "leave":
        return t(lang, "notice.att.leave_item", name=name, reason=clip(seat.reason, cap))
    if line == "present" and seat.checked_in_at is not None:
        return t(lang, f"notice.att.checkin_{seat.how}", name=name,
                 time=seat.checked_in_at.astimezone(tz).strftime("%H:%M"))
    if line in ("silent", "absent") and not seat.linked:
        return t(lang, "notice.att.unregistered_item", name=name)
    return escape(name)


def _names(lang: str, items: Sequence[str]) -> Html:
    """Items that are already rendered (escaped) by `t()`: joined without escaping them again."""
    if not items:
        return Html("")
    return Html(t(lang, "notice.names", names="") + ("、" if lang == "zh" else ", ").join(items))


def page_of(everyone: Sequence[Seat], word: str, number: int, begun: bool) -> Page[Seat]:
    return pages.paginate(everyone, filters(begun), word, number)


def render(lang: str, notice: Notice, tree: OrgTree, tz: ZoneInfo, page: Page[Seat], begun: bool,
           quorum: tuple[bool, int] | None, export: bool) -> str:
    """The ledger with this page's names: on every line for 应到, on the chosen line only for a filter."""
    chosen = [w for w in LINES if page.filter in ("all", w) and (begun or w != "absent")]
    placed = [(line, seat) for seat in page.entries for line in lines(seat, begun) if line in chosen]
    head = [title(lang, notice, tree, tz)]
    if notice.cancelled_at is not None:
        head.append(t(lang, "notice.att.cancelled"))
    head.append(t(lang, "notice.att.expected", count=page.size))
    tail: list[str] = pages.narrowed(page, filters(begun), lang)
    if quorum is not None:
        has, confirmed = quorum
        tail.append(t(lang, "notice.att.quorum_yes" if has else "notice.att.quorum_no",
                      present=confirmed, expected=page.size))
    if notice.minutes:
        tail.append(t(lang, "notice.att.minutes", text=notice.minutes))
    tail.append(t(lang, "notice.att.proxy_hint", id=notice.id))
    foot = pages.footer(page, lang, export=export)

    def draw(items: list[str]) -> str:
        named = list(zip((line for line, _ in placed), items, strict=True))
        body = [t(lang, key, count=page.counts.get(line, 0), names=_names(lang, [i for n, i in named if n == line]))
                for line, key in LINES.items() if begun or line != "absent"]
        return "\n".join([*head, *body, *tail, *(["", *foot] if foot else [])])

    return pages.fit(draw, lambda cap: [_item(lang, seat, line, tz, cap) for line, seat in placed])


def buttons(lang: str, notice: Notice, page: Page[Seat], begun: bool) -> Buttons:
    return pages.buttons(page, filters(begun), lambda f, n: ListPage("attendance", notice.id, f, n).pack(), lang)


def quorum(notice: Notice, everyone: Sequence[Seat]) -> tuple[bool, int] | None:
    """For a general meeting: whether more than half of those expected answered Attend or checked in, and
    how many did."""
    if notice.kind != "general":
        return None
    confirmed = sum(1 for s in everyone if s.how is not None or s.answer == "attend")
    return rules.has_quorum(len(everyone), confirmed), confirmed


def begun(notice: Notice, now: datetime) -> bool:
    return now >= notice.starts_at
