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
