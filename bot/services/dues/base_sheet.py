"""党费基数核定表, the workbook's yearly review of the base (issue 25): for the export's year, one row per member
with a rule in force that year — 类别, 基数 (the monthly income declared), 比例 (the 党费规定's band), 月交,
全年 (twelve months), 自愿多交, the day it was set (核定日期, each January) and how often it was set again
(调整). A year without its own rule yet keeps the latest earlier one, and says so in 核定年度, so the secretary
sees whose base is still to be declared. Amounts from whole 分 (never floats)."""

from __future__ import annotations

from bot.domain import dues as rules
from bot.domain.dues import Month
from bot.services.dues.common import rule_for
from bot.services.kernel.xlsx_cells import plain
from bot.services.kernel.xlsx_context import Ledger
from bot.store.dues import DuesRule

COLUMNS = (
    "member",
    "branch",
    "category",
    "base",
    "rate",
    "monthly",
    "yearly",
    "more",
    "year",
    "set_on",
    "reviews",
)


async def base_sheet(ledger: Ledger) -> None:
    table = ledger.book.table(ledger.text("dues_base.sheet"), ledger.headers("dues_base", COLUMNS), widths={1: 14})
    by_member: dict[int, tuple[str, int, dict[int, DuesRule]]] = {}
    async for rule, name, unit in ledger.store.dues.each_rule(ledger.units):
        by_member.setdefault(rule.member_id, (name, unit, {}))[2][rule.year] = rule
    fixed, yes = ledger.text("dues_base.fixed"), ledger.text("dues_base.yes")
    for name, unit, by_year in by_member.values():
        found = rule_for(Month(ledger.year, 12), by_year)
        if found is None:
            continue
        rule = found
        set_on = rule.set_at.astimezone(ledger.tz).date()
        ledger.seen(set_on)
        table.row(
            [
                name,
                ledger.unit(unit) or None,
                plain(ledger.lang, f"dues.category.{rule.category}"),
                rules.yuan(rule.base) if rule.base is not None else None,
                rules.percent(rule.rate) if rule.rate else fixed,
                rules.yuan(rule.amount),
                rules.yuan(12 * rule.amount),
                yes if rule.more else None,
                str(rule.year) if rule.year == ledger.year else ledger.text("dues_base.kept", year=rule.year),
                set_on,
                rule.reviews or None,
            ]
        )
