"""The dues rule table (《关于中国共产党党费收缴、使用和管理的规定》): both sides of every band edge, rounding,
the fixed amounts, months and arrears. Pure functions, no database."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import dues as rules
from bot.domain.dues import Category, Month, Refused, Timing


def fen(text: str) -> int:
    value = rules.parse_money(text)
    assert value is not None, text
    return value


@pytest.mark.parametrize(
    ("base", "bp"),
    [
        ("0.01", 50),
        ("3000.00", 50),  # 3000元以下（含3000元）: 0.5%
        ("3000.01", 100),
        ("5000.00", 100),  # 3000元以上至5000元（含）: 1%
        ("5000.01", 150),
        ("10000.00", 150),  # 5000元以上至10000元（含）: 1.5%
        ("10000.01", 200),  # 10000元以上: 2%
        ("50000", 200),
    ],
)
def test_employed_bands_on_both_sides_of_each_edge(base: str, bp: int) -> None:
    assert rules.rate(Category.EMPLOYED, fen(base)) == bp


@pytest.mark.parametrize(
    ("base", "bp"),
    [("1", 50), ("5000.00", 50), ("5000.01", 100), ("20000", 100)],  # 5000元以下（含）0.5%, 以上 1%
)
def test_retired_bands_on_both_sides_of_the_edge(base: str, bp: int) -> None:
    assert rules.rate(Category.RETIRED, fen(base)) == bp


@pytest.mark.parametrize(
    ("category", "base", "owed"),
    [
        (Category.EMPLOYED, "3000.00", "15.00"),
        (Category.EMPLOYED, "3000.01", "30.00"),  # 30.0001 rounds down to the 角
        (Category.EMPLOYED, "5000.00", "50.00"),
        (Category.EMPLOYED, "5000.01", "75.00"),
        (Category.EMPLOYED, "10000.00", "150.00"),
        (Category.EMPLOYED, "10000.01", "200.00"),
        (Category.EMPLOYED, "2990", "15.00"),  # 14.95 rounds half up
        (Category.EMPLOYED, "2989.99", "14.90"),  # 14.9499…
        (Category.EMPLOYED, "4567.89", "45.70"),  # 45.6789
        (Category.RETIRED, "5000.00", "25.00"),
        (Category.RETIRED, "5000.01", "50.00"),
        (Category.RETIRED, "2345", "11.70"),  # 11.725 → 11.7 (half up to the 角: 11.725 < 11.75)
        (Category.RETIRED, "2350", "11.80"),  # 11.75 → 11.8
    ],
)
def test_monthly_amount_in_fen_rounded_to_the_jiao(category: Category, base: str, owed: str) -> None:
    rule = rules.make_rule(category, fen(base), None)
    assert rule.amount == fen(owed)
    assert isinstance(rule.amount, int)
    assert rule.amount % rules.ROUND_TO == 0


def test_fixed_amounts_of_farmers_students_and_hardship() -> None:
    assert rules.make_rule(Category.FARMER, None, None).amount == 20
    assert rules.make_rule(Category.FARMER, None, fen("1")).amount == 100
    assert not rules.make_rule(Category.FARMER, None, fen("1")).more
    assert rules.make_rule(Category.FARMER, None, fen("1.01")).more  # 自愿多交
    with pytest.raises(Refused):
        rules.make_rule(Category.FARMER, None, fen("0.19"))
    assert rules.make_rule(Category.STUDENT, None, None).amount == 20
    assert rules.make_rule(Category.HARDSHIP, None, fen("0.2")).amount == 20
    with pytest.raises(Refused):
        rules.make_rule(Category.HARDSHIP, None, fen("0.1"))


def test_employed_needs_a_base_and_may_pay_more_never_less() -> None:
    with pytest.raises(Refused) as missing:
        rules.make_rule(Category.EMPLOYED, None, fen("20"))
    assert missing.value.key == "dues.err.base_needed"
    more = rules.make_rule(Category.EMPLOYED, fen("4000"), fen("50"))
    assert (more.amount, more.more) == (5000, True)
    with pytest.raises(Refused) as less:
        rules.make_rule(Category.EMPLOYED, fen("4000"), fen("39.90"))
    assert less.value.params == {"owed": "40.00"}
    with pytest.raises(Refused):
        rules.make_rule(Category.RETIRED, 0, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("4500", 450000), ("4500.5", 450050), ("0.2", 20), ("3,000.01", 300001), ("12元", 1200), ("４５．５", 4550)],
)
def test_money_is_read_into_fen(text: str, value: int) -> None:
    assert rules.parse_money(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.234", "-5", "1e3", "4 5"])
def test_money_refused(text: str) -> None:
    assert rules.parse_money(text) is None


def test_yuan_and_percent_words() -> None:
    assert rules.yuan(1500) == "15.00"
    assert rules.yuan(-20) == "-0.20"
    assert [rules.percent(b) for b in (50, 100, 150, 200)] == ["0.5%", "1%", "1.5%", "2%"]


def test_categories_by_any_name() -> None:
    assert rules.category("在职") is Category.EMPLOYED
    assert rules.category("Retired") is Category.RETIRED
    assert rules.category("低保") is Category.HARDSHIP
    assert rules.category("会员") is None


def test_months_ranges() -> None:
    assert rules.parse_months("2026-03") == (Month(2026, 3), Month(2026, 3))
    assert rules.parse_months("2026-11~2027-02") == (Month(2026, 11), Month(2027, 2))
    assert rules.parse_months("2026-1至2026-6") == (Month(2026, 1), Month(2026, 6))
    assert rules.parse_months("2026-06~2026-01") is None
    assert rules.parse_months("2026-13") is None
    assert rules.parse_months("2024-01~2025-12") == (Month(2024, 1), Month(2025, 12))
    assert rules.parse_months("2024-01~2026-01") is None  # more than two years
    assert [str(m) for m in rules.months(Month(2026, 11), Month(2027, 1))] == ["2026-11", "2026-12", "2027-01"]


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("2026年10月", Month(2026, 10), Month(2026, 10)),
        ("2026年10月—11月", Month(2026, 10), Month(2026, 11)),
        ("2026年12月—2027年2月", Month(2026, 12), Month(2027, 2)),
        ("2026年9月——11月", Month(2026, 9), Month(2026, 11)),
        ("2026年9月至11月", Month(2026, 9), Month(2026, 11)),
        ("2026-09~11", Month(2026, 9), Month(2026, 11)),
    ],
)
def test_months_as_the_bot_writes_them_back(typed: str, first: Month, last: Month) -> None:
    """What /pay answers (「2026年10月—11月」) may be typed back into /pay."""
    assert rules.parse_months(typed) == (first, last)


@pytest.mark.parametrize("typed", ["10月", "2026年13月", "2026年11月—10月", "2026年10月—13月", "2026年10月—"])
def test_months_in_words_that_are_not_months(typed: str) -> None:
    assert rules.parse_months(typed) is None


def test_spread_keeps_every_fen() -> None:
    assert rules.spread(1000, 3) == [334, 333, 333]
    assert sum(rules.spread(-1001, 4)) == -1001
    assert rules.spread(20, 1) == [20]


def test_timing_of_a_payment() -> None:
    paid_on = date(2026, 5, 10)
    assert rules.timing(Month(2026, 5), Month(2026, 5), paid_on) is Timing.ON_TIME
    assert rules.timing(Month(2026, 5), Month(2026, 12), paid_on) is Timing.ADVANCE  # 预交
    assert rules.timing(Month(2026, 2), Month(2026, 5), paid_on) is Timing.LATE  # 补交


def test_months_behind_counts_from_last_month_back() -> None:
    today = date(2026, 7, 3)
    since = Month(2026, 1)
    assert rules.months_behind(set(), since, today) == 6  # January to June
    assert rules.months_behind({Month(2026, 6)}, since, today) == 0
    assert rules.months_behind({Month(2026, 4)}, since, today) == 2  # May, June
    assert rules.months_behind({Month(2026, 7)}, since, today) == 6  # paying ahead does not clear the past
    assert rules.months_behind(set(), Month(2026, 7), today) == 0  # owes nothing yet


@pytest.mark.parametrize(("behind", "stage"), [(2, None), (3, 3), (4, 3), (5, 5), (6, 5), (12, 5)])
def test_secretary_stages_on_both_sides(behind: int, stage: int | None) -> None:
    assert rules.secretary_stage(behind) == stage
