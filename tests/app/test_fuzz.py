"""Fuzzing the parsers of user text with hypothesis (docs/PRODUCT.md §4: invalid input gets a clear message naming
the field; never a crash).

Every one-line command parser, the date/time parsers, the month/period parsers, the settings parsers and
the roster parser, on arbitrary text — Chinese, emoji, control characters, `|` and `｜` separators, digits
of other scripts, strings up to 10 000 characters: each returns a value or raises its module's input
error, and that error renders (in both languages) as a catalogue message Telegram accepts.

The strategies here are shared with `test_fuzz_html.py`; the end-to-end cases are in `test_fuzz_e2e.py`.

Each test does a fixed amount of work (a number of examples, `FUZZ`), never a number of seconds: hypothesis has no
deadline here (tests/conftest.py) and pytest-timeout's limit is lifted (`pytestmark`), so a machine loaded by
other work makes them slower, never red. CI runs them derandomised (the same examples every run).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.config import parse_duration, parse_quiet_hours
from bot.domain import periods
from bot.domain.call import Call
from bot.domain.models import Member, Unit
from bot.domain.rights import Actor, OrgTree
from bot.emulator.html import visible_text
from bot.handlers.common import split_fields
from bot.i18n import LANGUAGES, Html, has, t
from bot.services.duty.rules import (
    LONG_LIMIT,
    SHORT_LIMIT,
    FieldError,
    MediationDraft,
    Month,
    PatrolDraft,
    parse_date,
    parse_followup,
    parse_kind,
    parse_mediation_line,
    parse_minutes,
    parse_outcome,
    parse_patrol_line,
    parse_posts,
    parse_text,
)
from bot.services.kernel.text import clean_text
from bot.services.members.roster import COLUMNS, RosterError, RosterRow, parse_roster
from bot.services.notices import common as notices
from bot.services.notices.common import NoticeError
from bot.services.reports import common as status_rules
from bot.services.reports.common import InputError, StatusInput
from tests.support.fuzz import (
    DIGITS,
    FUZZ,
    date_like,
    hostile,
    piece,
    relative_like,
    separated,
    short_date_like,
)

# ------------------------------------------------------------------------------------------- strategies


#: Bounded by examples, not by seconds (see above).
pytestmark = [pytest.mark.timeout(0), pytest.mark.slow]  # many generated examples: the full run
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=TZ)


def renders(text: str) -> str:
    """What Telegram would show; raises when it would answer 400 "can't parse entities"."""
    return visible_text(text)


# ---------------------------------------------------------------------------------- status and reports


def render_input_error(exc: InputError) -> None:
    """As the status/report handlers do: `t(lang, exc.key, **exc.params)`."""
    for lang in LANGUAGES:
        assert has(exc.key), exc.key
        renders(t(lang, exc.key, **exc.params))


@FUZZ
@given(hostile)
@example("away_work | 广东东莞 | <b>电子厂</b>")
@example("hardship | | " + "&" * 300)
@example("ill ｜ ｜ ｜ ")
def test_status_line_parses_or_says_why(text: str) -> None:
    try:
        status = status_rules.parse_status_line(split_fields(text))
    except InputError as exc:
        render_input_error(exc)
        return
    assert isinstance(status, StatusInput) and status.state in status_rules.STATES
    if status.state in status_rules.AWAY:
        assert status.location
    for value in (status.location, status.note):
        assert value is None or 0 < len(value) <= status_rules.MAX_FIELD


@FUZZ
@given(hostile)
def test_state_word_and_free_text_fields(text: str) -> None:
    try:
        assert status_rules.parse_state(text) in status_rules.STATES
    except InputError as exc:
        render_input_error(exc)
    for field_name in ("location", "note"):
        try:
            value = status_rules.check_text(text, field_name, required=field_name == "location")
        except InputError as exc:
            render_input_error(exc)
        else:
            assert value is None or value == clean_text(text)  # kept as typed, less invisible characters


@FUZZ
@given(hostile)
@example("短")
@example("汇" * 10_001)
def test_thought_report_text(text: str) -> None:
    try:
        kept = status_rules.check_report(text)
    except InputError as exc:
        render_input_error(exc)
        return
    assert status_rules.MIN_REPORT <= len(kept) <= status_rules.MAX_REPORT


@FUZZ
@given(hostile)
@example("9999-12")
@example("9999-Q4")
@example("0000-Q1")
@example("2026-q4")
@example("٢٠٢٦-١١")
def test_period_is_a_period_or_none(text: str) -> None:
    period = periods.parse_period(text)
    if period is None:
        return
    assert period.start <= period.end
    assert periods.parse_period(period.label) == period
    for lang in LANGUAGES:  # what /reports shows as the period's name
        renders(status_rules.period_name(period.label, lang))
    periods.deadline(period, TZ)
    periods.next_period(period, "monthly")
    periods.previous_period(period, "quarterly")


# ---------------------------------------------------------------------------------------------- duty


def render_field_error(err: FieldError, today: date) -> None:
    """As `bot.handlers.duty_report.field_error` does."""
    for lang in LANGUAGES:
        for key in (f"duty.err.{err.problem}", f"duty.field.{err.field}", f"duty.example.{err.field}"):
            assert has(key), key
        example_text = t(
            lang, f"duty.example.{err.field}", date=(today + timedelta(days=7)).isoformat(), month="2026-03"
        )
        renders(
            t(
                lang,
                f"duty.err.{err.problem}",
                field=t(lang, f"duty.field.{err.field}"),
                value=err.value,
                example=Html(example_text),
            )
        )


@FUZZ
@given(hostile)
@example("3号楼至村口 | 45 | 无异常")
@example("东区 | 45分钟 | <script>")
@example("东区 | ٤٥ | 正常")
def test_patrol_line(text: str) -> None:
    try:
        draft = parse_patrol_line(split_fields(text))
    except FieldError as err:
        render_field_error(err, NOW.date())
        return
    assert isinstance(draft, PatrolDraft)
    assert 1 <= draft.minutes <= 720 and 0 < len(draft.area) <= SHORT_LIMIT and 0 < len(draft.findings) <= LONG_LIMIT


@FUZZ
@given(hostile, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
@example("张家、李家 | 邻里 | 调解中 | 约定再谈 | 2026-03-20", date(2026, 3, 10))
@example("张家、李家 | 邻里 | 调解中 | 约定再谈 | 9999-12-31", date(2026, 3, 10))
def test_mediation_line(text: str, today: date) -> None:
    try:
        draft = parse_mediation_line(split_fields(text), today)
    except FieldError as err:
        render_field_error(err, today)
        return
    assert isinstance(draft, MediationDraft)
    assert (draft.outcome == "ongoing") == (draft.followup_on is not None)
    if draft.followup_on is not None:
        assert today <= draft.followup_on <= today + timedelta(days=366)


@FUZZ
@given(hostile, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.booleans())
@example("9999-12-31", date(2026, 3, 10), True)
@example("2026-02-29", date(2026, 3, 10), False)
def test_single_duty_fields(text: str, today: date, later: bool) -> None:
    parsers: list[Any] = [
        parse_minutes,
        parse_kind,
        parse_outcome,
        parse_date,
        Month.parse,
        lambda v: parse_followup(v, today, after_today=later),
        lambda v: parse_text(v, "area", SHORT_LIMIT),
        lambda v: parse_text(v, "summary", LONG_LIMIT),
    ]
    for parse in parsers:
        try:
            parse(text)
        except FieldError as err:
            render_field_error(err, today)


@FUZZ
@given(hostile, st.sets(st.one_of(piece, st.sampled_from(["环境卫生岗", "patrol"])), max_size=4))
def test_posts_list(text: str, known: set[str]) -> None:
    posts, unknown = parse_posts(text, known)
    assert posts <= known | {"patrol", "mediation"}
    assert all(name.strip() for name in unknown)


# ------------------------------------------------------------------------------------------- notices

TREE = OrgTree.of(
    [
        Unit(id=1, parent_id=None, kind="committee", name="测试社区党委"),
        Unit(id=2, parent_id=1, kind="branch", name="一村党支部"),
        Unit(id=3, parent_id=2, kind="group", name="一组"),
        Unit(id=4, parent_id=1, kind="branch", name="二村党支部"),
    ]
)


def render_notice_error(error: NoticeError) -> None:
    """As `bot.services.notices.compose.refusal` does: lists joined, the field named in the reader's language."""
    for lang in LANGUAGES:
        assert has(error.key), error.key
        params: dict[str, Any] = {k: "、".join(v) if isinstance(v, list) else v for k, v in error.params.items()}
        if "field" in params:
            assert has(f"notice.field.{params['field']}"), params["field"]
            params["field"] = t(lang, f"notice.field.{params['field']}")
        renders(t(lang, error.key, **params))


