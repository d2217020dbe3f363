"""党员联户: which households a person may see and act on, when a household is due a visit, and `/households`
as pages (`bot.services.kernel.pages`): a member's own households with the last visit; for a secretary, their units'
coverage (households, members linked, never visited, not visited for `VISIT_REMINDER_DAYS`).

A household belongs to the unit of the member linked to it. Its member acts on it; a secretary acts on the
households of their units (an admin on all)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.call import Call
from bot.domain.results import Reply, Result, alert, say, shown
from bot.domain.rights import Actor, OrgTree, managed_units
from bot.i18n import t
from bot.services.kernel import dates, pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.deps import Deps
from bot.services.kernel.pages import Filter, clip
from bot.store import Store
from bot.store.households import Household

#: `ref` of a /households page button: the person's own households, or the units they manage.
OWN, UNITS = 0, 1


def address(household: Household) -> str:
    """`3号楼2单元301` as the import wrote it."""
    return "".join(p for p in (household.building, household.entrance, household.room) if p)


def is_stale(household: Household, now: datetime, days: int) -> bool:
    """Not visited for `days` (counted from when it was listed, for one never visited)."""
    return household.since + timedelta(days=days) <= now


def stale_from(household: Household, days: int) -> datetime:
    """When it becomes due a visit."""
    return household.since + timedelta(days=days)


def may_act(person: Actor, household: Household, tree: OrgTree) -> bool:
    """Its member; a secretary over the member's unit; an admin."""
    if person.admin:
        return True
    if person.member is not None and household.member_id == person.member.id:
        return True
    return household.unit_id is not None and household.unit_id in managed_units(person, tree)


@dataclass(frozen=True)
class Found:
    """A household named in a one-line form: the one meant, or why there is none."""

    household: Household | None
    problem: Reply | None


async def find_named(person: Actor, head: str, store: Store, tree: OrgTree) -> Found:
    """The household whose 户主 is `head` among those this person may act on: the person's own first. A household
    that is not theirs gets the same answer as one that does not exist: residents' names are not told to
    whoever guesses them."""
    everyone = await store.households.headed(head)
    mine = [h for h in everyone if person.member is not None and h.member_id == person.member.id]
    pool = mine or [h for h in everyone if may_act(person, h, tree)]
    if not pool:
        return Found(None, say("households.not_found", head=head))
    if len(pool) > 1:
        return Found(None, say("households.ambiguous", head=head, places="、".join(address(h) or "—" for h in pool)))
    return Found(pool[0], None)


def _day(lang: str, moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    return dates.day_near(lang, moment.astimezone(tz).date(), now.astimezone(tz).date())


def _filters(now: datetime, days: int) -> tuple[Filter[Household], ...]:
    return (
        Filter("all", "households.filter.all"),
        Filter("never", "households.filter.never", lambda h: h.last_visit_at is None),
        Filter("stale", "households.filter.stale", lambda h: is_stale(h, now, days)),
    )


async def _page(deps: Deps, call: Call, pressed: ListPage) -> Reply:
    person, now, store, lang, ref = call.actor, call.now, deps.store, call.lang, pressed.ref
    tz, days = deps.tz, deps.settings.visit_reminder_days
    word, number = pressed.filter, pressed.page
    filters = _filters(now, days)
    if ref == OWN:
        if person.member is None:
            return say("households.none_own")
        items = await store.households.of_member(person.member.id)
        if not items:
            return say("households.none_own")
        page = pages.paginate(items, filters, pages.Asked(word, number))
        head = [
            t(
                lang,
                "households.own_head",
                count=len(items),
                never=page.counts["never"],
                stale=page.counts["stale"],
                days=days,
            )
        ]
    else:
        tree = OrgTree.of(await store.units.all())
        units = managed_units(person, tree)
        items = await store.households.in_units(units)
        if not items:
            return say("households.none_units")
        page = pages.paginate(items, filters, pages.Asked(word, number))
        top = [tree.name(u) for u in sorted(units) if tree.units[u].parent_id not in units]
        head = [
            t(
                lang,
                "households.units_head",
                units="、".join(top),
                count=len(items),
                members=len({h.member_id for h in items}),
                never=page.counts["never"],
                stale=page.counts["stale"],
                days=days,
            )
        ]
    head += pages.narrowed(page, lang)
    foot = pages.footer(page, lang, export=person.is_secretary)

    def line(h: Household, cap: int | None) -> str:
        with_member = ref == UNITS
        visit = (
            t(lang, "households.last_visit", date=_day(lang, h.last_visit_at, now, tz))
            if h.last_visit_at
            else t(lang, "households.never")
        )
        extra = [t(lang, "households.people", count=h.people)] if h.people else []
        extra += [clip(h.note, cap)] if h.note else []
        extra += [h.phone] if h.phone and not with_member else []
        return t(
            lang,
            "households.line_member" if with_member else "households.line",
            head=clip(h.head, cap),
            place=clip(address(h) or "—", cap),
            extra="".join(f" · {e}" for e in extra),
            member=clip(h.member_name, cap),
            visit=visit,
            late=t(lang, "households.late", days=days) if is_stale(h, now, days) else "",
        )

    def render(lines: list[str]) -> str:
        body = lines or [t(lang, "pages.nobody_here")]
        return "\n".join([*head, *body, *(["", *foot] if foot else [])])

    text = pages.fit(render, lambda cap: [line(h, cap) for h in page.entries])
    keys = pages.buttons(page, lambda f, n: ListPage(pages.PageList.HOUSEHOLDS, ref, f, n).pack(), lang)
    return shown(text, keys)


async def list_households(deps: Deps, call: Call) -> Result:
    """`/households`: the person's own households; for a secretary, their units' coverage as well."""
    person = call.actor
    replies = []
    own = person.member is not None and bool(await deps.store.households.of_member(person.member.id))
    if own or not person.is_secretary:
        replies.append(await _page(deps, call, ListPage(pages.PageList.HOUSEHOLDS, OWN, pages.FilterWord.ALL, 1)))
    if person.is_secretary:
        replies.append(await _page(deps, call, ListPage(pages.PageList.HOUSEHOLDS, UNITS, pages.FilterWord.ALL, 1)))
    return Result.of(*replies)


async def households_page(deps: Deps, call: Call, pressed: ListPage) -> Reply:
    """A page button of /households, as the person may see it now."""
    person, ref = call.actor, pressed.ref
    if ref not in (OWN, UNITS) or (ref == UNITS and not person.is_secretary) or (person.member is None and ref == OWN):
        return alert("pages.expired", command="/households")
    return await _page(deps, call, pressed)
