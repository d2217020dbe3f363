"""`/pay 姓名 | YYYY-MM[~YYYY-MM] | 金额 | 方式 [| YYYY-MM-DD]`: a secretary records dues paid by a member of
their branches, or the 党费收缴人 a secretary named (`bot.services.dues.collectors`) by a member of their own branch
(the one who records is the 经手人, kept with the entry); months before the day paid make it 补交, months after
it 预交. `/pay 更正 编号` cancels an entry with a new one of the opposite amount: nothing is ever edited — a secretary
any entry of their branches, a 收缴人 those they recorded. Nobody records or corrects their own dues (as nobody
reviews their own duty entries): another 经手人 does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain import dues as rules
from bot.domain.call import Call
from bot.domain.dues import Month, Timing
from bot.domain.models import Member
from bot.domain.results import Result, say, shown
from bot.domain.rights import Actor, OrgTree
from bot.i18n import Html, t
from bot.services.dues.common import CORRECT_WORDS, MEANS, History, account, find, recording_units, split
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.store.outbox import Outgoing

#: How far from the current month a payment may reach (a typing mistake beyond it).
REACH_MONTHS = 24
#: The longest entry number looked up (SQLite's integers end at 19 digits).
MAX_ENTRY_DIGITS = 18


@dataclass(frozen=True)
class Paid:
    """A payment as the reply and the member's receipt tell it."""

    first: Month
    last: Month
    amount: int
    means: str
    paid_on: date
    timing: Timing
    today: date  # the day it was recorded: the receipt names the year of a payment made in another


def receipt(deps: Deps, member: Member, paid: Paid, by: Member | None) -> Outgoing | None:
    """The member's receipt (收据) in their private chat, when they can be reached and did not record it
    themselves; its key gets the entry's number (`dues:receipt:<member>:<entry>`), so it goes once. The months
    covered are written in the member's language."""
    if not member.linked or member.unreachable or member.telegram_id is None or (by and by.id == member.id):
        return None
    lang = member.language or deps.settings.default_language
    return Outgoing(
        key=f"dues:receipt:{member.id}",
        kind="dues",
        ref=f"dues:{member.id}",
        member_id=member.id,
        chat_id=member.telegram_id,
        text=t(
            lang,
            "dues.receipt",
            name=member.name,
            months=dates.month_span(lang, paid.first, paid.last),
            amount=rules.yuan(paid.amount),
            means=t(lang, f"dues.means.{paid.means}"),
            day=dates.day_near(lang, paid.paid_on, paid.today),
            timing=t(lang, f"dues.timing.{paid.timing.value}"),
            by=by.name if by else t(lang, "dues.by_admin"),
        ),
    )


def not_found(person: Actor, tree: OrgTree, name: str) -> Result:
    """A name not among the members whose dues this person records: a 收缴人 is told it is their branch only."""
    me = person.member
    if me is not None and me.collector and not person.is_secretary:
        return Result.of(say("dues.unknown_collector", name=name[:40], unit=tree.name(me.unit_id)))
    return Result.of(say("dues.unknown", name=name[:40]))


def _day(text: str, today: date) -> date | None:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value <= today else None