@FUZZ
@given(
    st.one_of(hostile, date_like, short_date_like, relative_like),
    st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)),
)
@example("2026-03-12 15:00", NOW)
@example("02-29 10:00", datetime(2028, 10, 1, tzinfo=TZ))
@example("9999-12-31 23:59", NOW)
@example("明天 24:00", NOW)
@example("TOMORROW 15:00", NOW)
@example("１２-３１ １５:００", NOW)
def test_meeting_time(text: str, now: datetime) -> None:
    try:
        when = notices.parse_when(text, now, TZ)
    except NoticeError as error:
        assert error.key in ("notice.err.when", "notice.err.past", "notice.err.too_far")
        render_notice_error(error)
        return
    assert when.tzinfo is not None and now < when <= now + notices.MAX_AHEAD


@FUZZ
@given(hostile)
def test_meeting_kind(text: str) -> None:
    assert notices.parse_kind(text) in (None, *notices.KINDS)


@FUZZ
@given(
    st.one_of(
        separated,
        hostile,
        st.builds(
            lambda kind, when, place, topic, unit: f"{kind} | {when} | {place} | {topic}{unit}",
            st.sampled_from(["党课", "general", "主题党日", "x"]),
            st.one_of(date_like, relative_like, hostile),
            hostile,
            hostile,
            st.sampled_from(["", " | 一村", " | 一组", " | 测试", " | ", " | 党支部"]),
        ),
    )
)
@example("党课 | 2026-03-12 15:00 | 村委会会议室 | 学习党章")
@example("党课 | 2026-03-12 15:00 | <b>村委会</b> | &学习 | 党支部")
def test_notice_one_line(text: str) -> None:
    managed = {2, 3}  # the secretary of 一村党支部 manages it and its group
    secretary = Actor(1001, Member(id=1, name="王书记", unit_id=2, roles=frozenset({"secretary"})))
    try:
        draft = notices.parse_one_line(split_fields(text), Call(secretary, NOW, "zh"), TREE, TZ)
    except NoticeError as error:
        render_notice_error(error)
        return
    assert draft.unit_id in managed and draft.starts_at > NOW
    assert 0 < len(draft.place) <= notices.PLACE_LIMIT and 0 < len(draft.topic) <= notices.TOPIC_LIMIT


