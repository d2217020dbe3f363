"""The ledger's pure rules: LEDGER_REQUIRED, the periods of a year, the marks, the nudge's day, the grid."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config import Settings
from bot.domain.ledger import (
    DEFAULT_REQUIRED,
    LEDGER_KINDS,
    Mark,
    Period,
    Requirement,
    closing,
    mark,
    nudge_due,
    parse_required,
    period_of,
    periods,
)
from bot.services.kernel.pages import MESSAGE_ROOM, units
from bot.services.ledger.grid import Branch, Frame, Meeting, build, counts_for
from bot.services.ledger.nudges import ledger_nudges
from bot.services.ledger.text import quarter_view
from bot.store import Store

TZ = ZoneInfo("Asia/Shanghai")
years = st.integers(min_value=2000, max_value=2100)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def test_the_default_is_the_regulation() -> None:
    assert parse_required(DEFAULT_REQUIRED) == (
        Requirement("general", 1, "quarter"),
        Requirement("committee", 1, "month"),
        Requirement("group", 1, "month"),
        Requirement("lecture", 1, "quarter"),
        Requirement("partyday", 1, "month"),
        Requirement("life", 1, "year"),
    )


def test_a_community_may_set_its_own_counts() -> None:
    assert parse_required("partyday=2/month， general = 1 / quarter ,committee=0/month,") == (
        Requirement("general", 1, "quarter"),
        Requirement("partyday", 2, "month"),
    )
    assert parse_required("") == ()


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("general=1/week", "must be month, quarter or year"),
        ("meeting=1/month", "unknown meeting type 'meeting'"),
        ("general=one/month", "whole number"),
        ("general=-1/month", "whole number"),
        ("general=1", "is not type=count/period"),
        ("general1/month", "is not type=count/period"),
        ("general=1/month,general=2/month", "given twice"),
    ],
)
def test_bad_settings_are_refused_at_start_with_a_clear_error(value: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_required(value)
    with pytest.raises(ValidationError, match="LEDGER_REQUIRED"):
        Settings(_env_file=None, ledger_required=value)  # type: ignore[call-arg]


@given(years, st.sampled_from(("month", "quarter", "year")))
def test_the_periods_of_a_year_tile_it(year: int, per: str) -> None:
    found = periods(year, per)
    assert found[0].start == date(year, 1, 1) and found[-1].end == date(year + 1, 1, 1)
    assert all(a.end == b.start for a, b in itertools.pairwise(found))
    assert len(found) == {"month": 12, "quarter": 4, "year": 1}[per]


@given(days, st.sampled_from(("month", "quarter", "year")))
def test_every_day_is_in_its_period(day: date, per: str) -> None:
    period = period_of(day, per)
    assert period.holds(day) and period in periods(day.year, per)
    assert not period.holds(period.end) and not period.holds(period.start - timedelta(days=1))


@given(st.integers(0, 5), st.integers(0, 5), days, days)
def test_marks(required: int, held: int, inside: date, today: date) -> None:
    period = period_of(inside, "month")
    got = mark(required, held, period, today)
    if held >= required:
        assert got is Mark.MET
    elif today >= period.end:
        assert got is Mark.MISSED
    else:
        assert got is Mark.OPEN  # the current period, or one not begun: not yet due


def test_a_period_is_due_the_day_after_it_ends() -> None:
    q1 = Period("quarter", 2026, 1)
    assert mark(1, 0, q1, date(2026, 3, 31)) is Mark.OPEN
    assert mark(1, 0, q1, date(2026, 4, 1)) is Mark.MISSED


@given(days)
def test_closing_months(day: date) -> None:
    assert closing(day, "month")
    assert closing(day, "quarter") == (day.month in (3, 6, 9, 12))
    assert closing(day, "year") == (day.month == 12)


def test_the_nudge_is_due_on_the_20th_from_nine() -> None:
    assert nudge_due(datetime(2026, 11, 20, 9, 0, tzinfo=TZ))
    assert nudge_due(datetime(2026, 11, 20, 23, 59, tzinfo=TZ))
    assert not nudge_due(datetime(2026, 11, 20, 8, 59, tzinfo=TZ))
    assert not nudge_due(datetime(2026, 11, 21, 9, 0, tzinfo=TZ))
    assert not nudge_due(datetime(2026, 11, 19, 12, 0, tzinfo=TZ))


BRANCH = Branch(10, "一村党支部", ((11, "一组"), (12, "二组")), frozenset({1}))


def held(kind: str, unit: int, day: date, number: int = 1) -> Meeting:
    return Meeting(number, kind, unit, datetime(day.year, day.month, day.day, 15, tzinfo=TZ), "议题", 5, 3)


def test_which_meetings_count_for_a_branch() -> None:
    day = date(2026, 5, 5)
    assert counts_for(BRANCH, held("committee", 10, day))
    assert not counts_for(BRANCH, held("committee", 11, day))  # a group's 支委会 is not the branch's
    assert not counts_for(BRANCH, held("general", 1, day))  # nor the community's 大会
    assert counts_for(BRANCH, held("lecture", 1, day))  # a community-wide 党课 counts
    assert counts_for(BRANCH, held("partyday", 12, day))
    assert counts_for(BRANCH, held("group", 11, day))
    assert not counts_for(BRANCH, held("group", 99, day))
    assert not counts_for(BRANCH, held("party_committee", 1, day))


def test_party_groups_each_have_their_line() -> None:
    grid = build(
        [BRANCH], [held("group", 11, date(2026, 1, 9))], Frame(parse_required("group=1/month"), 2026, date(2026, 2, 15))
    )
    (unit,) = grid.units
    jan = Period("month", 2026, 1)
    marks = {ln.group: c.mark for ln, c in unit.lines_for(jan)}
    assert marks == {"一组": Mark.MET, "二组": Mark.MISSED}
    assert {ln.group: c.mark for ln, c in unit.lines_for(Period("month", 2026, 2))} == {
        "一组": Mark.OPEN,
        "二组": Mark.OPEN,
    }
    lonely = build([Branch(20, "二村党支部")], [], Frame(parse_required("group=1/month"), 2026, date(2026, 2, 15)))
    assert lonely.units[0].lines == ()  # no Party groups: no 党小组会 to hold


@given(
    st.lists(st.tuples(st.sampled_from(LEDGER_KINDS), st.sampled_from((1, 10, 11, 12, 99)), days), max_size=40), days
)
def test_the_grid_counts_every_meeting_of_the_year_once(found: list[tuple[str, int, date]], today: date) -> None:
    meetings = [held(kind, unit, day, i) for i, (kind, unit, day) in enumerate(found)]
    requirements = parse_required("general=1/quarter,committee=1/month,lecture=2/year")
    grid = build([BRANCH], meetings, Frame(requirements, 2026, today))
    (unit,) = grid.units
    mine = [m for m in meetings if m.day.year == 2026 and counts_for(BRANCH, m)]
    assert len(unit.meetings) == len(mine)
    for line in unit.lines:
        assert sum(c.held for c in line.cells) == sum(1 for m in mine if m.kind == line.kind)
        for cell in line.cells:
            assert cell.mark is mark(cell.required, cell.held, cell.period, today)


async def test_the_nudge_reads_nothing_on_other_days() -> None:
    """It runs every sweep: away from the 20th after 09:00 it must not touch the store at all."""

    class Untouchable:
        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"the store was read ({name}) outside the nudge's hour")

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    for moment in (
        datetime(2026, 11, 19, 12, tzinfo=TZ),
        datetime(2026, 11, 20, 8, 59, tzinfo=TZ),
        datetime(2026, 11, 21, 0, 0, tzinfo=TZ),
    ):
        assert await ledger_nudges(cast(Store, Untouchable()), settings, moment) == []


@given(st.integers(0, 200), st.integers(0, 30), st.integers(1, 1000), st.sampled_from(("zh", "en")))
def test_a_quarter_always_fits_in_one_message(count: int, groups: int, topic: int, lang: str) -> None:
    branch = Branch(10, "党" * 60, tuple((100 + g, f"第{g}党小组" + "组" * 40) for g in range(groups)))
    meetings = [
        Meeting(
            i,
            "group" if i % 2 else "committee",
            100 + i % max(groups, 1) if i % 2 else 10,
            datetime(2026, 1 + i % 3, 1 + i % 28, 15, tzinfo=TZ),
            "<b>&议题" * topic,
            99,
            98,
        )
        for i in range(count)
    ]
    grid = build([branch], meetings, Frame(parse_required(DEFAULT_REQUIRED), 2026, date(2026, 2, 15)))
    rendered = quarter_view(lang, grid, grid.units[0], 1)
    assert units(rendered) <= MESSAGE_ROOM
    assert rendered.count("<b>") == rendered.count("</b>")
