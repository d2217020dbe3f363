"""党费收缴台账, the workbook's dues sheet (issue 25): for the export's year, one row per member with a rule and
month owed or paid — the month as a date cell (2026年11月), 基数, 比例, 应交, 实交, 交纳日期, 经手人 (who recorded
the latest entry standing for that month: the secretary, the branch's 收缴人, or 社区党委 for an administrator
outside the roster) — then one total row per month (应交, 实交), so the inspector sees due against paid. Amounts
are written as yuan with two decimals, from whole 分 (never floats)."""

from __future__ import annotations

from bot.domain import dues as rules
from bot.domain.dues import Month
from bot.services.dues.common import History, account
from bot.services.kernel.xlsx_cells import Month as Cell
from bot.services.kernel.xlsx_cells import plain
from bot.services.kernel.xlsx_context import Ledger
from bot.store.dues import DuesRule, Payment

COLUMNS = ("month", "member", "branch", "category", "base", "rate", "due", "paid", "paid_on", "by")


async def dues_sheet(ledger: Ledger) -> None:
    table = ledger.book.table(ledger.text("dues.sheet"), ledger.headers("dues", COLUMNS), widths={1: 14, 9: 12})
    year = ledger.year
    first, last = Month(year, 1), Month(year, 12)
    by_member: dict[int, tuple[str, int, list[DuesRule]]] = {}
    async for rule, name, unit in ledger.store.dues.each_rule(ledger.units):
        by_member.setdefault(rule.member_id, (name, unit, []))[2].append(rule)
    payments: dict[int, list[Payment]] = {}
    async for p in ledger.store.dues.each_payment(ledger.units):
        payments.setdefault(p.member_id, []).append(p)
        by_member.setdefault(p.member_id, (p.member_name, p.unit_id, []))
    totals: dict[Month, list[int]] = {m: [0, 0] for m in rules.months(first, last)}
    lines = []
    admin = plain(ledger.lang, "dues.by_admin")  # recorded by an administrator outside the roster
    for member_id, (name, unit, member_rules) in by_member.items():
        books = account(History(member_id, member_rules, payments.get(member_id, [])), first, last, ledger.tz)
        for line in books.months:
            if not line.due and not line.paid:
                continue
            totals[line.month][0] += line.due
            totals[line.month][1] += line.paid
            ledger.seen(line.paid_on)
            current = line.rule
            lines.append(
                (
                    line.month,
                    name,
                    [
                        Cell(line.month.year, line.month.month),
                        name,
                        ledger.unit(unit) or None,
                        plain(ledger.lang, f"dues.category.{current.category}") if current else None,
                        rules.yuan(current.base) if current and current.base is not None else None,
                        rules.percent(current.rate) if current and current.rate else None,
                        rules.yuan(line.due),
                        rules.yuan(line.paid),
                        line.paid_on,
                        line.by or (admin if line.covered else None),
                    ],
                )
            )
    for _, _, cells in sorted(lines, key=lambda x: (x[0], x[1])):
        table.row(cells)
    total = ledger.text("dues.total")
    for month, (due, paid) in totals.items():
        if due or paid:
            table.row(
                [
                    Cell(month.year, month.month),
                    total,
                    None,
                    None,
                    None,
                    None,
                    rules.yuan(due),
                    rules.yuan(paid),
                    None,
                    None,
                ]
            )
