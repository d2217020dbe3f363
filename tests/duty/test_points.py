"""The pure rules of 设岗定责 as data (`bot.services.duty.points`): points of any post, approved and pending
apart, the minimum from the catalogue, the one-line forms of /posts, quarters and ratings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.duty.points import (
    Catalogue,
    Quarter,
    entry_points,
    met,
    minimum_checks,
    parse_minimum,
    parse_post_line,
    parse_rating,
    parse_rule,
    parse_served,
    summarize_reviewed,
    under_review,
)
from bot.services.duty.rules import FieldError
from bot.store.duty import DutyLog
from bot.store.posts import Post

TZ = ZoneInfo("Asia/Shanghai")
CAT = Catalogue(
    (
        Post(id=1, key="patrol", name="治安巡逻岗", form="patrol", per_entry=1, per_minutes=60, minimum=4),
        Post(id=2, key="mediation", name="矛盾调解岗", form="mediation", per_entry=0, minimum=1),
        Post(id=3, key="环境卫生岗", name="环境卫生岗", form="generic", per_entry=1, per_minutes=30, minimum=2),
        Post(id=4, key="政策宣传岗", name="政策宣传岗", form="generic", per_entry=2, minimum=0),
    )
)


def entry(
    post: str,
    review: str = "approved",
    minutes: int | None = None,
    outcome: str | None = None,
    served: int | None = None,
) -> DutyLog:
    return DutyLog(
        id=1,
        member_id=1,
        post=post,
        at="2026-03-05T02:00:00+00:00",
        local_date=date(2026, 3, 5),
        minutes=minutes,
        outcome=outcome,
        served=served,
        review=review,
    )


def test_points_of_every_post() -> None:
    assert entry_points(entry("patrol", minutes=59), CAT) == 1 and entry_points(entry("patrol", minutes=60), CAT) == 2
    assert entry_points(entry("mediation", outcome="resolved"), CAT) == 3
    assert entry_points(entry("环境卫生岗", minutes=29), CAT) == 1
    assert entry_points(entry("环境卫生岗", minutes=95), CAT) == 4  # 1 + three full half hours
    assert entry_points(entry("政策宣传岗", minutes=500), CAT) == 2
    assert entry_points(entry("不在目录的岗", minutes=500), CAT) == 1


def test_only_approved_entries_count_toward_points_and_minimum() -> None:
    logs = [
        entry("环境卫生岗", minutes=30),
        entry("环境卫生岗", "pending", minutes=30),
        entry("环境卫生岗", "rejected", minutes=30),
        entry("patrol", "pending", minutes=60),
    ]
    month = summarize_reviewed(logs, CAT)
    assert (month.points, month.pending, month.pending_points) == (2, 2, 4)
    assert month.generic["环境卫生岗"].entries == 1 and month.entries == {"环境卫生岗": 1}
    assert met(month, {"环境卫生岗"}, CAT) is False
    assert met(summarize_reviewed([*logs, entry("环境卫生岗")], CAT), {"环境卫生岗"}, CAT) is True
    assert met(month, {"政策宣传岗"}, CAT) is None  # no minimum
    assert [(p.key, ok) for p, ok in minimum_checks(month, {"patrol", "环境卫生岗"}, CAT)] == [
        ("patrol", False),
        ("环境卫生岗", False),
    ]


def test_a_post_found_by_key_name_or_roster_alias() -> None:
    assert CAT.find("巡逻岗") is CAT.posts[0] and CAT.find("矛盾调解岗") is CAT.posts[1]
    assert CAT.find(" 环境卫生岗 ") is CAT.posts[2] and CAT.find("飞行岗") is None
    assert [p.key for p in CAT.held({"环境卫生岗", "patrol", "飞行岗"})] == ["patrol", "环境卫生岗"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("每条2分", (2, None)),
        ("2", (2, None)),
        ("每条1分+每30分钟1分", (1, 30)),
        ("1+30", (1, 30)),
        ("1，每30分钟加1分", (1, 30)),
        ("per entry 1 + every 30 minutes", (1, 30)),
    ],
)
def test_points_rules(text: str, rule: tuple[int, int | None]) -> None:
    assert parse_rule(text) == rule


@pytest.mark.parametrize("text", ["", "很多", "1+", "2+abc", "101", "1+0", "1+721", "1+2+3"])
def test_bad_points_rules(text: str) -> None:
    with pytest.raises(FieldError):
        parse_rule(text)


def test_minimum_served_rating_and_the_line() -> None:
    assert parse_minimum("无") == 0 and parse_minimum("3条") == 3
    assert parse_served("0") == 0 and parse_served("12人") == 12
    for bad in ("-1", "十", "10001"):
        with pytest.raises(FieldError):
            parse_served(bad)
    with pytest.raises(FieldError):
        parse_minimum("101")
    assert parse_rating("基本称职") == "basic" and parse_rating("Excellent") == "excellent"
    with pytest.raises(FieldError):
        parse_rating("很好")
    name, rule = parse_post_line(["防汛巡查岗", "每条1分+每30分钟1分", "2"])
    assert (name, rule.per_entry, rule.per_minutes, rule.minimum) == ("防汛巡查岗", 1, 30, 2)
    with pytest.raises(FieldError):
        parse_post_line(["防汛巡查岗", "1"])
    with pytest.raises(FieldError):
        parse_post_line(["一" * 21, "1", "1"])


def test_quarters() -> None:
    assert Quarter.parse("2026Q1") == Quarter.parse("2026-q1") == Quarter.parse("2026年第1季度") == Quarter(2026, 1)
    with pytest.raises(FieldError):
        Quarter.parse("2026Q5")
    assert Quarter.of_key(Quarter(2026, 4).key) == Quarter(2026, 4) and Quarter.of_key(20265) is None
    start, end = Quarter(2026, 4).bounds(TZ)
    assert (start, end) == (datetime(2026, 9, 30, 16, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC))
    ask_from, ask_to = Quarter(2026, 1).ask_window(TZ)
    assert ask_from == datetime(2026, 3, 25, 0, tzinfo=UTC) and ask_to.date() == date(2026, 5, 1)
    cases = {
        (3, 10): Quarter(2026, 1),
        (3, 25): Quarter(2026, 1),
        (4, 20): Quarter(2026, 1),
        (5, 5): Quarter(2026, 2),
        (6, 26): Quarter(2026, 2),
        (1, 10): Quarter(2025, 4),
    }
    for (month, day), quarter in cases.items():
        assert under_review(datetime(2026, month, day, 10, tzinfo=TZ), TZ) == quarter, (month, day)
