"""`/members` for secretaries: the members of the units they manage, with each member's latest status and
whether they have linked Telegram — as pages (`bot.services.kernel.pages`): the counts, a page of members unit by
unit, filters (not registered, away, ill, hardship, no status yet) and the units below as buttons."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.models import Member
from bot.domain.results import Buttons, Reply, Result, alert, say, shown
from bot.domain.rights import Actor, OrgTree, managed_units
from bot.i18n import Html, t
from bot.services.kernel import pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.pages import Filter, Page, clip
from bot.services.members.organisation_text import facts
from bot.services.reports.common import AWAY
from bot.services.reports.status import describe
from bot.store import Store
from bot.store.rolls import RollEntry

#: Buttons for the units below the one shown (a branch's Party groups, a committee's branches).
MAX_UNIT_BUTTONS = 24


FILTERS: tuple[Filter[RollEntry], ...] = (
    Filter("all", "members.filter.all"),
    Filter("unlinked", "members.filter.unlinked", lambda r: not r.linked),
    Filter("away", "members.filter.away", lambda r: r.state in AWAY),
    Filter("ill", "members.filter.ill", lambda r: r.state == "ill"),
    Filter("hardship", "members.filter.hardship", lambda r: r.state == "hardship"),
    Filter("nostatus", "members.filter.nostatus", lambda r: r.state is None and r.mobile),
)


def _line(
    row: RollEntry, member: Member | None, tree: OrgTree, lang: str, tz: ZoneInfo, cap: int | None, today: date
) -> str:
    """The member's status and link, then what the organisation says of them (roles, membership, 党龄,
    activity group, relation elsewhere, no vote: `organisation_text.facts`)."""
    if row.state is None or row.at is None:  # only a mobile member owes a status: the others show 「—」
        text = t(lang, "status.none" if row.mobile else "status.not_owed")
    else:
        state, where = describe(row.state, clip(row.location, cap) or None, lang)
        text = t(lang, "status.latest", state=state, where=where, date=row.at.astimezone(tz).strftime("%m-%d"))
    group = clip(tree.name(row.group_id), cap)
    name = Html(t(lang, "members.in_group", name=clip(row.name, cap), group=group)) if group else clip(row.name, cap)
    known = (
        ""
        if member is None
        else "".join(t(lang, "members.fact", fact=Html(fact)) for fact in facts(member, tree, lang, today))
    )
    vote = "" if member is None or member.votes else t(lang, "members.no_vote")
    return t(
        lang,
        "members.line",
        name=name,
        status=Html(text),
        unlinked="" if row.linked else Html(t(lang, "members.unlinked")),
        facts=Html(known),
        vote=Html(vote),
    )


def _label(tree: OrgTree, unit_id: int) -> str:
    """`一村党支部`, or `一村党支部 一组` for a Party group."""
    unit = tree.units[unit_id]
    if unit.kind == "group" and unit.parent_id is not None:
        return f"{tree.name(unit.parent_id)} {unit.name}"
    return unit.name


def _roots(units: set[int], tree: OrgTree) -> list[int]:
    """The managed units no other managed unit is above."""
    return sorted(u for u in units if tree.units[u].parent_id not in units)


def _scope(person: Actor, tree: OrgTree, ref: int) -> set[int] | None:
    """The units `ref` stands for (0: all the person manages), or None when they may not see it."""
    managed = managed_units(person, tree)
    if not person.is_secretary or not managed:
        return None
    if ref == 0:
        return managed
    return tree.subtree(ref) if ref in managed else None


def _unit_buttons(person: Actor, tree: OrgTree, ref: int, rows: list[RollEntry], word: str, lang: str) -> Buttons:
    """The units just below the one shown, with how many members each has (and ⬆ to the one above)."""
    managed = managed_units(person, tree)
    if ref:
        below = [u.id for u in tree.children(ref) if u.id in managed]
    else:
        roots = _roots(managed, tree)
        below = roots if len(roots) > 1 else [u.id for u in tree.children(roots[0])] if roots else []
    keys = []
    for unit_id in sorted(below)[:MAX_UNIT_BUTTONS]:
        within = tree.subtree(unit_id)
        count = sum(1 for r in rows if r.unit_id in within or r.group_id in within)
        if count:
            keys.append(
                {
                    "text": html.unescape(t(lang, "members.unit_button", unit=tree.name(unit_id), count=count)),
                    "data": ListPage(pages.PageList.MEMBERS, unit_id, pages.FilterWord(word), 1).pack(),
                }
            )
    parent = tree.units[ref].parent_id if ref else None
    if parent is not None and parent in managed:
        keys.append(
            {
                "text": html.unescape(t(lang, "members.up", unit=tree.name(parent))),  # plain text
                "data": ListPage(pages.PageList.MEMBERS, parent, pages.FilterWord(word), 1).pack(),
            }
        )
    return [keys[i : i + pages.PER_ROW] for i in range(0, len(keys), pages.PER_ROW)]


def _render(
    page: Page[RollEntry],
    title: str,
    per_unit: dict[int, int],
    tree: OrgTree,
    lang: str,
    tz: ZoneInfo,
    export: bool,
    people: dict[int, Member],
    today: date,
) -> str:
    """The counts, then the page's members under the heading of their unit (with that unit's count in
    this view), then where the page is."""
    head = [
        t(lang, "members.counts", scope=title, total=page.size, unlinked=page.counts.get("unlinked", 0)),
        *pages.narrowed(page, lang),
    ]
    foot = pages.footer(page, lang, export=export)

    def render(lines: list[str]) -> str:
        out = list(head)
        unit: int | None = None
        for row, line in zip(page.entries, lines, strict=True):
            if row.unit_id != unit:
                unit = row.unit_id
                out += ["", t(lang, "members.header", unit=tree.name(unit), count=per_unit.get(unit, 0))]
            out.append(line)
        if not lines:
            out += ["", t(lang, "pages.nobody_here")]
        return "\n".join([*out, *(["", *foot] if foot else [])])

    return pages.fit(
        render, lambda cap: [_line(row, people.get(row.id), tree, lang, tz, cap, today) for row in page.entries]
    )


async def _page(
    person: Actor,
    tree: OrgTree,
    ref: int,
    units: set[int],
    word: str,
    number: int,
    store: Store,
    settings: Settings,
    lang: str,
    now: datetime | None = None,
) -> Reply:
    rows = await store.rolls.members(units)  # by unit, Party group or activity group
    if not rows:
        return say("members.empty")
    page = pages.paginate(rows, FILTERS, pages.Asked(word, number))
    per_unit: dict[int, int] = {}
    for row in pages.select(rows, FILTERS, page.filter):
        per_unit[row.unit_id] = per_unit.get(row.unit_id, 0) + 1
    title = (
        _label(tree, ref) if ref else t(lang, "members.separator").join(_label(tree, u) for u in _roots(units, tree))
    )
    people = await store.members.by_ids(row.id for row in page.entries)
    today = (now or datetime.now(UTC)).astimezone(settings.tz).date()
    text = _render(page, title, per_unit, tree, lang, settings.tz, person.is_secretary, people, today)
    keys = pages.buttons(
        page,
        lambda f, n: ListPage(pages.PageList.MEMBERS, ref, f, n).pack(),
        lang,
        extra=_unit_buttons(person, tree, ref, rows, page.filter, lang),
    )
    return shown(text, keys)


async def list_members(
    person: Actor, wanted: str, store: Store, settings: Settings, lang: str, now: datetime | None = None
) -> Result:
    """`/members [unit]`: the first page of `wanted` (a unit's name; empty: every unit the person manages).
    A name that fits several units asks which one, with a button for each."""
    tree = OrgTree.of(await store.units.all())
    units = managed_units(person, tree)
    ref = 0
    if wanted:
        found = tree.find(wanted, within=units)
        if not found:
            names = t(lang, "members.separator").join(
                tree.name(u) for u in sorted(units) if tree.units[u].kind != "group"
            )
            return Result.of(say("members.unknown_unit", value=wanted, units=names))
        if len(found) > 1:
            keys = [
                [
                    {
                        "text": _label(tree, u.id),
                        "data": ListPage(pages.PageList.MEMBERS, u.id, pages.FilterWord.ALL, 1).pack(),
                    }
                ]
                for u in sorted(found, key=lambda u: u.id)[:MAX_UNIT_BUTTONS]
            ]
            return Result.of(say("members.which", value=wanted, buttons=keys))
        ref = found[0].id
    scope = _scope(person, tree, ref)
    if scope is None:
        return Result.of(say("members.empty"))
    return Result.of(await _page(person, tree, ref, scope, "all", 1, store, settings, lang, now))


async def members_page(
    person: Actor,
    ref: int,
    word: str,
    number: int,
    store: Store,
    settings: Settings,
    lang: str,
    now: datetime | None = None,
) -> Reply:
    """A page button of `/members`: the page, if the person still manages that unit; else the alert of an
    expired button."""
    tree = OrgTree.of(await store.units.all())
    scope = _scope(person, tree, ref) if ref == 0 or ref in tree.units else None
    if scope is None:
        return alert("pages.expired", command="/members")
    return await _page(person, tree, ref, scope, word, number, store, settings, lang, now)
