"""The date rules of 党务公开 (the 公示期 in working days by the 2026 official calendar) and the private fields a
public item must never carry."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.workdays import is_working_day, known_year, next_working_day, period, working_days
from bot.services.openness.rules import masked, parse_days, private_field


def test_weekends_and_holidays_are_not_working_days_and_makeup_saturdays_are() -> None:
    assert is_working_day(date(2026, 12, 7))  # a Monday
    assert not is_working_day(date(2026, 12, 5))  # a Saturday
    assert not is_working_day(date(2026, 10, 5))  # a Monday inside 国庆节
    assert is_working_day(date(2026, 10, 10))  # the Saturday worked for 国庆节
    assert is_working_day(date(2026, 9, 20))  # the Sunday worked before it
    assert not is_working_day(date(2026, 2, 23))  # 春节 ends on Monday 23 February
    assert is_working_day(date(2026, 2, 24))
    assert is_working_day(date(2026, 2, 14)) and is_working_day(date(2026, 2, 28))
    assert not is_working_day(date(2026, 1, 1)) and is_working_day(date(2026, 1, 4))


def test_a_period_of_five_working_days_on_a_plain_week() -> None:
    assert period(date(2026, 12, 7), 5) == (date(2026, 12, 7), date(2026, 12, 11))
    # posted on a Saturday: it starts on Monday
    assert period(date(2026, 12, 5), 5) == (date(2026, 12, 7), date(2026, 12, 11))
    # posted on a Thursday: the weekend is not counted
    assert period(date(2026, 12, 10), 5) == (date(2026, 12, 10), date(2026, 12, 16))


def test_a_period_on_both_sides_of_national_day() -> None:
    # the last working day before the holiday: Wed 30 Sep, then Thu 8, Fri 9, Sat 10 (worked), Mon 12
    assert period(date(2026, 9, 30), 5) == (date(2026, 9, 30), date(2026, 10, 12))
    # posted inside the holiday: it starts on the first working day after it
    assert period(date(2026, 10, 3), 5) == (date(2026, 10, 8), date(2026, 10, 13))  # Sat 10 is worked
    # posted the day after the holiday: no holiday inside
    assert period(date(2026, 10, 8), 1) == (date(2026, 10, 8), date(2026, 10, 8))
    assert working_days(date(2026, 9, 30), date(2026, 10, 12)) == 5
    assert working_days(date(2026, 10, 1), date(2026, 10, 7)) == 0


def test_spring_festival_and_the_bounds_of_the_days() -> None:
    assert period(date(2026, 2, 13), 2) == (date(2026, 2, 13), date(2026, 2, 14))
    assert period(date(2026, 2, 15), 1) == (date(2026, 2, 24), date(2026, 2, 24))
    assert next_working_day(date(2026, 2, 15)) == date(2026, 2, 24)
    assert period(date(2026, 12, 7), 60)[1] > date(2026, 12, 31)
    with pytest.raises(ValueError):
        period(date(2026, 12, 7), 0)
    with pytest.raises(ValueError):
        period(date(2026, 12, 7), 61)
    assert known_year(2026) and not known_year(2027)
    # a year beyond the table: Monday to Friday
    assert not is_working_day(date(2027, 1, 2)) and is_working_day(date(2027, 1, 4))


def test_the_days_a_secretary_may_type() -> None:
    assert parse_days("5") == 5 and parse_days("7个工作日") == 7 and parse_days(" 60 ") == 60
    assert parse_days("0") is None and parse_days("61") is None and parse_days("五") is None
    assert parse_days("５") is None  # a full-width digit is refused with the example


def test_private_fields_are_found() -> None:
    assert private_field("身份证号 11010519491231002X 的同志") == ("id_number", "11010519491231002X")
    assert private_field("联系电话 13800000002")[0] == "phone"  # type: ignore[index]
    assert private_field("电话 138 0000 0002")[0] == "phone"  # type: ignore[index]
    assert private_field("座机 0371-12345678")[0] == "phone"  # type: ignore[index]
    assert private_field("2026年共收缴党费 1380.00 元，参加 12 人") is None
    assert private_field("会议于 2026-12-07 召开") is None
    assert masked("13800000002") == "1380***0002"


def test_numbers_written_with_separators_or_full_width_are_private() -> None:
    assert private_field("联系电话：138-0013-8000") == ("phone", "13800138000")
    assert private_field("联系电话：１３８００１３８０００") == ("phone", "13800138000")
    assert private_field("电话 138－0013－8000") == ("phone", "13800138000")
    assert private_field("身份证 110105-19491231-002X") == ("id_number", "11010519491231002X")
    assert private_field("身份证 １１０１０５１９４９１２３１００２Ｘ") == ("id_number", "11010519491231002X")
    assert private_field("座机 0371 1234 5678")[0] == "phone"  # type: ignore[index]
    # dates and amounts with separators stay what they are
    assert private_field("公示期 2026-12-07 至 2026-12-11，共收 1,380.00 元") is None
    assert private_field("第 1-3 组，13-9 号楼") is None


@pytest.mark.parametrize(
    ("text", "field", "found"),
    [
        ("慰问困难党员张三（患尿毒症，低保户），补助2000元", "health", "患"),
        ("王大爷住院期间支部去看望", "health", "住院"),
        ("李奶奶生病了，党员轮流照顾", "health", "病"),
        ("给低保户发放慰问品", "hardship", "低保"),
        ("走访困难户 5 户", "hardship", "困难户"),
        ("老党员家庭困难，申请补助", "hardship", "家庭困难"),
        ("残疾党员刘某", "hardship", "残疾"),
        ("民主评议：刘某 不合格", "rating", "不合格"),
        ("赵某评为基本合格", "rating", "基本合格"),
    ],
)
def test_words_of_illness_hardship_and_ratings_are_private(text: str, field: str, found: str) -> None:
    assert private_field(text) == (field, found)


@pytest.mark.parametrize(
    "text",
    [
        "克服困难，按期完成道路硬化",
        "开展安全隐患排查，整治消防通道",
        "组织党员帮助村民防治小麦病虫害",
        "遇到困难和问题及时向支部反映",
        "参加评议 12 人，全部合格",
    ],
)
def test_harmless_texts_with_such_characters_pass(text: str) -> None:
    assert private_field(text) is None


def test_names_of_members_in_care_are_private_and_ratings_may_be_counted() -> None:
    assert private_field("感谢王秀英同志多年来的付出", ["王秀英"]) == ("care_name", "王秀英")
    assert private_field("感谢李建国同志多年来的付出", ["王秀英"]) is None
    assert private_field("其中基本合格 1 人", ratings=False) is None  # 民主评议's counts, drafted from the records
    assert private_field("其中基本合格 1 人") == ("rating", "基本合格")
