"""The pure rules of Party dues (党费), as 中组部《关于中国共产党党费收缴、使用和管理的规定》(2008) gives them
(docs/PRODUCT.md, "党费", cites each figure). Every amount is an integer number of 分 (0.01 yuan): never a float.

* 在职 (`employed`): 税后月工资收入 3000元以下（含3000元）0.5%; 3000元以上至5000元（含）1%; 5000元以上至
  10000元（含）1.5%; 10000元以上 2%.
* 离退休 (`retired`): 离退休费或养老金总额 5000元以下（含5000元）0.5%; 5000元以上 1%.
* 农民党员 (`farmer`): 0.2元—1元 a month, the amount the branch fixes.
* 学生党员、下岗失业、依靠抚恤或救济生活、领取最低生活保障金的党员 (`student`, `hardship`): 0.2元 a month.
* 自愿多交党费不限: a fixed amount above what the rule gives is accepted; less than the rule (少交或免交) needs
  经党支部研究、报上一级党委批准, which the bot does not record, so it is refused here.

The base is the monthly income declared for the year (核定一次, each January; it may be reviewed). A percentage
of it is rounded half up to the 角 (0.1 yuan), as issue 25 asks: the regulation itself sets no rounding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Category(StrEnum):
    """党费类别 (SPEC §10, roster column `dues_category`)."""

    EMPLOYED = "employed"  # 在职
    RETIRED = "retired"  # 离退休
    FARMER = "farmer"  # 农民
    STUDENT = "student"  # 学生
    HARDSHIP = "hardship"  # 困难: 下岗失业, 抚恤或救济, 低保


#: The words accepted for each category (English, Chinese, and the longer Chinese people write).
CATEGORY_WORDS: dict[str, Category] = {
    "employed": Category.EMPLOYED,
    "在职": Category.EMPLOYED,
    "retired": Category.RETIRED,
    "离退休": Category.RETIRED,
    "退休": Category.RETIRED,
    "离休": Category.RETIRED,
    "farmer": Category.FARMER,
    "农民": Category.FARMER,
    "student": Category.STUDENT,
    "学生": Category.STUDENT,
    "hardship": Category.HARDSHIP,
    "困难": Category.HARDSHIP,
    "下岗": Category.HARDSHIP,
    "失业": Category.HARDSHIP,
    "下岗失业": Category.HARDSHIP,
    "低保": Category.HARDSHIP,
    "生活困难": Category.HARDSHIP,
}

#: Categories whose dues are a percentage of a declared base.
BY_BASE = frozenset({Category.EMPLOYED, Category.RETIRED})

YUAN = 100  # 分 in a yuan
#: (upper bound of the band in 分, inclusive; rate in basis points, 1/10000). The last band has no bound.
EMPLOYED_BANDS: tuple[tuple[int | None, int], ...] = (
    (3000 * YUAN, 50),  # 3000元以下（含3000元）: 0.5%
    (5000 * YUAN, 100),  # 3000元以上至5000元（含）: 1%
    (10000 * YUAN, 150),  # 5000元以上至10000元（含）: 1.5%
    (None, 200),  # 10000元以上: 2%
)
RETIRED_BANDS: tuple[tuple[int | None, int], ...] = (
    (5000 * YUAN, 50),  # 5000元以下（含5000元）: 0.5%
    (None, 100),  # 5000元以上: 1%
)
FARMER_MIN = 20  # 0.2元
FARMER_MAX = 100  # 1元
REDUCED = 20  # 0.2元: students, 下岗失业, 抚恤救济, 低保
ROUND_TO = 10  # 分: a percentage is rounded half up to the 角
MAX_BASE = 10_000_000 * YUAN  # a monthly income beyond this is a typing mistake
MAX_PAYMENT = 1_000_000 * YUAN
#: 补交党费的时间一般不得超过6个月; and six months unpaid without good reason is 自行脱党 (党章 第九条).
LIMIT_MONTHS = 6

_MONEY = re.compile(r"^([0-9]{1,9})(?:\.([0-9]{1,2}))?$")
#: Full-width digits and point (typed by a Chinese input method) read as ASCII.
_WIDE = str.maketrans("０１２３４５６７８９．", "0123456789.")
#: `2026-03`, or as the bot writes it back, `2026年3月`.
_MONTH = re.compile(r"^([0-9]{4})\s*(?:-|年)\s*([0-9]{1,2})\s*月?$")
#: The second month of a range written as people say it, within the first one's year: `2026年10月—11月`.
_SAME_YEAR = re.compile(r"^([0-9]{1,2})\s*月?$")


def category(word: str) -> Category | None:
    return CATEGORY_WORDS.get(word.strip().lower())


def parse_money(text: str) -> int | None:
    """`4500`, `4500.5`, `0.2`, `3000.01` (yuan, at most two decimals, a trailing 元 allowed) → 分; else None."""
    value = text.strip().translate(_WIDE).replace(",", "").replace("，", "").removesuffix("元").strip()
    found = _MONEY.match(value)
    if found is None:
        return None
    whole, cents = found.group(1), (found.group(2) or "").ljust(2, "0")
    return int(whole) * YUAN + int(cents)


def yuan(fen: int) -> str:
    """分 → `12.30` (always two decimals; a minus sign for a correction)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // YUAN}.{fen % YUAN:02d}"


