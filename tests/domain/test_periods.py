"""The rules of docs/PRODUCT.md §6 with a fixed clock: periods, deadlines, stages, escalation, quiet hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import periods
from bot.domain.periods import OpenPeriod, member_stage, open_period, period_of
from bot.services.kernel.reminders import in_quiet_hours

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=TZ)


def test_month_and_quarter_edges() -> None:
    assert period_of(date(2026, 1, 31), "monthly").label == "2026-01"
    assert period_of(date(2026, 2, 1), "monthly").label == "2026-02"
    assert period_of(date(2026, 3, 31), "quarterly").label == "2026-Q1"
    assert period_of(date(2026, 4, 1), "quarterly").label == "2026-Q2"
    assert period_of(date(2026, 12, 31), "quarterly") == periods.Period(
        date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"
    )


def test_deadlines_on_31_day_months_and_february() -> None:
    assert periods.deadline(period_of(date(2026, 1, 5), "monthly"), TZ) == at("2026-01-31", "23:59")
    assert periods.deadline(period_of(date(2026, 2, 5), "monthly"), TZ) == at("2026-02-28", "23:59")
    assert periods.deadline(period_of(date(2028, 2, 5), "monthly"), TZ) == at("2028-02-29", "23:59")
    assert periods.deadline(period_of(date(2026, 4, 5), "monthly"), TZ) == at("2026-04-30", "23:59")
    assert periods.deadline(period_of(date(2026, 8, 5), "quarterly"), TZ) == at("2026-09-30", "23:59")


def test_parse_period() -> None:
    assert periods.parse_period("2026-11") == period_of(date(2026, 11, 1), "monthly")
    assert periods.parse_period("2026-q4") == period_of(date(2026, 11, 1), "quarterly")
    for bad in ("2026-13", "11-2026", "", "abc", "2026-00"):
        assert periods.parse_period(bad) is None


def test_migrant_since_mid_period_owes_that_period() -> None:
    since = date(2026, 11, 20)
    assert periods.is_owed(period_of(date(2026, 11, 1), "monthly"), since)
    assert not periods.is_owed(period_of(date(2026, 10, 1), "monthly"), since)
    # leaving on the last day: that period ends that day, not after it
    assert not periods.is_owed(period_of(date(2026, 11, 1), "monthly"), date(2026, 11, 30))


def test_open_period_prefers_the_overdue_previous_one() -> None:
    now = at("2026-12-05")
    found = open_period("monthly", date(2026, 8, 1), set(), now, TZ)
    assert found == OpenPeriod(period_of(date(2026, 11, 1), "monthly"), overdue=True)
    found = open_period("monthly", date(2026, 8, 1), {"2026-11"}, now, TZ)
    assert found == OpenPeriod(period_of(date(2026, 12, 1), "monthly"), overdue=False)
    assert open_period("monthly", date(2026, 8, 1), {"2026-11", "2026-12"}, now, TZ) is None
    assert open_period("monthly", None, set(), now, TZ) is None


def stage(day: str, clock: str = "10:00", overdue: bool = False, month: str = "2026-11") -> str | None:
    period = periods.parse_period(month)
    assert period is not None
    found = member_stage(OpenPeriod(period, overdue), at(day, clock), TZ, 3)
    return found.name if found else None


def test_reminder_stages_before_deadline_day_and_overdue_twice() -> None:
    assert stage("2026-11-26") is None
    assert stage("2026-11-27", "08:59") is None
    assert stage("2026-11-27", "09:00") == "before"
    assert stage("2026-11-29", "23:00") == "before"
    assert stage("2026-11-30", "09:00") == "deadline"
    assert stage("2026-11-30", "23:59") == "deadline"
    assert stage("2026-12-01", "08:00", overdue=True) is None
    assert stage("2026-12-01", "09:00", overdue=True) == "overdue-0"
    assert stage("2026-12-07", "23:00", overdue=True) == "overdue-0"
    # overdue: the day after the deadline, then two weeks later (shown for a week at the most), then no more
    assert stage("2026-12-08", "09:00", overdue=True) == "overdue-0"
    assert stage("2026-12-15", "08:59", overdue=True) == "overdue-0"
    assert stage("2026-12-15", "09:00", overdue=True) == "overdue-1"
    assert stage("2026-12-22", "08:59", overdue=True) == "overdue-1"
    assert stage("2026-12-22", "09:00", overdue=True) is None
    assert stage("2027-01-20", "09:00", overdue=True) is None


def test_february_deadline_stage() -> None:
    assert stage("2026-02-25", "10:00", month="2026-02") == "before"
    assert stage("2026-02-28", "10:00", month="2026-02") == "deadline"


def test_escalation_from_the_day_after() -> None:
    period = periods.parse_period("2026-11")
    assert period is not None
    overdue = OpenPeriod(period, overdue=True)
    assert not periods.escalation_due(overdue, at("2026-12-01", "08:59"), TZ)
    assert periods.escalation_due(overdue, at("2026-12-01", "09:00"), TZ)
    assert not periods.escalation_due(OpenPeriod(period, overdue=False), at("2026-11-30", "12:00"), TZ)


def test_quiet_hours_across_midnight() -> None:
    quiet = (time(21, 0), time(8, 0))
    assert in_quiet_hours(time(21, 0), quiet)
    assert in_quiet_hours(time(23, 59), quiet)
    assert in_quiet_hours(time(0, 0), quiet)
    assert in_quiet_hours(time(7, 59), quiet)
    assert not in_quiet_hours(time(8, 0), quiet)
    assert not in_quiet_hours(time(20, 59), quiet)
    assert in_quiet_hours(time(13, 0), (time(12, 0), time(14, 0)))
    assert not in_quiet_hours(time(14, 0), (time(12, 0), time(14, 0)))
    assert not in_quiet_hours(time(3, 0), None)


def test_report_status() -> None:
    period = periods.parse_period("2026-11")
    assert period is not None
    assert periods.report_status(period, True, at("2026-12-05"), TZ) == "submitted"
    assert periods.report_status(period, False, at("2026-11-30", "23:58"), TZ) == "missing"
    assert periods.report_status(period, False, at("2026-12-01", "00:00"), TZ) == "overdue"
    assert timedelta(0) < periods.deadline(period, TZ) - at("2026-11-30", "23:00")


def test_months_away_are_counted_not_assumed() -> None:
    """The transfer reminder says how long a member has been away (issue 23: not 「已满 6 个月」 for 19)."""
    assert periods.whole_months(date(2025, 4, 10), date(2026, 11, 10)) == 19
    assert periods.whole_months(date(2025, 4, 10), date(2026, 11, 9)) == 18
    assert periods.whole_months(date(2026, 8, 31), date(2027, 2, 28)) == 6  # the month's last day completes it
    assert periods.whole_months(date(2026, 8, 31), date(2027, 2, 27)) == 5
    assert periods.whole_months(date(2026, 11, 10), date(2026, 11, 1)) == 0
    assert periods.Away.on(date(2025, 4, 10), date(2026, 11, 10)) == periods.Away(date(2025, 4, 10), 19)


def test_the_reports_owed_are_counted_one_by_one() -> None:
    """Every period owed since leaving that ended without a report: the digest counts reports, not members."""
    today = date(2026, 11, 27)
    owed = periods.owed("monthly", date(2025, 8, 1), set(), today)
    assert owed is not None and (owed.count, owed.first.label, owed.last.label) == (15, "2025-08", "2026-10")
    # two handed in (and one of the other cadence, which counts for nothing): 13, the first missed moves on
    owed = periods.owed("monthly", date(2025, 8, 1), {"2025-08", "2026-01", "2025-Q4"}, today)
    assert owed is not None and (owed.count, owed.first.label) == (13, "2025-09")
    owed = periods.owed("quarterly", date(2026, 1, 10), {"2026-Q1"}, today)
    assert owed is not None and (owed.count, owed.first.label, owed.last.label) == (2, "2026-Q2", "2026-Q3")
    assert periods.owed("quarterly", date(2026, 1, 10), {"2026-Q1", "2026-Q2", "2026-Q3"}, today) is None
    assert periods.owed("monthly", date(2026, 10, 31), set(), today) is None  # left on October's last day
    assert periods.owed("monthly", None, set(), today) is None
