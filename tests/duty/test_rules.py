"""Duty-post rules without Telegram: minutes, fields, one-line forms, points, months in TIMEZONE, the
month summary and its minimum."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.duty.rules import (
    FieldError,
    MediationDraft,
    Month,
    PatrolDraft,
    followup_is_due,
    local_month,
    log_points,
    mediation_points,
    minimum_met,
    parse_followup,
    parse_kind,
    parse_mediation_line,
    parse_minutes,
    parse_outcome,
    parse_patrol_line,
    parse_posts,
    patrol_points,
    summarize,
)
from bot.store.duty import DutyLog

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 10)


def patrol(minutes: int, at: str = "2026-03-10T02:00:00+00:00") -> DutyLog:
    return DutyLog(id=1, member_id=1, post="patrol", at=at, local_date=date(2026, 3, 10), minutes=minutes)


def mediation(outcome: str) -> DutyLog:
    return DutyLog(
        id=2,
        member_id=1,
        post="mediation",
        at="2026-03-10T02:00:00+00:00",
        local_date=date(2026, 3, 10),
        outcome=outcome,
        kind="land",
        parties="a",
    )


@pytest.mark.parametrize(
    ("text", "minutes"), [("1", 1), ("45", 45), (" 720 ", 720), ("30分钟", 30), ("30 min", 30), ("６０", 60)]
)
def test_minutes_accepts_whole_numbers_from_1_to_720(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["0", "abc", "1000", "721", "-5", "1.5", "", "45 hours"])
def test_minutes_refuses_anything_else_naming_the_field(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_minutes(text)
    assert caught.value.field == "minutes" and caught.value.problem == "minutes"


def test_patrol_points_are_2_from_60_minutes() -> None:
    assert patrol_points(59) == 1
    assert patrol_points(60) == 2
    assert log_points(patrol(1)) == 1 and log_points(patrol(720)) == 2


@pytest.mark.parametrize(("outcome", "points"), [("resolved", 3), ("referred", 2), ("ongoing", 1)])
def test_mediation_points_follow_the_current_outcome(outcome: str, points: int) -> None:
    assert mediation_points(outcome) == points
    assert log_points(mediation(outcome)) == points


def test_kind_and_outcome_accept_chinese_and_english_words() -> None:
    assert parse_kind("邻里") == parse_kind("Neighbour") == parse_kind("neighbor") == "neighbour"
    assert parse_kind("物业") == "property" and parse_kind("其它") == "other"
    assert parse_outcome("已化解") == parse_outcome("RESOLVED") == "resolved"
    assert parse_outcome("移交") == "referred" and parse_outcome("调解中") == "ongoing"
    with pytest.raises(FieldError) as caught:
        parse_kind("吵架")
    assert caught.value.field == "kind" and caught.value.value == "吵架"


def test_followup_date_is_today_or_later_within_a_year() -> None:
    assert parse_followup("2026-03-10", TODAY) == TODAY
    assert parse_followup("2026/3/12", TODAY) == date(2026, 3, 12)
    assert parse_followup("2026年3月12日", TODAY) == date(2026, 3, 12)
    for text, problem in [
        ("2026-03-09", "date_past"),
        ("2027-06-01", "date_far"),
        ("2026-02-30", "date"),
        ("next week", "date"),
    ]:
        with pytest.raises(FieldError) as caught:
            parse_followup(text, TODAY)
        assert (caught.value.field, caught.value.problem) == ("followup", problem)
    with pytest.raises(FieldError) as caught:
        parse_followup("2026-03-10", TODAY, after_today=True)
    assert caught.value.problem == "date_later"


def test_patrol_one_line_form() -> None:
    assert parse_patrol_line(["村口", "45", "无异常"], "PHOTO") == PatrolDraft("村口", 45, "无异常", "PHOTO")
    with pytest.raises(FieldError) as caught:
        parse_patrol_line(["村口", "45"])
    assert caught.value.problem == "form"
    with pytest.raises(FieldError) as caught:
        parse_patrol_line(["", "45", "x"])
    assert (caught.value.field, caught.value.problem) == ("area", "empty")
    with pytest.raises(FieldError) as caught:
        parse_patrol_line(["村口", "abc", "x"])
    assert caught.value.field == "minutes"


def test_mediation_one_line_form() -> None:
    assert parse_mediation_line(["张家、李家", "邻里", "已化解", "清理杂物"], TODAY) == MediationDraft(
        "张家、李家", "neighbour", "resolved", "清理杂物"
    )
    ongoing = parse_mediation_line(["a", "land", "ongoing", "b", "2026-03-12"], TODAY)
    assert ongoing.outcome == "ongoing" and ongoing.followup_on == date(2026, 3, 12)
    for fields, problem in [
        (["a", "land", "ongoing", "b"], "followup_needed"),
        (["a", "land", "resolved", "b", "2026-03-12"], "followup_unexpected"),
        (["a", "land", "ongoing", "b", "2026-03-01"], "date_past"),
        (["a", "吵架", "resolved", "b"], "kind"),
        (["a", "land", "maybe", "b"], "outcome"),
        (["a", "land"], "form"),
    ]:
        with pytest.raises(FieldError) as caught:
            parse_mediation_line(fields, TODAY)
        assert caught.value.problem == problem, fields


def test_posts_known_unknown_and_clearing() -> None:
    assert parse_posts("治安巡逻岗；mediation", {"环境卫生岗"}) == ({"patrol", "mediation"}, [])
    assert parse_posts("环境卫生岗, 巡逻", {"环境卫生岗"}) == ({"环境卫生岗", "patrol"}, [])
    assert parse_posts("飞行岗", set()) == (set(), ["飞行岗"])
    assert parse_posts("无", set()) == (set(), [])


def test_month_bounds_are_local_midnights() -> None:
    start, end = Month(2026, 3).bounds(TZ)
    assert start == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert Month(2026, 12).next() == Month(2027, 1)


def test_a_log_belongs_to_its_local_month() -> None:
    last_minute = datetime(2026, 3, 31, 23, 59, tzinfo=TZ).astimezone(UTC).isoformat()
    just_after = datetime(2026, 4, 1, 0, 30, tzinfo=TZ).astimezone(UTC).isoformat()
    assert local_month(last_minute, TZ) == Month(2026, 3)
    assert local_month(just_after, TZ) == Month(2026, 4)  # still 31 March in UTC
    assert local_month(just_after, ZoneInfo("UTC")) == Month(2026, 3)


@pytest.mark.parametrize("text", ["2026-3", "2026-03", "2026年3月", "2026/03"])
def test_month_parsing(text: str) -> None:
    assert Month.parse(text) == Month(2026, 3) and str(Month.parse(text)) == "2026-03"


@pytest.mark.parametrize("text", ["2026-13", "2026", "march", "26-03"])
def test_month_parsing_refuses_nonsense(text: str) -> None:
    with pytest.raises(FieldError):
        Month.parse(text)


def test_month_summary_and_minimum() -> None:
    logs = [patrol(30), patrol(60), patrol(90), mediation("resolved"), mediation("ongoing")]
    summary = summarize(logs)
    assert (summary.patrols, summary.minutes, summary.mediations, summary.points) == (3, 180, 2, 1 + 2 + 2 + 3 + 1)
    assert summary.outcomes == {"resolved": 1, "referred": 0, "ongoing": 1}
    assert minimum_met(summary, {"patrol"}) is False
    assert minimum_met(summarize([*logs, patrol(10)]), {"patrol"}) is True
    assert minimum_met(summary, {"mediation"}) is True
    assert minimum_met(summary, {"patrol", "mediation"}) is False
    assert minimum_met(summary, {"环境卫生岗"}) is None
    assert minimum_met(summarize([]), {"mediation"}) is False


def test_followup_is_due_from_8_local_on_its_day() -> None:
    day = date(2026, 3, 12)
    assert not followup_is_due(day, datetime(2026, 3, 12, 7, 59, tzinfo=TZ), TZ)
    assert followup_is_due(day, datetime(2026, 3, 12, 8, 0, tzinfo=TZ), TZ)
    assert followup_is_due(day, datetime(2026, 3, 20, 3, 0, tzinfo=TZ), TZ)


@pytest.mark.parametrize(
    ("word", "kind"),
    [("婚姻家庭", "family"), ("赡养", "support"), ("拆迁安置", "relocation"), ("征地拆迁", "relocation")],
)
def test_the_new_mediation_kinds_are_understood(word: str, kind: str) -> None:
    assert parse_kind(word) == kind


def test_passed_up_is_the_referred_outcome() -> None:
    assert parse_outcome("已上报") == "referred" and parse_outcome("已移交") == "referred"
