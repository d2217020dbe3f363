"""What each member owes and has paid (党费), built from the stored rules and payments: pure once read.

A month's dues are those of its year's rule; a year without a rule yet (January, before the base is declared
again) keeps the latest earlier rule. A member owes from the later of January of the first year with a rule and
the month that rule was first set (so a branch that starts using the bot in the autumn is not told of a whole
year's arrears it may have on paper). A month is paid when an entry covers it that no correction cancelled;
each entry's amount is spread over its months in whole 分 (`rules.spread`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from bot.domain import dues as rules
from bot.domain.dues import Month
from bot.domain.models import Member
from bot.domain.rights import Actor, OrgTree, managed_units, visible_units
from bot.services.kernel.text import clean_text
from bot.store import Store
from bot.store.dues import DuesRule, Payment

#: Means of payment (方式) and the words accepted for each.
MEANS: dict[str, str] = {
    "cash": "cash",
    "现金": "cash",
    "transfer": "transfer",
    "转账": "transfer",
    "微信": "transfer",
    "支付宝": "transfer",
    "proxy": "proxy",
    "代交": "proxy",
}
#: The words that turn `/pay` into a correction: `/pay 更正 编号`.
CORRECT_WORDS = ("更正", "correct")


def split(text: str) -> list[str]:
    """The one-line form `a | b | c` (a full-width ｜ too), each part cleaned of invisible characters."""
    return [clean_text(p) for p in text.replace("｜", "|").split("|")]


def who(value: str) -> tuple[str, str]:
    """A name as typed, with its branch when names repeat: `姓名@支部` or `姓名（支部）` → (name, branch)."""
    value = value.strip()
    for left, right in (("（", "）"), ("(", ")")):
        if value.endswith(right) and left in value:
            name, _, rest = value.partition(left)
            return name.strip(), rest[:-1].strip()
    name, _, branch = value.partition("@")
    return name.strip(), branch.strip()


async def scope(person: Actor, store: Store) -> tuple[OrgTree, set[int]]:
    """The units whose dues this person keeps; for a reader from above (上级党委), those they oversee — only ever
    read: /dues and /pay refuse them (`Actor.can`), /overview lists."""
    tree = OrgTree.of(await store.units.all())
    return tree, visible_units(person, tree)


def recording_units(person: Actor, tree: OrgTree) -> set[int]:
    """The units whose members' payments this person may record (/pay): those a secretary manages; for the
    党费收缴人 of a branch (`Member.collector`), that branch alone."""
    units = managed_units(person, tree)
    me = person.member
    if me is not None and me.collector and not person.read_only:
        units.add(me.unit_id)
    return units


async def find(person: Actor, typed: str, store: Store, recording: bool = False) -> tuple[OrgTree, list[Member]]:
    """The active members called `typed` (with its branch, when given) within the units this person manages (with
    `recording`, those whose payments they may record: `recording_units`)."""
    tree, units = await scope(person, store)
    if recording:
        units = recording_units(person, tree)
    name, branch = who(typed)
    if branch:
        units &= {u.id for u in tree.find(branch)}
    return tree, [m for m in await store.members.named(clean_text(name)) if m.unit_id in units]


@dataclass(frozen=True)
class MonthLine:
    month: Month
    rule: DuesRule | None
    due: int  # 分
    paid: int  # 分, net of corrections
    paid_on: date | None  # the latest entry covering it
    by: str | None  # 经手人 of that entry
    covered: bool


@dataclass
class Account:
    """One member's dues over a run of months."""

    member_id: int
    since: Month | None
    months: list[MonthLine] = field(default_factory=list)

    @property
    def due(self) -> int:
        return sum(m.due for m in self.months)

    @property
    def paid(self) -> int:
        return sum(m.paid for m in self.months)


def rule_for(month: Month, by_year: dict[int, DuesRule]) -> DuesRule | None:
    years = [y for y in by_year if y <= month.year]
    return by_year[max(years)] if years else None


def owed_since(member_rules: list[DuesRule], tz: ZoneInfo) -> Month | None:
    if not member_rules:
        return None
    first = min(member_rules, key=lambda r: r.year)
    return max(Month(first.year, 1), Month.of(first.set_at.astimezone(tz).date()))


def covered(payments: Iterable[Payment]) -> dict[Month, list[tuple[Payment, int]]]:
    """Each month → the entries covering it with their share (corrections included, negative)."""
    found: dict[Month, list[tuple[Payment, int]]] = {}
    for p in payments:
        first, last = Month.parse(p.first_month), Month.parse(p.last_month)
        if first is None or last is None:
            continue
        run = rules.months(first, last)
        for month, share in zip(run, rules.spread(p.amount, len(run)), strict=True):
            found.setdefault(month, []).append((p, share))
    return found


def paid_months(payments: Iterable[Payment]) -> set[Month]:
    """Months covered by an entry that stands (not a correction, not cancelled by one)."""
    return {m for m, entries in covered(payments).items() if any(p.amount > 0 and not p.corrected for p, _ in entries)}


@dataclass(frozen=True)
class History:
    """A member's dues as recorded: their rules by year, and their payments (corrections included)."""

    member_id: int
    rules: list[DuesRule]
    payments: list[Payment]


def account(history: History, first: Month, last: Month, tz: ZoneInfo) -> Account:
    """The member's months from `first` to `last`: what each owed and what was paid for it."""
    member_id, member_rules, payments = history.member_id, history.rules, history.payments
    since = owed_since(member_rules, tz)
    by_year = {r.year: r for r in member_rules}
    cover = covered(payments)
    lines = []
    for month in rules.months(first, last):
        rule = rule_for(month, by_year)
        owes = since is not None and month >= since and rule is not None
        entries = cover.get(month, [])
        standing = [p for p, _ in entries if p.amount > 0 and not p.corrected]
        latest = max(standing, key=lambda p: (p.paid_on, p.id)) if standing else None
        lines.append(
            MonthLine(
                month,
                rule,
                rule.amount if owes and rule is not None else 0,
                sum(share for _, share in entries),
                latest.paid_on if latest else None,
                latest.recorded_by_name if latest else None,
                bool(standing),
            )
        )
    return Account(member_id, since, lines)


def behind(member_rules: list[DuesRule], payments: list[Payment], today: date, tz: ZoneInfo) -> int:
    """Consecutive months unpaid before the current one (0 when the member owes nothing yet)."""
    since = owed_since(member_rules, tz)
    if since is None:
        return 0
    return rules.months_behind(paid_months(payments), since, today)


def first_unpaid(today: date, count: int) -> Month:
    """The first month of a run of `count` unpaid months ending last month: names the run in reminder keys."""
    return Month.of(today).plus(-count)