@FUZZ
@given(hostile)
def test_notice_unit_and_text_fields(text: str) -> None:
    try:
        assert notices.resolve_unit(text, {1, 2, 3, 4}, TREE) in {1, 2, 3, 4}
    except NoticeError as error:
        render_notice_error(error)
    for name, limit in (
        ("place", notices.PLACE_LIMIT),
        ("topic", notices.TOPIC_LIMIT),
        ("reason", notices.REASON_LIMIT),
        ("minutes", notices.MINUTES_LIMIT),
    ):
        try:
            assert 0 < len(notices.check_text(text, name, limit)) <= limit
        except NoticeError as error:
            render_notice_error(error)


# ------------------------------------------------------------------------------------------ settings


@FUZZ
@given(
    st.one_of(
        hostile, st.builds(lambda n, u: f"{n}{u}", st.one_of(DIGITS, st.text(max_size=25)), st.sampled_from("dhms"))
    )
)
@example("99999999999d")
@example("²h")
@example("1" + "0" * 5000 + "h")
def test_duration(text: str) -> None:
    try:
        value = parse_duration(text)
    except ValueError as exc:
        assert "24h" in str(exc)  # the clear message, with an example
        return
    assert value >= timedelta(0)


@FUZZ
@given(st.one_of(hostile, st.builds(lambda a, b: f"{a}-{b}", st.one_of(DIGITS, piece), st.one_of(DIGITS, piece))))
@example("21:00-08:00")
@example("25:00-08:00")
def test_quiet_hours(text: str) -> None:
    try:
        value = parse_quiet_hours(text)
    except ValueError as exc:
        assert "21:00-08:00" in str(exc)
        return
    assert value is None or len(value) == 2


