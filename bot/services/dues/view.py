"""`/dues`: a secretary sees the month's collection of their branches (who is behind and by how much) and one
member's year with `/dues 姓名`, sets a member's rule for the year with `/dues 姓名 | 类别 | 基数`, and names a
branch's 党费收缴人 with `/dues 收缴人 姓名` (`bot.services.dues.collectors`); anyone else — a 收缴人 too — sees only
their own dues: asking for another member's is answered as such, revealing nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import dues as rules
from bot.domain.call import Call
from bot.domain.dues import Month, Refused
from bot.domain.models import Member
from bot.domain.results import Reply, Result, say, shown
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.dues.collectors import COLLECTOR_WORDS, collector_command
from bot.services.dues.common import History, account, behind, find, first_unpaid, rule_for, split
from bot.services.dues.listing import dues_page
from bot.services.kernel import dates, pages
from bot.services.kernel.deps import Deps
from bot.store.dues import DuesRule


def _base(rule: DuesRule | rules.Rule, lang: str) -> str:
    if rule.base is None:
        return ""
    return t(lang, "dues.base_part", base=rules.yuan(rule.base), rate=rules.percent(rule.rate))


@dataclass(frozen=True)
class Target:
    """The member a secretary named, and the units as they stand (to name the member's)."""

    member: Member
    tree: OrgTree


async def dues_command(deps: Deps, call: Call, text: str) -> Result:
    """`/dues`, `/dues 姓名`, `/dues 姓名 | 类别 | 基数或金额`."""
    person = call.actor
    text = text.strip()
    head, _, rest = text.partition(" ")
    if head.lower() in COLLECTOR_WORDS:
        return await collector_command(deps, call, rest)
    manager = person.is_secretary or person.admin
    if not text:
        if manager:
            return Result.of(await dues_page(deps, call, pages.Asked()))
        if person.member is None:
            return Result.of(say("dues.not_yours"))
        return Result.of(await own_year(deps, call, person.member))
    fields = split(text)
    if not manager:
        me = person.member
        if len(fields) == 1 and me is not None and fields[0] == me.name:
            return Result.of(await own_year(deps, call, me))
        return Result.of(say("dues.not_yours"))
    tree, found = await find(person, fields[0], deps.store)
    if not found:
        return Result.of(say("dues.unknown", name=fields[0][:40]))
    if len(found) > 1:
        return Result.of(say("dues.ambiguous", name=fields[0][:40]))
    member = found[0]
    if len(fields) == 1:
        return Result.of(await own_year(deps, call, member))
    return await set_rule(deps, call, Target(member, tree), fields[1:])


async def set_rule(deps: Deps, call: Call, target: Target, fields: list[str]) -> Result:
    """`类别 | 基数或金额 [| 月交金额]`: the year's rule (核定), or its review (调整) when one is set already."""
    person, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    member, tree = target.member, target.tree
    category = rules.category(fields[0]) if fields[0] else None
    if category is None:
        return Result.of(say("dues.bad_category", value=fields[0][:20]) if fields[0] else say("dues.usage_set"))
    values: list[int | None] = []
    for raw in fields[1:3]:
        if not raw:
            values.append(None)
            continue
        money = rules.parse_money(raw)
        if money is None:
            return Result.of(say("dues.bad_money", value=raw[:20]))
        values.append(money)
    values += [None] * (2 - len(values))
    base, amount = (values[0], values[1]) if category in rules.BY_BASE else (None, values[0])
    try:
        rule = rules.make_rule(category, base, amount)
    except Refused as refused:
        return Result.of(Reply(key=refused.key, params=refused.params))
    year = now.astimezone(settings.tz).year
    me = person.member
    reviewed = await store.dues.set_rule(
        member.id, year, category.value, rule.base, rule.rate, rule.amount, rule.more, me.id if me else None, now
    )
    return Result.of(
        say(
            "dues.rule_reviewed" if reviewed else "dues.rule_set",
            name=member.name,
            unit=tree.name(member.unit_id),
            year=year,
            category=t(lang, f"dues.category.{category.value}"),
            base=Html(_base(rule, lang)),
            amount=rules.yuan(rule.amount),
            more=t(lang, "dues.more_note") if rule.more else "",
        )
    )


async def own_year(deps: Deps, call: Call, member: Member) -> Reply:
    """One member's dues this year: the rule, each month due and paid, the total, and whether they are behind."""
    store, settings, lang = deps.store, deps.settings, call.lang
    today = call.now.astimezone(settings.tz).date()
    member_rules = (await store.dues.rules_of([member.id])).get(member.id, [])
    payments = await store.dues.payments_of([member.id])
    current = Month.of(today)
    lines = [t(lang, "dues.own_head", name=member.name, year=today.year)]
    rule = rule_for(current, {r.year: r for r in member_rules})
    if rule is None:
        lines.append(t(lang, "dues.own_no_rule"))
    else:
        lines.append(
            t(
                lang,
                "dues.own_rule",
                category=t(lang, f"dues.category.{rule.category}"),
                base=Html(_base(rule, lang)),
                amount=rules.yuan(rule.amount),
            )
        )
    year = account(History(member.id, member_rules, payments), Month(today.year, 1), Month(today.year, 12), settings.tz)
    for line in year.months:
        if line.due or line.paid:
            day = t(lang, "dues.own_month_day", day=dates.day(lang, line.paid_on)) if line.paid_on else ""
            lines.append(
                t(
                    lang,
                    "dues.own_month",
                    month=dates.month(lang, line.month),
                    due=rules.yuan(line.due),
                    paid=rules.yuan(line.paid),
                    day=Html(day),
                )
            )
    lines.append(t(lang, "dues.own_totals", due=rules.yuan(year.due), paid=rules.yuan(year.paid)))
    count = behind(member_rules, payments, today, settings.tz)
    if count:
        lines.append(t(lang, "dues.own_behind", count=count, first=dates.month(lang, first_unpaid(today, count))))
    elif rule is not None:
        lines.append(t(lang, "dues.own_clear"))
    me = call.actor.member
    if me is not None and me.id == member.id and member.collector and not me.is_secretary:
        lines.append(t(lang, "dues.own_collector"))
    return shown(Html("\n".join(lines)))


async def branch_list(deps: Deps, call: Call, within: set[int] | None = None) -> Reply:
    """The month's collection as `/dues` shows it; among the units `within` (the /overview of a reader from above),
    those behind first, one page and no buttons (the overview is read, not paged)."""
    return await dues_page(deps, call, pages.Asked(), within)
