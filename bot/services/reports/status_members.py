"""`/members` for secretaries: the members of the units they manage, with each member's latest status and
whether they have linked Telegram — as pages (`bot.services.kernel.pages`): the counts, a page of members unit by
unit, filters (not registered, away, ill, hardship, no status yet) and the units below as buttons."""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.domain.call import Call
from bot.domain.results import Buttons, Reply, Result, alert, say, shown
from bot.domain.rights import Actor, OrgTree, managed_units
from bot.i18n import Html, t
from bot.services.kernel import dates, pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.deps import Deps
from bot.services.kernel.kept import Kept, chunks, keeper
from bot.services.kernel.pages import Filter, clip
from bot.services.members.organisation_text import facts
from bot.services.reports.common import AWAY
from bot.services.reports.status import describe
from bot.store.rolls import GROUP, LINKED, MOBILE, STATE, UNIT, RollEntry, RollRow

#: Buttons for the units below the one shown (a branch's Party groups, a committee's branches).
MAX_UNIT_BUTTONS = 24


FILTERS: tuple[Filter[RollRow], ...] = (
    Filter("all", "members.filter.all"),
    Filter("unlinked", "members.filter.unlinked", lambda r: not r[LINKED]),
    Filter("away", "members.filter.away", lambda r: r[STATE] in AWAY),
    Filter("ill", "members.filter.ill", lambda r: r[STATE] == "ill"),
    Filter("hardship", "members.filter.hardship", lambda r: r[STATE] == "hardship"),
    Filter("nostatus", "members.filter.nostatus", lambda r: r[STATE] is None and bool(r[MOBILE])),
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


@dataclass(frozen=True)
class _View:
    """What a page of /members shows: `ref` (0: every unit the person manages) and the units it stands for."""

    tree: OrgTree
    ref: int
    units: set[int]


def _unit_buttons(call: Call, view: _View, roll: Kept[RollRow], word: str) -> Buttons:
    """The units just below the one shown, with how many members each has (and ⬆ to the one above)."""
    tree, ref, lang = view.tree, view.ref, call.lang
    managed = managed_units(call.actor, tree)
    if ref:
        below = [u.id for u in tree.children(ref) if u.id in managed]
    else:
        roots = _roots(managed, tree)
        below = roots if len(roots) > 1 else [u.id for u in tree.children(roots[0])] if roots else []
    keys = []
    pairs: dict[tuple[int, int | None], int] = roll.memo["pairs"]
    for unit_id in sorted(below)[:MAX_UNIT_BUTTONS]:
        if ("below", unit_id) not in roll.memo:  # counted once for the kept list
            within = tree.subtree(unit_id)
            roll.memo["below", unit_id] = sum(n for (u, g), n in pairs.items() if u in within or g in within)
        count = roll.memo["below", unit_id]
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


async def _roll(deps: Deps, view: _View, *, fresh: bool) -> Kept[RollRow]:
    """The members of the view's units (by unit, Party group or activity group), kept between presses, with how
    many each (unit, Party group) has (`pairs`: the unit buttons' counts) and each unit (`per_unit`), counted a
    chunk at a time (at 100 000 members the loop is let go between chunks)."""

    async def build() -> Kept[RollRow]:
        rows = await deps.store.rolls.rows(view.units)
        roll = await Kept.counted(rows, FILTERS)
        pairs: dict[tuple[int, int | None], int] = {}
        async for part in chunks(rows):
            for r in part:
                pairs[r[UNIT], r[GROUP]] = pairs.get((r[UNIT], r[GROUP]), 0) + 1
        per_unit: dict[int, int] = {}
        for (unit, _), count in pairs.items():
            per_unit[unit] = per_unit.get(unit, 0) + count
        roll.memo["pairs"], roll.memo["per_unit", FILTERS[0].word] = pairs, per_unit
        return roll

    return await keeper(deps.store).get(("members", frozenset(view.units)), build, fresh=fresh)


def _per_unit(roll: Kept[RollRow], word: str) -> dict[int, int]:
    """How many of the filter's members each unit has, counted once for the kept list."""
    if ("per_unit", word) not in roll.memo:
        per_unit: dict[int, int] = {}
        for row in roll.selected(word):
            per_unit[row[UNIT]] = per_unit.get(row[UNIT], 0) + 1
        roll.memo["per_unit", word] = per_unit
    found: dict[int, int] = roll.memo["per_unit", word]
    return found


async def _page(deps: Deps, call: Call, view: _View, asked: pages.Asked) -> Reply:
    """The counts, then the page's members under the heading of their unit (with that unit's count in
    this view), then where the page is."""
    store, lang, tz, tree, ref = deps.store, call.lang, deps.tz, view.tree, view.ref
    roll = await _roll(deps, view, fresh=asked.fresh)
    if not roll.items:
        return say("members.empty")
    page = roll.page(asked)
    entries = [RollEntry.of(r) for r in page.entries]
    per_unit = _per_unit(roll, page.filter)
    title = (
        _label(tree, ref)
        if ref
        else t(lang, "members.separator").join(_label(tree, u) for u in _roots(view.units, tree))
    )
    people = await store.members.by_ids(row.id for row in entries)
    today = call.now.astimezone(tz).date()
    head = [
        t(lang, "members.counts", scope=title, total=page.size, unlinked=page.counts.get("unlinked", 0)),
        *pages.narrowed(page, lang),
    ]
    foot = pages.footer(page, lang, export=call.actor.is_secretary)

    def line(row: RollEntry, cap: int | None) -> str:
        """The member's status and link, then what the organisation says of them (roles, membership, 党龄,
        activity group, relation elsewhere, no vote: `organisation_text.facts`)."""
        member = people.get(row.id)
        if row.state is None or row.at is None:  # only a mobile member owes a status: the others show 无需报备
            text = t(lang, "status.none" if row.mobile else "status.not_owed")
        else:
            state, where = describe(row.state, clip(row.location, cap) or None, lang)
            text = t(
                lang, "status.latest", state=state, where=where, date=dates.day(lang, row.at.astimezone(tz).date())
            )
        group = clip(tree.name(row.group_id), cap)
        name = (
            Html(t(lang, "members.in_group", name=clip(row.name, cap), group=group)) if group else clip(row.name, cap)
        )
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

    def render(lines: list[str]) -> str:
        out = list(head)
        unit: int | None = None
        for row, drawn in zip(entries, lines, strict=True):
            if row.unit_id != unit:
                unit = row.unit_id
                out += ["", t(lang, "members.header", unit=tree.name(unit), count=per_unit.get(unit, 0))]
            out.append(drawn)
        if not lines:
            out += ["", t(lang, "pages.nobody_here")]
        return "\n".join([*out, *(["", *foot] if foot else [])])

    text = pages.fit(render, lambda cap: [line(row, cap) for row in entries])
    keys = pages.buttons(
        page,
        lambda f, n: ListPage(pages.PageList.MEMBERS, ref, f, n).pack(),
        lang,
        extra=_unit_buttons(call, view, roll, page.filter),
    )
    return shown(text, keys)


async def list_members(deps: Deps, call: Call, wanted: str) -> Result:
    """`/members [unit]`: the first page of `wanted` (a unit's name; empty: every unit the person manages).
    A name that fits several units asks which one, with a button for each."""
    person, lang = call.actor, call.lang
    tree = OrgTree.of(await deps.store.units.all())
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
    return Result.of(await _page(deps, call, _View(tree, ref, scope), pages.Asked(fresh=True)))


async def members_page(deps: Deps, call: Call, pressed: ListPage) -> Reply:
    """A page button of `/members`: the page, if the person still manages that unit; else the alert of an
    expired button."""
    tree = OrgTree.of(await deps.store.units.all())
    ref = pressed.ref
    scope = _scope(call.actor, tree, ref) if ref == 0 or ref in tree.units else None
    if scope is None:
        return alert("pages.expired", command="/members")
    return await _page(deps, call, _View(tree, ref, scope), pages.Asked(pressed.filter, pressed.page))