def rate(category: Category, base: int) -> int:
    """The rate in basis points (50 = 0.5 %) of a monthly base in 分; 0 for fixed-amount categories."""
    bands = EMPLOYED_BANDS if category is Category.EMPLOYED else RETIRED_BANDS if category is Category.RETIRED else ()
    for upper, bp in bands:
        if upper is None or base <= upper:
            return bp
    return 0


def percent(bp: int) -> str:
    """50 → `0.5%`, 100 → `1%`, 150 → `1.5%`."""
    whole, rest = divmod(bp, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


def round_half_up(numerator: int, denominator: int, step: int) -> int:
    """numerator/denominator rounded half up to a multiple of `step`, in integers only."""
    units = denominator * step
    return (2 * numerator + units) // (2 * units) * step


def by_rate(category: Category, base: int) -> int:
    """The monthly dues in 分 of a base in 分, by the category's bands, rounded half up to the 角."""
    return round_half_up(base * rate(category, base), 10_000, ROUND_TO)


@dataclass(frozen=True)
class Rule:
    """One member's dues for a year: the category, the base (分, for employed and retired), the monthly amount
    (分) and whether it is more than the rule asks (自愿多交)."""

    category: Category
    base: int | None
    amount: int
    rate: int = 0
    more: bool = False


class Refused(ValueError):
    """The rule cannot be set: a catalogue key with its values."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def make_rule(category: Category, base: int | None, amount: int | None) -> Rule:
    """The rule of a category from a base (employed, retired) and/or a fixed amount; raises `Refused`.

    Employed and retired need a base; a fixed amount with it may only be more (自愿多交). A farmer's amount is
    0.2–1 元 (0.2 when none is given); students and hardship pay 0.2 元, or more when they choose to."""
    if category in BY_BASE:
        if base is None:
            raise Refused("dues.err.base_needed")
        if not 0 < base <= MAX_BASE:
            raise Refused("dues.err.base_range")
        owed = by_rate(category, base)
        bp = rate(category, base)
        if amount is None or amount == owed:
            return Rule(category, base, owed, bp)
        if amount < owed:
            raise Refused("dues.err.less_than_rule", owed=yuan(owed))
        return Rule(category, base, amount, bp, more=True)
    if category is Category.FARMER:
        value = FARMER_MIN if amount is None else amount
        if value < FARMER_MIN:
            raise Refused("dues.err.farmer_range")
        return Rule(category, None, value, more=value > FARMER_MAX)
    value = REDUCED if amount is None else amount
    if value < REDUCED:
        raise Refused("dues.err.less_than_rule", owed=yuan(REDUCED))
    return Rule(category, None, value, more=value > REDUCED)


# --------------------------------------------------------------------------- months


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month | None:
        found = _MONTH.match(text.strip())
        if found is None:
            return None
        year, month = int(found.group(1)), int(found.group(2))
        return cls(year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def at(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def plus(self, months: int) -> Month:
        return Month.at(self.index + months)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_months(text: str) -> tuple[Month, Month] | None:
    """`2026-03` or `2026-01~2026-06` (also `～`, `至`, `到` between two months), or as the bot writes them
    (`dates.month_span`): `2026年10月`, `2026年10月—11月`, `2026年12月—2027年2月` → (first, last); None when
    unreadable, reversed, or longer than two years."""
    text = text.strip()
    for sep in ("~", "～", "至", "到", "—", "–"):
        if sep in text:
            left, _, right = text.partition(sep)
            right = right.lstrip("—–")
            break
    else:
        left, right = text, text
    first, last = Month.parse(left), Month.parse(right)
    same_year = _SAME_YEAR.match(right.strip())
    if first is not None and same_year is not None:
        last = Month.parse(f"{first.year}-{same_year.group(1)}")
    if first is None or last is None or last < first or last.index - first.index >= 24:
        return None
    return first, last


def months(first: Month, last: Month) -> list[Month]:
    return [Month.at(i) for i in range(first.index, last.index + 1)]


def spread(amount: int, count: int) -> list[int]:
    """An amount over `count` months, in whole 分: equal shares, the remainder on the first months."""
    share, rest = divmod(abs(amount), count)
    sign = -1 if amount < 0 else 1
    return [sign * (share + (1 if i < rest else 0)) for i in range(count)]


class Timing(StrEnum):
    """How a payment stands to the day it was made: 按月 / 预交 (covers months to come) / 补交 (months past)."""

    ON_TIME = "on_time"
    ADVANCE = "advance"
    LATE = "late"


def timing(first: Month, last: Month, paid_on: date) -> Timing:
    current = Month.of(paid_on)
    if first < current:
        return Timing.LATE
    if last > current:
        return Timing.ADVANCE
    return Timing.ON_TIME


def months_behind(paid: set[Month], since: Month, today: date) -> int:
    """Consecutive months unpaid before the current one (which may still be paid), counted back from last
    month to the last paid month or to `since` (the first month the member owes)."""
    count = 0
    month = Month.of(today).plus(-1)
    while month >= since and month not in paid:
        count += 1
        month = month.plus(-1)
    return count


#: Arrears stages (issue 25): the member is reminded politely at 2 months; the secretary is told in the daily
#: digest at 3 and again at 5 (before the sixth month of 党章 第九条).
MEMBER_STAGE = 2
SECRETARY_STAGES = (3, 5)


def secretary_stage(behind: int) -> int | None:
    """The secretary's stage whose window holds `behind` months: 3 (3–4), 5 (5 and more), else None."""
    stage = None
    for threshold in SECRETARY_STAGES:
        if behind >= threshold:
            stage = threshold
    return stage
