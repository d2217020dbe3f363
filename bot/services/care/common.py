"""`/care`: a secretary opens a care case for a member in hardship (困难党员台账), lists the open cases of their
units, and closes one when it is resolved. An `ill` or `hardship` status opens a case too, in the status's own
write (`care_statements`). One open case per member: a second `/care` for them is refused and names the open
one; a status while one is open leaves it as it is (the status itself is in the status ledger)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Reply, Result, alert, say, shown
from bot.domain.rights import Actor, OrgTree, managed_units
from bot.i18n import Html, t
from bot.services.kernel import dates, pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.reports.common import ALERTING, StatusInput
from bot.store import Store
from bot.store.care import CareCase, open_from_status
from bot.store.db import Statement
from bot.store.outbox import Outgoing

MAX_SITUATION = 300
MAX_OUTCOME = 500
LIST = pages.PageList.CARE
FILTERS: tuple[pages.Filter[CareCase], ...] = (pages.Filter("all", "care.filter_all"),)
#: The words that turn `/care` into closing a case: `/care 结案 姓名 | 结果`.
CLOSE_WORDS = ("结案", "close")


def split(text: str) -> list[str]:
    """The one-line form `a | b | c` (a full-width ｜ too), each part cleaned of invisible characters."""
    return [clean_text(p) for p in text.replace("｜", "|").split("|")]


def care_statements(member_id: int, status: StatusInput, now: datetime, tz: ZoneInfo) -> list[Statement]:
    """What an `ill` or `hardship` status adds to its own write: the care case, visited by the liaison."""
    if status.state not in ALERTING:
        return []
    today = now.astimezone(tz).date()
    return [open_from_status(member_id, status.state, status.note or "", now, today)]


def day(value: date | None, lang: str) -> str:
    return dates.day(lang, value) if value else t(lang, "care.never")


def situation(case: CareCase, lang: str) -> str:
    """What the case is about: the words given, or what opened it."""
    return case.situation or t(lang, f"care.source.{case.source}")


def who(value: str) -> tuple[str, str]:
    """A name as typed, with its branch when names repeat: `姓名@支部` or `姓名（支部）` → (name, branch)."""
    value = value.strip()
    for left, right in (("（", "）"), ("(", ")")):
        if value.endswith(right) and left in value:
            name, _, rest = value.partition(left)
            return name.strip(), rest[:-1].strip()
    name, _, branch = value.partition("@")
    return name.strip(), branch.strip()


def in_branch(units: set[int], branch: str, tree: OrgTree) -> set[int]:
    """`units` narrowed to the branch named (all of them when none is)."""
    return units & {u.id for u in tree.find(branch)} if branch else units


def in_scope(members: list[Member], units: set[int]) -> list[Member]:
    return [m for m in members if m.unit_id in units]


async def care_command(deps: Deps, call: Call, text: str) -> Result:
    """`/care` (the list), `/care 姓名 | 情况 [| 走访人]` (open), `/care 结案 姓名 | 结果` (close)."""
    text = text.strip()
    if not text:
        return Result.of(await care_page(deps, call, 1))
    head, _, rest = text.partition(" ")
    if head in CLOSE_WORDS:
        return await close_case(deps, call, split(rest))
    return await open_case(deps, call, split(text))


async def _scope(person: Actor, store: Store) -> tuple[OrgTree, set[int]]:
    tree = OrgTree.of(await store.units.all())
    return tree, managed_units(person, tree)


async def open_case(deps: Deps, call: Call, fields: list[str]) -> Result:
    """Open a case for a member of the secretary's units; the visitor is told (through the outbox)."""
    person, now, store, settings = call.actor, call.now, deps.store, deps.settings
    if len(fields) < 2 or not fields[0] or not fields[1]:
        return Result.of(say("care.usage"))
    (name, branch), words = who(fields[0]), fields[1]
    if len(words) > MAX_SITUATION:
        return Result.of(say("care.too_long", limit=MAX_SITUATION))
    tree, units = await _scope(person, store)
    found = in_scope(await store.members.named(name), in_branch(units, branch, tree))
    if not found:
        return Result.of(say("care.unknown", name=name[:40]))
    if len(found) > 1:
        return Result.of(say("care.ambiguous", name=name))
    member = found[0]
    visitor: Member | None = None
    if len(fields) > 2 and fields[2]:
        visitor_name, visitor_branch = who(fields[2])
        named = in_scope(await store.members.named(visitor_name), in_branch(units, visitor_branch, tree))
        if len(named) != 1:
            return Result.of(say("care.unknown_visitor", name=fields[2][:40]))
        visitor = named[0]
    elif member.liaison_id is not None:
        visitor = await store.members.get(member.liaison_id)
        visitor = visitor if visitor is not None and visitor.active else None
    existing = await store.care.open_for(member.id)
    if existing is not None:
        return Result.of(
            say(
                "care.already_open",
                name=member.name,
                since=dates.day(call.lang, existing.opened_at.astimezone(settings.tz).date()),
                visitor=existing.visitor_name or "—",
            )
        )
    messages = []
    me = person.member
    if visitor is not None and visitor.linked and not visitor.unreachable and (me is None or visitor.id != me.id):
        assert visitor.telegram_id is not None
        vlang = visitor.language or settings.default_language
        messages.append(
            Outgoing(
                key=f"care:assigned:{member.id}:{now.timestamp():.0f}:{visitor.id}",
                kind="care",
                ref=f"care:{member.id}",
                member_id=visitor.id,
                chat_id=visitor.telegram_id,
                text=t(
                    vlang,
                    "care.assigned",
                    name=member.name,
                    unit=tree.name(member.unit_id),
                    situation=words,
                    by=me.name if me else t(vlang, "care.by_admin"),
                ),
            )
        )
    opened = await store.care.open_case(
        member.id,
        "secretary",
        words,
        visitor.id if visitor else None,
        me.id if me else None,
        now,
        now.astimezone(settings.tz).date(),
        messages,
    )
    if opened is None:  # opened meanwhile by a status
        return Result.of(say("care.already_open_now", name=member.name))
    if visitor is None:
        key = "care.opened_no_visitor"
    elif messages:
        key = "care.opened"
    else:  # the secretary visits themselves, or the visitor cannot be reached through the bot
        key = "care.opened_self" if me is not None and visitor.id == me.id else "care.opened_untold"
    return Result.of(
        say(key, name=member.name, unit=tree.name(member.unit_id), visitor=visitor.name if visitor else ""),
        queued=len(messages),
    )


