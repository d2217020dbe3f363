"""`dues_rules.csv` and `dues_payments.csv` (党费), streamed from the store. Amounts in whole 分 (`*_fen`), so a
script adds them up exactly."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import date

from bot.domain import dues as rules
from bot.domain.rights import OrgTree
from bot.services.kernel.export_time import local
from bot.store import Store

RULES_HEADER = ["member", "branch", "year", "category", "base_fen", "rate_bp", "amount_fen", "more", "set_at"]
PAYMENTS_HEADER = [
    "id",
    "member",
    "branch",
    "first_month",
    "last_month",
    "amount_fen",
    "means",
    "timing",
    "paid_on",
    "recorded_by",
    "recorded_at",
    "corrects",
]


async def dues_rule_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.dues.each_rule(units)) as found:
        async for rule, name, unit in found:
            yield [
                name,
                tree.name(unit),
                rule.year,
                rule.category,
                rule.base if rule.base is not None else "",
                rule.rate,
                rule.amount,
                "yes" if rule.more else "no",
                local(rule.set_at),
            ]


def _timing(first: str, last: str, paid_on: date) -> str:
    a, b = rules.Month.parse(first), rules.Month.parse(last)
    return rules.timing(a, b, paid_on).value if a and b else ""


async def dues_payment_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    async with aclosing(store.dues.each_payment(units)) as found:
        async for p in found:
            yield [
                p.id,
                p.member_name,
                tree.name(p.unit_id),
                p.first_month,
                p.last_month,
                p.amount,
                p.means,
                "correction" if p.corrects is not None else _timing(p.first_month, p.last_month, p.paid_on),
                p.paid_on.isoformat(),
                p.recorded_by_name or "",
                local(p.recorded_at),
                p.corrects if p.corrects is not None else "",
            ]
