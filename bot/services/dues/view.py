"""`/dues`: a secretary sees the month's collection of their branches (who is behind and by how much) and one
member's year with `/dues 姓名`, and sets a member's rule for the year with `/dues 姓名 | 类别 | 基数`; anyone
else sees only their own dues — asking for another member's is answered as such, revealing nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import dues as rules
from bot.domain.call import Call
from bot.domain.dues import Month, Refused
from bot.domain.models import Member
from bot.domain.results import Reply, Result, say, shown
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.dues.common import History, account, behind, find, first_unpaid, rule_for, scope, split
from bot.services.kernel.deps import Deps
from bot.store.dues import DuesRule, Payment


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
    manager = person.is_secretary or person.admin
    if not text:
        if manager:
            return Result.of(await branch_list(deps, call))
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
            day = t(lang, "dues.own_month_day", day=line.paid_on.isoformat()) if line.paid_on else ""
            lines.append(
                t(
                    lang,
                    "dues.own_month",
                    month=str(line.month),
                    due=rules.yuan(line.due),
                    paid=rules.yuan(line.paid),
                    day=Html(day),
                )
            )
    lines.append(t(lang, "dues.own_totals", due=rules.yuan(year.due), paid=rules.yuan(year.paid)))
    count = behind(member_rules, payments, today, settings.tz)
    if count:
        lines.append(t(lang, "dues.own_behind", count=count, first=str(first_unpaid(today, count))))
    elif rule is not None:
        lines.append(t(lang, "dues.own_clear"))
    return shown(Html("\n".join(lines)))


async def branch_list(deps: Deps, call: Call, within: set[int] | None = None) -> Reply:
    """The month's collection in the secretary's branches (those among `within`, when given): totals, who is behind
    (to last month), who has no rule yet."""
    person, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    today = now.astimezone(settings.tz).date()
    tree, units = await scope(person, store)
    if within is not None:
        units &= within
    members = await store.members.in_units(sorted(units))
    if not members:
        return say("dues.list_empty")
    ids = [m.id for m in members]
    all_rules = await store.dues.rules_of(ids)
    payments: dict[int, list[Payment]] = {}
    for p in await store.dues.payments_of(ids):
        payments.setdefault(p.member_id, []).append(p)
    current = Month.of(today)
    due = paid = paid_count = 0
    late: list[str] = []
    unruled: list[str] = []
    for m in members:
        member_rules = all_rules.get(m.id, [])
        if not member_rules:
            unruled.append(m.name)
            continue
        history = History(m.id, member_rules, payments.get(m.id, []))
        month = account(history, current, current, settings.tz).months[0]
        due += month.due
        paid += month.paid
        paid_count += month.covered
        count = behind(member_rules, payments.get(m.id, []), today, settings.tz)
        if count:
            rule = rule_for(current.plus(-1), {r.year: r for r in member_rules})
            late.append(
                t(
                    lang,
                    "dues.list_behind",
                    name=m.name,
                    count=count,
                    first=str(first_unpaid(today, count)),
                    amount=rules.yuan(rule.amount) if rule else "—",
                )
            )
    tops = [u for u in sorted(units) if tree.units[u].parent_id not in units]
    own = "、".join(tree.name(u) for u in tops) if within is not None else None
    if own is None:
        own = tree.name(person.member.unit_id) if person.member is not None else t(lang, "dues.by_admin")
    lines = [
        t(lang, "dues.list_head", month=str(current), units=own),
        t(
            lang,
            "dues.list_totals",
            ruled=len(members) - len(unruled),
            paid_count=paid_count,
            due=rules.yuan(due),
            paid=rules.yuan(paid),
        ),
        "",
    ]
    lines += [t(lang, "dues.list_behind_head"), *late] if late else [t(lang, "dues.list_none_behind")]
    if unruled:
        lines += ["", t(lang, "dues.list_no_rule", count=len(unruled), names="、".join(unruled))]
    lines += ["", t(lang, "dues.list_foot")]
    return shown(Html("\n".join(lines)))
