"""The roster's column validators one by one (good and bad values), the cleaning every cell gets, and the
problems of a whole line: an unclosed quote, a value of invisible characters only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.i18n import has, t
from bot.services.members import roster_columns as columns
from bot.services.members.roster import parse_roster
from bot.services.members.roster_columns import COLUMNS, MAX_FIELD, VALIDATORS, Invalid, cell
from bot.services.members.roster_details import DETAIL_COLUMNS


def problems(validate: Any, value: str) -> list[tuple[str, dict[str, str]]]:
    with pytest.raises(Invalid) as caught:
        validate(value)
    for key, params in caught.value.problems:
        assert has(key)
        t("zh", key, **params), t("en", key, **params)
    return caught.value.problems


def test_every_column_has_a_validator() -> None:
    assert set(VALIDATORS) | set(DETAIL_COLUMNS) == set(COLUMNS)  # the member file's: roster_details


def test_cell_cleans_and_refuses_what_cleaning_empties() -> None:
    assert cell("  张金花\u200b ") == "张金花"
    assert cell("\u202e张\x00金花") == "张金花"
    assert cell("") == "" and cell("   ") == ""
    assert problems(cell, "\u200b") == [("roster.err.invisible", {})]
    assert problems(cell, "\u2066\ufeff\x1b") == [("roster.err.invisible", {})]
    for blank in ("\u3164", "\u2800\u2800", "\u200e\u200f\u061c", "\u00ad", "\U000e0041\U000e007f", "\u034f"):
        assert problems(cell, blank) == [("roster.err.invisible", {})], repr(blank)  # issue 30 item 8
    assert cell("张\u200e金\u00ad花\u2028") == "张金花"
    assert cell("长" * MAX_FIELD) == "长" * MAX_FIELD
    assert problems(cell, "长" * (MAX_FIELD + 1)) == [("roster.err.too_long", {"limit": str(MAX_FIELD)})]


def test_name_is_required() -> None:
    assert columns.required("张金花") == "张金花"
    assert problems(columns.required, "") == [("roster.err.required", {})]


def test_free_text_columns_take_anything_cleaned() -> None:
    for column in ("branch", "group", "liaison", "phone", "building"):
        assert VALIDATORS[column]("一村党支部") == "一村党支部"
        assert VALIDATORS[column]("") == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("在家", "resident"),
        ("流动党员", "migrant"),
        ("Migrant", "migrant"),
        ("人户分离", "separated"),
        ("外来", "incoming"),
        ("employed", "employed"),
        ("无业", "unemployed"),
    ],
)
def test_category_good(value: str, expected: str | None) -> None:
    assert columns.category(value) == expected


@pytest.mark.parametrize("value", ["飞行员", "migrants", "流 动"])
def test_category_bad(value: str) -> None:
    assert problems(columns.category, value) == [("roster.err.category", {"value": value})]


def test_roles_good_and_bad() -> None:
    assert columns.roles("") == frozenset()
    assert columns.roles("书记;liaison；Admin") == {"secretary", "liaison", "admin"}
    assert problems(columns.roles, "书记;队长;boss") == [
        ("roster.err.role", {"value": "队长"}),
        ("roster.err.role", {"value": "boss"}),
    ]


@pytest.mark.parametrize(
    ("value", "expected"), [("", None), ("123456789", 123456789), ("１２３", 123), (str(2**63 - 1), 2**63 - 1)]
)
def test_telegram_id_good(value: str, expected: int | None) -> None:
    assert columns.telegram_id(value) == expected


@pytest.mark.parametrize("value", ["12ab", "0", "-1", "1e9", "²", str(2**63), "1 2"])
def test_telegram_id_bad(value: str) -> None:
    assert problems(columns.telegram_id, value) == [("roster.err.telegram_id", {"value": value})]


def test_posts_known_names_and_others_as_written() -> None:
    assert columns.posts("") == frozenset()
    assert columns.posts("治安巡逻岗;调解；Patrol") == {"patrol", "mediation"}
    assert columns.posts("环境监督岗") == {"环境监督岗"}


@pytest.mark.parametrize(
    ("value", "expected"), [("", None), ("每月", "monthly"), ("Quarterly", "quarterly"), ("季度", "quarterly")]
)
def test_report_cadence_good(value: str, expected: str | None) -> None:
    assert columns.report_cadence(value) == expected


@pytest.mark.parametrize("value", ["weekly", "每周", "1"])
def test_report_cadence_bad(value: str) -> None:
    assert problems(columns.report_cadence, value) == [("roster.err.cadence", {"value": value})]


@pytest.mark.parametrize(
    ("value", "expected"), [("", None), ("2025-08-16", date(2025, 8, 16)), ("2024-02-29", date(2024, 2, 29))]
)
def test_migrant_since_good(value: str, expected: date | None) -> None:
    assert columns.migrant_since(value) == expected


@pytest.mark.parametrize("value", ["2025-13-01", "2025-02-30", "2025/08/16", "20250816", "2025-8-16", "昨天"])
def test_migrant_since_bad(value: str) -> None:
    assert problems(columns.migrant_since, value) == [("roster.err.date", {"value": value})]


# ------------------------------------------------------------------------------------------- whole rows

HEADER = "name,branch,group,category,roles,telegram_id,liaison,posts,report_cadence,migrant_since\n"


def errors_of(text: str) -> list[tuple[int, str, str]]:
    rows, errors = parse_roster(text)
    assert not rows
    return [(e.line, e.column, e.key) for e in errors]


def test_a_name_of_only_zero_width_spaces_is_refused_with_line_and_column() -> None:
    assert errors_of(HEADER + "甲,一村党支部,,在家,,,,,,\n\u200b,一村党支部,,在家,,,,,,\n") == [
        (3, "name", "roster.err.invisible")
    ]


def test_a_branch_or_group_of_invisible_characters_is_refused() -> None:
    assert errors_of(HEADER + "甲,\u200b\u200d,\ufeff,在家,,,,,,\n") == [
        (2, "branch", "roster.err.invisible"),
        (2, "group", "roster.err.invisible"),
    ]


def test_names_units_and_groups_are_stored_cleaned() -> None:
    rows, errors = parse_roster(
        HEADER
        + "\u202e张\u200b金花,\u2066一村党支部\u2069, 一组\x00,在家,,,,,,\n"
        + "李\u200d四,一村党支部,,在家,,,张金花,,,\n"
    )
    assert not errors
    first, second = rows
    assert (first.name, first.branch, first.group) == ("张金花", "一村党支部", "一组")
    assert second.liaison == "张金花"  # matches the cleaned name


def test_names_that_differ_only_by_invisible_characters_are_duplicates() -> None:
    assert errors_of(HEADER + "张金花,一村党支部,,在家,,,,,,\n张\u200b金花,一村党支部,,在家,,,,,,\n") == [
        (3, "name", "roster.err.duplicate")
    ]


def test_an_unclosed_quote_is_reported_on_its_own_line() -> None:
    text = HEADER + '甲,一村党支部,,在家,,,,,,\n乙,"一村党支部,,在家,,,,,,\n丙,一村党支部,,在家,,,,,,\n'
    assert errors_of(text) == [(3, "", "roster.err.unclosed_quote")]
    assert "unclosed quote" in t("en", "roster.err.unclosed_quote")
    assert "引号没有闭合" in t("zh", "roster.err.unclosed_quote")


def test_other_lines_are_still_checked_after_an_unclosed_quote() -> None:
    text = HEADER + '"乙,一村党支部,,在家,,,,,,\n丙,一村党支部,,飞行员,,,,,,\n'
    assert errors_of(text) == [(2, "", "roster.err.unclosed_quote"), (3, "category", "roster.err.category")]


def test_quotes_that_close_are_fine() -> None:
    rows, errors = parse_roster('name,branch,building\n"张,金花","一村""党支部""",1号楼\n')
    assert not errors and (rows[0].name, rows[0].branch) == ("张,金花", '一村"党支部"')


def test_an_unclosed_quote_in_the_header_is_reported_on_line_one() -> None:
    assert errors_of('name,"branch\n甲,一村\n') == [(1, "", "roster.err.unclosed_quote")]


@pytest.mark.parametrize(
    ("line", "left_open"),
    [
        ("a,b", False),
        ('"a",b', False),
        ('"a""b",c', False),
        ('"a,b', True),
        ('a,"b', True),
        ('a"b,c', False),
        ('"a""', True),
        ('""', False),
        ('"a" x,"', True),
        ("", False),
    ],
)
def test_quote_left_open(line: str, left_open: bool) -> None:
    from bot.services.members.roster import quote_left_open

    assert quote_left_open(line) is left_open


def test_header_cells_are_cleaned() -> None:
    rows, errors = parse_roster("\ufeffname,\u200bbranch\n甲,一村党支部\n")
    assert not errors and rows[0].branch == "一村党支部"


def test_self_liaison_is_reported_with_the_other_problems_of_the_row() -> None:
    assert errors_of(HEADER + "甲,一村党支部,,飞行员,,,甲,,,\n") == [
        (2, "category", "roster.err.category"),
        (2, "liaison", "roster.err.self_liaison"),
    ]
