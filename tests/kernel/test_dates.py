"""Dates and times as people read them (issue 30 item 13): 「12月10日（周四）上午9:00」, "Thu 10 Dec, 9:00 am";
each part of the day on both sides of its boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dues import Month
from bot.services.kernel import dates

SH = ZoneInfo("Asia/Shanghai")


def test_the_example_of_the_issue() -> None:
    assert dates.moment("zh", datetime(2026, 12, 10, 9, 0)) == "12月10日（周四）上午9:00"
    assert dates.moment("en", datetime(2026, 12, 10, 9, 0)) == "Thu 10 Dec, 9:00 am"


@pytest.mark.parametrize(
    ("hour", "minute", "zh", "en"),
    [
        (0, 0, "凌晨0:00", "12:00 am"),
        (5, 59, "凌晨5:59", "5:59 am"),
        (6, 0, "上午6:00", "6:00 am"),
        (11, 59, "上午11:59", "11:59 am"),
        (12, 0, "中午12:00", "12:00 pm"),
        (12, 59, "中午12:59", "12:59 pm"),
        (13, 0, "下午1:00", "1:00 pm"),
        (17, 59, "下午5:59", "5:59 pm"),
        (18, 0, "晚上6:00", "6:00 pm"),
        (23, 59, "晚上11:59", "11:59 pm"),
    ],
)
def test_each_part_of_the_day_on_both_sides_of_its_boundary(hour: int, minute: int, zh: str, en: str) -> None:
    moment = datetime(2026, 3, 12, hour, minute)
    assert dates.clock("zh", moment) == zh
    assert dates.clock("en", moment) == en


def test_days_and_weekdays() -> None:
    assert dates.day("zh", date(2026, 3, 1)) == "3月1日（周日）"
    assert dates.day("en", date(2026, 3, 1)) == "Sun 1 Mar"
    assert dates.day("zh", date(2026, 12, 31)) == "12月31日（周四）"


def test_an_aware_moment_is_shown_in_the_bots_time_zone() -> None:
    utc = datetime(2026, 3, 12, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai
    assert dates.moment_in("zh", utc, SH) == "3月12日（周四）下午3:00"
    assert dates.clock_in("en", utc, SH) == "3:00 pm"


@pytest.mark.parametrize(
    ("first", "last", "zh", "en"),
    [
        (Month(2026, 10), Month(2026, 10), "2026年10月", "October 2026"),
        (Month(2026, 10), Month(2026, 11), "2026年10月—11月", "October–November 2026"),
        (Month(2026, 1), Month(2026, 12), "2026年1月—12月", "January–December 2026"),
        (Month(2026, 12), Month(2027, 2), "2026年12月—2027年2月", "December 2026–February 2027"),
        (Month(2026, 12), Month(2027, 1), "2026年12月—2027年1月", "December 2026–January 2027"),
    ],
)
def test_the_months_a_payment_covers_in_words(first: Month, last: Month, zh: str, en: str) -> None:
    assert dates.month_span("zh", first, last) == zh
    assert dates.month_span("en", first, last) == en


def test_a_month_of_a_date_leaves_the_day_out() -> None:
    assert dates.month("zh", date(2026, 3, 31)) == "2026年3月"
    assert dates.month("en", date(2026, 3, 31)) == "March 2026"
    assert dates.month_span("zh", date(2026, 3, 1), date(2026, 3, 31)) == "2026年3月"


@pytest.mark.parametrize(
    ("kept", "zh", "en"),
    [
        ("2019-07-01", "2019年7月1日", "1 Jul 2019"),
        (date(2019, 7, 1), "2019年7月1日", "1 Jul 2019"),
        ("2026-11-30T10:00:00+08:00", "2026年11月30日", "30 Nov 2026"),
        ("1958-03", "1958年3月", "March 1958"),
        ("1958年", "1958年", "1958年"),  # as an old roster typed it
        ("2019-13", "2019-13", "2019-13"),  # not a month: as typed, never an error
        ("", "—", "—"),
        (None, "—", "—"),
    ],
)
def test_a_date_kept_in_a_record_reads_in_words_with_its_year(kept: str | date | None, zh: str, en: str) -> None:
    assert dates.recorded("zh", kept) == zh
    assert dates.recorded("en", kept) == en


def test_a_span_of_a_record_leaves_the_second_year_out_only_when_it_is_the_same() -> None:
    assert dates.dated_span("zh", date(2026, 10, 12), date(2026, 10, 16)) == ("2026年10月12日", "10月16日")
    assert dates.dated_span("zh", date(2026, 10, 20), date(2027, 10, 20)) == ("2026年10月20日", "2027年10月20日")
    assert dates.dated_span("en", date(2026, 12, 31), date(2027, 1, 4)) == ("31 Dec 2026", "4 Jan 2027")
    assert dates.dated_span("en", date(2026, 10, 12), date(2026, 10, 16)) == ("12 Oct 2026", "16 Oct")