# -------------------------------------------------------------------------------------------- roster


def render_roster_error(error: RosterError) -> None:
    """As `bot.cli.roster_error_text` does."""
    for lang in LANGUAGES:
        assert has(error.key), error.key
        problem = t(lang, error.key, **error.params)
        renders(t(lang, "roster.error_line", line=error.line, column=error.column, problem=Html(problem)))
        renders(t(lang, "roster.error_row", line=error.line, problem=Html(problem)))


def csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value


roster_cells = st.one_of(
    piece,
    DIGITS,
    st.sampled_from(
        [
            "",
            "一村党支部",
            "流动",
            "secretary;liaison",
            "patrol",
            "monthly",
            "2025-08-01",
            "2025-02-30",
            "²",
            "-5",
            "99999999999999999999999",
            "٣",
            "１２３",
        ]
    ),
)
roster_rows = st.lists(st.lists(roster_cells, min_size=1, max_size=len(COLUMNS) + 2), max_size=6)
headers = st.one_of(
    st.just(list(COLUMNS)),
    st.permutations(list(COLUMNS)),
    st.lists(st.one_of(st.sampled_from(list(COLUMNS)), piece), max_size=len(COLUMNS) + 1),
)


def _csv(header: list[str], rows: list[list[str]], quote: bool, bom: bool) -> str:
    lines = [",".join(header)] + [",".join(csv_cell(c) if quote else c for c in row) for row in rows]
    return ("\ufeff" if bom else "") + "\n".join(lines) + "\n"


roster_text = st.one_of(
    st.builds(_csv, headers, roster_rows, st.booleans(), st.booleans()),
    hostile,
    st.builds(lambda h, body: h + "\n" + body, st.just(",".join(COLUMNS)), hostile),
)


@FUZZ
@given(roster_text)
@example("name,telegram_id\n张三,²\n")
@example("name,telegram_id\n张三,99999999999999999999999\n")
@example("name\n" + "x" * 200_000 + "\n")
@example('name,branch\n张三,一村\n"未闭合,\n')
@example("name\x00\n张三\n")
@example("name," + "x" * 200_000 + "\n张三\n")
def test_roster_rows_or_errors(text: str) -> None:
    rows, errors = parse_roster(text)
    assert not (rows and errors)
    for error in errors:
        assert error.line >= 1
        render_roster_error(error)
    for row in rows:
        assert isinstance(row, RosterRow) and row.name
        assert row.telegram_id is None or 0 < row.telegram_id < 2**63  # fits SQLite's INTEGER


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "9223372036854775808", "0", "-1", "1e9"])
def test_roster_refuses_odd_telegram_ids(value: str) -> None:
    rows, errors = parse_roster(f"name,telegram_id\n张三,{value}\n")
    assert not rows and [e.column for e in errors] == ["telegram_id"]


def test_roster_takes_full_width_digits() -> None:
    rows, errors = parse_roster("name,telegram_id\n张三,１２３\n")
    assert not errors and rows[0].telegram_id == 123