async def close_case(deps: Deps, call: Call, fields: list[str]) -> Result:
    """`/care 结案 姓名 | 结果`: a secretary closes an open case of their units with what came of it."""
    person, store = call.actor, deps.store
    if len(fields) < 2 or not fields[0] or not fields[1]:
        return Result.of(say("care.close_usage"))
    (name, branch), outcome = who(fields[0]), fields[1]
    if len(outcome) > MAX_OUTCOME:
        return Result.of(say("care.too_long", limit=MAX_OUTCOME))
    tree, units = await _scope(person, store)
    units = in_branch(units, branch, tree)
    cases = [c for c in await store.care.open_named(name) if c.unit_id in units]
    if not cases:
        return Result.of(say("care.no_open_case", name=name[:40]))
    if len(cases) > 1:
        return Result.of(say("care.ambiguous", name=name))
    me = person.member
    if not await store.care.close(cases[0].id, me.id if me else None, outcome, call.now):
        return Result.of(say("care.no_open_case", name=name[:40]))
    return Result.of(say("care.closed", name=name))


async def care_page(deps: Deps, call: Call, number: int) -> Reply:
    """The open cases of the secretary's units, a page at a time, with the last visit of each."""
    lang = call.lang
    tree, units = await _scope(call.actor, deps.store)
    cases = await deps.store.care.open_in_units(units)
    if not cases:
        return say("care.none_open")
    page = pages.paginate(cases, FILTERS, pages.Asked("all", number))
    head = [t(lang, "care.list_head", count=page.size)]
    foot = [*pages.footer(page, lang, export=True), t(lang, "care.list_foot")]

    def line(case: CareCase, number: int, cap: int | None) -> str:
        return t(
            lang,
            "care.line",
            number=number,
            name=pages.clip(case.member_name, cap),
            unit=pages.clip(tree.name(case.unit_id), cap),
            situation=pages.clip(situation(case, lang), cap),
            visitor=pages.clip(case.visitor_name, cap) or t(lang, "care.no_visitor"),
            last=day(case.last_visit, lang),
            since=dates.day(lang, case.opened_at.astimezone(deps.tz).date()),
        )

    def render(lines: list[str]) -> str:
        return "\n".join([*head, "", *lines, "", *foot])

    html = pages.fit(render, lambda cap: [line(c, page.offset + i + 1, cap) for i, c in enumerate(page.entries)])
    keys = pages.buttons(page, lambda word, n: ListPage(LIST, 0, word, n).pack(), lang)
    return shown(Html(html), keys or None)


async def care_list_page(deps: Deps, call: Call, pressed: ListPage) -> Reply:
    """A page button of the /care list: the right is checked again at every press; a member without it (or a
    forged reference) gets the alert of an expired button."""
    if not call.actor.is_secretary or pressed.ref != 0:
        return alert("pages.expired", command="/care")
    return await care_page(deps, call, pressed.page)
