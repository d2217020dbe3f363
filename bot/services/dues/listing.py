"""`/dues` for a secretary: the month's collection of their branches, a page at a time (`bot.services.kernel.pages`).

The head gives the month's totals over every member (核定, 本月已交, 应交, 实交); the entries follow, those behind
first (most months first), then those without a rule yet, then the rest — each with months unpaid and the monthly
amount. Filters: everyone, 欠交, 未核定; ◀ ▶ page through 200 members and more; the right is checked again at every
press."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import dues as rules
from bot.domain.call import Call
from bot.domain.dues import Month
from bot.domain.models import Member
from bot.domain.results import Reply, alert, say, shown
from bot.domain.rights import Capability
from bot.i18n import Html, t
from bot.services.dues.common import History, account, behind, first_unpaid, rule_for, scope
from bot.services.kernel import dates, pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.deps import Deps
from bot.services.kernel.pages import FilterWord
from bot.store.dues import Payment

LIST = pages.PageList.DUES


@dataclass(frozen=True)
class Standing:
    """One member this month: months unpaid to last month (0: none), the first of them, the monthly amount (分,
    None without a rule), whether this month is paid."""

    member: Member
    behind: int
    first: Month | None
    amount: int | None
    paid: bool

    @property
    def ruled(self) -> bool:
        return self.amount is not None


FILTERS: tuple[pages.Filter[Standing], ...] = (
    pages.Filter(FilterWord.ALL, "dues.filter_all"),
    pages.Filter(FilterWord.OVERDUE, "dues.filter_behind", lambda s: s.behind > 0),
    pages.Filter(FilterWord.NORULE, "dues.filter_norule", lambda s: not s.ruled),
)


@dataclass
class Totals:
    ruled: int = 0
    paid_count: int = 0
    due: int = 0
    paid: int = 0


async def standings(deps: Deps, call: Call, members: list[Member]) -> tuple[list[Standing], Totals]:
    """Every member's standing this month, those behind first, and the month's totals."""
    today = call.now.astimezone(deps.tz).date()
    ids = [m.id for m in members]
    all_rules = await deps.store.dues.rules_of(ids)
    payments: dict[int, list[Payment]] = {}
    for p in await deps.store.dues.payments_of(ids):
        payments.setdefault(p.member_id, []).append(p)
    current, totals, out = Month.of(today), Totals(), []
    for m in members:
        member_rules, paid = all_rules.get(m.id, []), payments.get(m.id, [])
        if not member_rules:
            out.append(Standing(m, 0, None, None, False))
            continue
        month = account(History(m.id, member_rules, paid), current, current, deps.tz).months[0]
        totals.ruled += 1
        totals.due += month.due
        totals.paid += month.paid
        totals.paid_count += month.covered
        count = behind(member_rules, paid, today, deps.tz)
        rule = rule_for(current, {r.year: r for r in member_rules})
        first = first_unpaid(today, count) if count else None
        out.append(Standing(m, count, first, rule.amount if rule else 0, month.covered))
    out.sort(key=lambda s: (-s.behind, s.ruled, s.paid))
    return out, totals


def _line(s: Standing, number: int, cap: int | None, lang: str) -> str:
    name = pages.clip(s.member.name, cap)
    amount = rules.yuan(s.amount or 0)
    if s.behind and s.first is not None:
        since = dates.month(lang, s.first)
        return t(lang, "dues.line_behind", number=number, name=name, count=s.behind, first=since, amount=amount)
    if not s.ruled:
        return t(lang, "dues.line_norule", number=number, name=name)
    return t(lang, "dues.line_paid" if s.paid else "dues.line_open", number=number, name=name, amount=amount)


async def dues_page(deps: Deps, call: Call, asked: pages.Asked, within: set[int] | None = None) -> Reply:
    """The month's collection in the secretary's branches (those among `within`, when given: then without buttons),
    one page of members."""
    person, lang = call.actor, call.lang
    tree, units = await scope(person, deps.store)
    if within is not None:
        units &= within
    members = await deps.store.members.in_units(sorted(units))
    if not members:
        return say("dues.list_empty")
    entries, totals = await standings(deps, call, members)
    page = pages.paginate(entries, FILTERS, asked)
    tops = [u for u in sorted(units) if tree.units[u].parent_id not in units]
    own = "、".join(tree.name(u) for u in tops) if within is not None else None
    if own is None:
        own = tree.name(person.member.unit_id) if person.member is not None else t(lang, "dues.by_admin")
    month = dates.month(lang, Month.of(call.now.astimezone(deps.tz).date()))
    head = [
        t(lang, "dues.list_head", month=month, units=own),
        t(
            lang,
            "dues.list_totals",
            ruled=totals.ruled,
            paid_count=totals.paid_count,
            due=rules.yuan(totals.due),
            paid=rules.yuan(totals.paid),
        ),
    ]
    if not page.counts.get(FilterWord.OVERDUE):
        head.append(t(lang, "dues.list_none_behind"))
    head += pages.narrowed(page, lang)
    foot = pages.footer(page, lang, export=True)
    if person.can(Capability.SECRETARY):  # /dues 姓名 and /pay: not for a reader from above (/overview)
        foot.append(t(lang, "dues.list_foot"))

    def render(lines: list[str]) -> str:
        return "\n".join([*head, "", *lines, "", *foot])

    html = pages.fit(render, lambda cap: [_line(s, page.offset + i + 1, cap, lang) for i, s in enumerate(page.entries)])
    keys = pages.buttons(page, lambda word, n: ListPage(LIST, 0, word, n).pack(), lang)
    return shown(Html(html), (keys or None) if within is None else None)


async def dues_list_page(deps: Deps, call: Call, pressed: ListPage) -> Reply:
    """A page or filter button of the /dues list: the right is checked again at every press."""
    person = call.actor
    if not (person.is_secretary or person.admin) or pressed.ref != 0:
        return alert("pages.expired", command="/dues")
    return await dues_page(deps, call, pages.Asked(pressed.filter, pressed.page))
