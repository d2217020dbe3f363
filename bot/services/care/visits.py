"""`/carevisit 姓名 | 带去/办理 | 下一步 [| YYYY-MM-DD]`: the case's visitor, or a secretary of the member's
units, logs a care visit (today unless a past day is given). Without arguments: the person's open cases, the
format and an example."""

from __future__ import annotations

from bot.domain.call import Call
from bot.domain.results import Result, say
from bot.domain.rights import Actor, OrgTree, managed_units
from bot.i18n import Html, t
from bot.services.care.buttons import CarePick
from bot.services.care.common import day, in_branch, situation, split, who
from bot.services.care.rules import parse_day
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.reports.common import member_of
from bot.store import Store
from bot.store.care import CareCase

MAX_BROUGHT = 500
MAX_NEXT = 300
#: Cases with a button on the guided list (the rest are typed in one line).
PICKS = 20
#: The example's name when the person has no case of their own to show.
EXAMPLE_NAME = "高桂兰"


async def _mine(person: Actor, store: Store) -> tuple[OrgTree, set[int]]:
    tree = OrgTree.of(await store.units.all())
    return tree, managed_units(person, tree)


async def care_units(person: Actor, store: Store) -> set[int]:
    """The units whose cases this person manages as a secretary (none for others)."""
    return (await _mine(person, store))[1]


def may_log(person: Actor, case: CareCase, units: set[int]) -> bool:
    """The case's visitor, or a secretary over the member's branch."""
    me = person.member
    return (me is not None and case.visitor_id == me.id) or case.unit_id in units


async def my_cases(person: Actor, store: Store) -> tuple[OrgTree, list[CareCase]]:
    """The open cases this person may log visits on: theirs as visitor, and those of their units."""
    tree, units = await _mine(person, store)
    member = member_of(person)
    own = await store.care.open_visited_by(member.id)
    managed = await store.care.open_in_units(units) if units else []
    seen = {c.id for c in own}
    return tree, own + [c for c in managed if c.id not in seen]


async def care_visit(deps: Deps, call: Call, text: str) -> Result:
    """`/carevisit 姓名 | 带去/办理 | 下一步 [| YYYY-MM-DD]`, or the guided list when nothing follows."""
    person, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    fields = split(text) if text.strip() else []
    if not fields:
        return await guide(deps, call)
    if len(fields) < 2 or not fields[0] or not fields[1]:
        return Result.of(say("care.visit_usage"))
    (name, branch), brought = who(fields[0]), fields[1]
    next_step = fields[2] if len(fields) > 2 else ""
    if len(brought) > MAX_BROUGHT or len(next_step) > MAX_NEXT:
        return Result.of(say("care.too_long", limit=MAX_BROUGHT))
    today = now.astimezone(settings.tz).date()
    visited_on = today
    if len(fields) > 3 and fields[3]:
        parsed = parse_day(fields[3], today)
        if parsed is None:
            return Result.of(say("care.bad_date", value=fields[3][:20], today=today.isoformat()))
        visited_on = parsed
    tree, units = await _mine(person, store)
    cases = [
        c
        for c in await store.care.open_named(name)
        if may_log(person, c, units) and (not branch or c.unit_id in in_branch({c.unit_id}, branch, tree))
    ]
    if not cases:  # no case, or not theirs: the same answer, so nothing is told of other people's cases
        return Result.of(say("care.visit_not_yours", name=name[:40]))
    if len(cases) > 1:
        return Result.of(say("care.ambiguous", name=name))
    case = cases[0]
    opened = case.opened_at.astimezone(settings.tz).date()
    if visited_on < opened:
        return Result.of(say("care.before_opened", since=dates.day(lang, opened)))
    await store.care.add_visit(case.id, member_of(person).id, visited_on, brought, next_step, now)
    return Result.of(
        say(
            "care.visit_saved",
            name=case.member_name,
            day=dates.day(lang, visited_on),
            next=next_step or t(lang, "care.no_next"),
        )
    )


async def guide(deps: Deps, call: Call) -> Result:
    """The person's open cases with their last visit, then the format and an example."""
    lang = call.lang
    tree, cases = await my_cases(call.actor, deps.store)
    example = Html(t(lang, "care.visit_example", name=cases[0].member_name if cases else EXAMPLE_NAME))
    if not cases:
        return Result.of(say("care.visit_none"), say("care.visit_format", example=example))
    lines = [
        t(
            lang,
            "care.visit_line",
            number=i + 1,
            name=c.member_name,
            unit=tree.name(c.unit_id),
            situation=situation(c, lang),
            last=day(c.last_visit, lang),
        )
        for i, c in enumerate(cases[:40])
    ]
    keys = [[{"text": c.member_name, "data": CarePick(c.id).pack()}] for c in cases[:PICKS]]
    return Result.of(
        say("care.visit_yours", lines=Html("\n".join(lines)), buttons=keys), say("care.visit_format", example=example)
    )