async def pay_command(deps: Deps, call: Call, text: str) -> Result:
    """`/pay 姓名 | 月份 | 金额 | 方式 [| 日期]`, or `/pay 更正 编号`."""
    person, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    text = text.strip()
    head, _, rest = text.partition(" ")
    if head in CORRECT_WORDS:
        return await correct(deps, call, rest)
    fields = split(text)
    if len(fields) < 4 or not all(fields[:4]):
        return Result.of(say("dues.usage_pay"))
    today = now.astimezone(settings.tz).date()
    span = rules.parse_months(fields[1])
    if span is None:
        return Result.of(say("dues.bad_months", value=fields[1][:30]))
    first, last = span
    current = Month.of(today)
    if first.index < current.index - REACH_MONTHS or last.index > current.index + REACH_MONTHS:
        return Result.of(say("dues.too_far"))
    amount = rules.parse_money(fields[2])
    if amount is None or amount > rules.MAX_PAYMENT:
        return Result.of(say("dues.bad_money", value=fields[2][:20]))
    if amount <= 0:
        return Result.of(say("dues.amount_positive"))
    means = MEANS.get(fields[3].lower())
    if means is None:
        return Result.of(say("dues.bad_means", value=fields[3][:20]))
    paid_on = today
    if len(fields) > 4 and fields[4]:
        day = _day(fields[4], today)
        if day is None:
            return Result.of(say("dues.bad_day", value=fields[4][:20]))
        paid_on = day
    tree, found = await find(person, fields[0], store, recording=True)
    if not found:
        return not_found(person, tree, fields[0])
    if len(found) > 1:
        return Result.of(say("dues.ambiguous", name=fields[0][:40]))
    member = found[0]
    me = person.member
    if me is not None and member.id == me.id:
        return Result.of(say("dues.own_payment"))
    timing = rules.timing(first, last, paid_on)
    paid = Paid(first, last, amount, means, paid_on, timing, today)
    number = await store.dues.add_payment(
        member.id,
        str(first),
        str(last),
        amount,
        means,
        paid_on,
        me.id if me else None,
        now,
        receipt=receipt(deps, member, paid, me),
    )
    lines = [
        t(
            lang,
            "dues.paid",
            number=number,
            name=member.name,
            months=dates.month_span(lang, first, last),
            amount=rules.yuan(amount),
            means=t(lang, f"dues.means.{means}"),
            day=dates.day_near(lang, paid_on, today),
            timing=t(lang, f"dues.timing.{timing.value}"),
            by=me.name if me else t(lang, "dues.by_admin"),
        )
    ]
    member_rules = (await store.dues.rules_of([member.id])).get(member.id, [])
    if not member_rules:
        lines.append(t(lang, "dues.paid_no_rule", name=member.name))
    else:
        owed = account(History(member.id, member_rules, []), first, last, settings.tz).due
        if owed != amount:
            lines.append(t(lang, "dues.paid_expected", due=rules.yuan(owed)))
    if Month.of(paid_on).index - first.index > rules.LIMIT_MONTHS:
        lines.append(t(lang, "dues.paid_late_long"))
    return Result.of(shown(Html("\n".join(lines))))


async def correct(deps: Deps, call: Call, text: str) -> Result:
    """`/pay 更正 编号`: an entry of a member of the secretary's branches (for a 收缴人: one they recorded), not
    itself a correction nor of the person's own dues, cancelled once."""
    person, now, store, settings = call.actor, call.now, deps.store, deps.settings
    text = text.strip().lstrip("#＃")
    if not text.isdecimal() or not text.isascii():
        return Result.of(say("dues.correct_usage"))
    if len(text) > MAX_ENTRY_DIGITS:  # no entry has such a number, and SQLite could not even look it up
        return Result.of(say("dues.no_entry", number=text[:MAX_ENTRY_DIGITS] + "…"))
    number = int(text)
    entry = await store.dues.payment(number)
    tree = OrgTree.of(await store.units.all())
    me = person.member
    if entry is None or entry.unit_id not in recording_units(person, tree):
        return Result.of(say("dues.no_entry", number=number))
    if not person.is_secretary and (me is None or entry.recorded_by != me.id):
        return Result.of(say("dues.correct_not_recorded", number=number))
    if me is not None and entry.member_id == me.id:
        return Result.of(say("dues.own_payment"))
    if entry.corrects is not None:
        return Result.of(say("dues.cannot_correct", number=number))
    if entry.corrected:
        return Result.of(say("dues.already_corrected", number=number))
    new = await store.dues.add_payment(
        entry.member_id,
        entry.first_month,
        entry.last_month,
        -entry.amount,
        entry.means,
        now.astimezone(settings.tz).date(),
        me.id if me else None,
        now,
        corrects=entry.id,
    )
    if new is None:
        return Result.of(say("dues.already_corrected", number=number))
    first, last = Month.parse(entry.first_month), Month.parse(entry.last_month)
    months = dates.month_span(call.lang, first, last) if first and last else entry.first_month
    return Result.of(
        say(
            "dues.corrected",
            number=number,
            name=entry.member_name,
            months=months,
            amount=rules.yuan(entry.amount),
            new=new,
        )
    )
