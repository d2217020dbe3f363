"""The roster in Chinese and English (issue 12, items 1–2): Chinese headers and values import exactly like
the English ones; the new columns (membership, joined, confirmed, activity_group, relation, note, duty) and
roles (committee, group_leader, activity_leader) with their good and bad values and the rules between
them; error messages list the Chinese forms first in Chinese; what an import stores."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from bot.domain.models import ACTIVITY_GROUP_KIND
from bot.i18n import t
from bot.services.members.roster import RosterConflict, apply_roster, column_name, parse_roster
from bot.services.members.roster_headers import CHINESE, COLUMNS
from bot.store import Store
from tests.support.roster import COMMUNITY, ORG, TODAY, rows_of, run_cli

ZH_HEADER = "姓名,支部,党小组,类别,职务,TelegramID,联系人,岗位,汇报周期,外出时间,电话,楼栋"
EN_HEADER = "name,branch,group,category,roles,telegram_id,liaison,posts,report_cadence,migrant_since,phone,building"

#: org.csv written the English way: English headers and values (the committee title as duty).
ENGLISH = (
    EN_HEADER + ",membership,joined,confirmed,activity_group,relation,note,duty\n"
    "社区书记,,,resident,secretary,3001,,,,,13800000001,社区服务中心,full,1990-07-01,1991-07-01,,,,\n"
    "王书记,一村党支部,一组,resident,secretary;liaison,1001,,,,,13800000002,1号楼,full,2000-06-20,2001-06-20,,,,\n"
    "李委员,一村党支部,一组,resident,committee,1002,,,,,13800000003,2号楼,full,2010-03-01,,,,,组织委员\n"
    "赵组长,一村党支部,一组,resident,group_leader,1003,,patrol,,,13800000004,3号楼,,,2015-07-01,"
    "幸福家园3号楼党小组,,,\n"
    "钱预备,一村党支部,一组,resident,,1004,,,,,13800000005,3号楼,probationary,2026-05-01,,幸福家园3号楼党小组,,,\n"
    "孙外来,一村党支部,一组,incoming,,1005,王书记,,,,13800000006,物业公司宿舍,full,1998-01-10,1999-01-10,"
    "物业服务党小组,elsewhere,江西省于都县某村党支部,\n"
    "张流动,一村党支部,流动党员党小组,migrant,,1006,王书记,,quarterly,2025-08-01,13800000007,,full,2012-05-04,"
    "2013-05-04,,,,\n"
    "吴书记,二村党支部,,resident,secretary,2001,,,,,13800000008,,,,,,,,\n"
    "周组长,二村党支部,,resident,activity_leader;committee,2002,,,,,13800000009,3号楼,full,1985-10-01,1986-10-01,"
    "幸福家园3号楼党小组,,,宣传委员\n"
)


def errors_of(text: str) -> list[tuple[int, str, str]]:
    rows, errors = parse_roster(text, TODAY)
    assert not rows
    for error in errors:  # every problem renders in both languages
        t("zh", error.key, **error.params), t("en", error.key, **error.params)
    return [(e.line, e.column, e.key) for e in errors]


def one(row: str, header: str = ZH_HEADER + ",党员类别,入党时间,转正时间,活动小组,组织关系,备注,职务说明") -> str:
    """A roster of one branch secretary and the given row (line 3)."""
    return f"{header}\n甲书记,一村党支部,一组,在家,书记,,,,,,,,,,,,,,\n{row}\n"


# ------------------------------------------------------------------------------------- headers


def test_a_chinese_roster_imports_exactly_like_the_english_one() -> None:
    chinese, english = rows_of(ORG.read_text(encoding="utf-8")), rows_of(ENGLISH)
    assert chinese == english
    by_name = {r.name: r for r in chinese}
    assert by_name["李委员"].roles == {"committee"} and by_name["李委员"].duty == "组织委员"
    assert by_name["钱预备"].membership == "probationary" and by_name["钱预备"].joined == date(2026, 5, 1)
    assert by_name["孙外来"].relation == "elsewhere" and by_name["孙外来"].note == "江西省于都县某村党支部"
    assert by_name["周组长"].roles == {"activity_leader", "committee"} and by_name["周组长"].duty == "宣传委员"
    assert by_name["张流动"].report_cadence == "quarterly" and by_name["张流动"].posts == frozenset()
    assert by_name["吴书记"].membership == "full" and by_name["吴书记"].relation == "here"


def test_the_issue_header_with_chinese_values() -> None:
    text = (
        ZH_HEADER + "\n"
        "甲,一村党支部,一组,流动,书记;联系人,123,,治安巡逻岗;矛盾调解岗,每季度,2025-01-05,138,1号楼\n"
        "乙,一村党支部,一组,在家,,,甲,,,,,\n"
    )
    first, second = rows_of(text)
    assert first.roles == {"secretary", "liaison"} and first.posts == {"patrol", "mediation"}
    assert (first.category, first.report_cadence, first.telegram_id) == ("migrant", "quarterly", 123)
    assert second.liaison == "甲"
    english = (
        EN_HEADER + "\n"
        "甲,一村党支部,一组,migrant,secretary;liaison,123,,patrol;mediation,quarterly,2025-01-05,138,1号楼\n"
    )
    assert [dataclasses.replace(r, line=0) for r in rows_of(english)] == [dataclasses.replace(first, line=0)]


def test_columns_of_both_languages_may_sit_side_by_side_but_not_twice() -> None:
    assert rows_of("姓名,branch,党小组\n甲,一村党支部,一组\n")[0].group == "一组"
    assert errors_of("姓名,支部,name\n甲,一村,乙\n") == [(1, "name", "roster.err.mixed_column")]
    assert errors_of("name,职务,roles\n甲,书记,secretary\n") == [(1, "roles", "roster.err.mixed_column")]
    assert errors_of("姓名,支部,支部\n甲,一村,一村\n") == [(1, "branch", "roster.err.repeated_column")]
    assert errors_of("name,Name\n甲,乙\n") == [(1, "name", "roster.err.repeated_column")]
    assert errors_of("姓名,入党时间,入党日期\n甲,2001-07-01,2001-07-01\n") == [(1, "joined", "roster.err.mixed_column")]
    _, errors = parse_roster("name,职务,roles\n甲,书记,secretary\n", TODAY)
    assert "「职务」和「roles」是同一列" in t("zh", errors[0].key, **errors[0].params)


def test_headers_the_format_does_not_know_are_named() -> None:
    assert errors_of("姓名,籍贯\n甲,河北\n") == [(1, "籍贯", "roster.err.unknown_column")]
    assert errors_of("支部,党小组\n一村,一组\n") == [(1, "name", "roster.err.no_name_column")]
    assert rows_of("姓名,入党日期,手机号,Telegram ID\n甲,2001-07-01,138,5\n")[0].joined == date(2001, 7, 1)


def test_every_column_has_one_chinese_header() -> None:
    assert set(CHINESE) == set(COLUMNS)
    assert len(set(CHINESE.values())) == len(COLUMNS)
    assert ZH_HEADER.split(",") == [CHINESE[c] for c in EN_HEADER.split(",")]


def test_messages_list_the_chinese_forms_first_in_chinese() -> None:
    for key, chinese, english in [
        ("roster.err.role", "书记", "secretary"),
        ("roster.err.category", "在家", "resident"),
        ("roster.err.cadence", "每月", "monthly"),
        ("roster.err.membership", "正式党员", "full"),
        ("roster.err.relation", "本支部", "here"),
    ]:
        zh, en = t("zh", key, value="x"), t("en", key, value="x")
        assert zh.index(chinese) < zh.index(english), key
        assert en.index(english) < en.index(chinese), key
    _, errors = parse_roster("姓名,籍贯\n甲,河北\n", TODAY)
    zh, en = t("zh", errors[0].key, **errors[0].params), t("en", errors[0].key, **errors[0].params)
    assert zh.index("姓名,支部,党小组") < zh.index("name,branch,group")
    assert en.index("name,branch,group") < en.index("姓名,支部,党小组")
    assert "党员类别" in zh and "membership" in en


def test_a_column_is_named_in_the_reader_language() -> None:
    assert column_name("zh", "roles") == "职务" and column_name("en", "roles") == "roles"
    assert column_name("zh", "籍贯") == "籍贯"  # an unknown header as the file wrote it


@pytest.mark.slow
def test_the_cli_names_the_chinese_column_in_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(one("乙,一村党支部,一组,在家,,,,,,,,,党员,,,,,,"), encoding="utf-8")
    result = run_cli(tmp_path, "import-roster", str(bad), env={"DEFAULT_LANGUAGE": "zh"})
    assert result.returncode == 1
    assert "第 3 行，党员类别 列：「党员」不是有效的党员类别；可填：正式党员、预备党员" in result.stdout


# ------------------------------------------------------------------------------- new columns one by one


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "full"),
        ("正式党员", "full"),
        ("正式", "full"),
        ("Full", "full"),
        ("预备党员", "probationary"),
        ("预备", "probationary"),
        ("PROBATIONARY", "probationary"),
        ("入党申请人", "applicant"),
        ("申请人", "applicant"),
        ("入党积极分子", "activist"),
        ("积极分子", "activist"),
        ("Activist", "activist"),
        ("发展对象", "candidate"),
        ("candidate", "candidate"),
    ],
)
def test_membership_good(value: str, expected: str) -> None:
    assert rows_of(one(f"乙,一村党支部,一组,在家,,,,,,,,,{value},,,,,,"))[1].membership == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "here"),
        ("本支部", "here"),
        ("组织关系在本支部", "here"),
        ("here", "here"),
        ("外单位", "elsewhere"),
        ("组织关系在外", "elsewhere"),
        ("Elsewhere", "elsewhere"),
    ],
)
def test_relation_good(value: str, expected: str) -> None:
    row = rows_of(one(f"乙,一村党支部,一组,外来,,,,,,,,,,,,,{value},老家村党支部,"))[1]
    assert row.relation == expected and row.note == "老家村党支部"


@pytest.mark.parametrize(
    ("column", "cells", "key"),
    [
        ("membership", "党员,,,,,,", "roster.err.membership"),
        ("membership", "积极份子,,,,,,", "roster.err.membership"),
        ("relation", ",,,,外地,,", "roster.err.relation"),
        ("joined", ",2019/07/01,,,,,", "roster.err.date"),
        ("joined", ",2019-02-30,,,,,", "roster.err.date"),
        ("confirmed", ",,去年,,,,", "roster.err.date"),
        ("joined", ",2026-12-01,,,,,", "roster.err.future"),
        ("confirmed", ",2020-01-01,2027-01-01,,,,", "roster.err.future"),
        ("confirmed", ",2020-07-01,2020-07-01,,,,", "roster.err.confirmed_early"),
        ("confirmed", ",2020-07-01,2019-07-01,,,,", "roster.err.confirmed_early"),
        ("confirmed", "预备党员,2026-01-01,2026-06-01,,,,", "roster.err.probationary_confirmed"),
        ("note", ",,,,组织关系在外,,", "roster.err.home_unknown"),
    ],
)
def test_new_columns_bad(column: str, cells: str, key: str) -> None:
    assert errors_of(one(f"乙,一村党支部,一组,在家,,,,,,,,,{cells}")) == [(3, column, key)]


def test_dates_of_joining_and_becoming_full() -> None:
    row = rows_of(one("乙,一村党支部,一组,在家,,,,,,,,,,2019-07-01,2020-07-01,,,,"))[1]
    assert (row.joined, row.confirmed) == (date(2019, 7, 1), date(2020, 7, 1))
    only_confirmed = rows_of(one("乙,一村党支部,一组,在家,,,,,,,,,,,2020-07-01,,,,"))[1]
    assert (only_confirmed.joined, only_confirmed.confirmed) == (None, date(2020, 7, 1))
    today = rows_of(one(f"乙,一村党支部,一组,在家,,,,,,,,,预备党员,{TODAY.isoformat()},,,,,"))[1]
    assert today.joined == TODAY  # joined today is not in the future


@pytest.mark.parametrize(
    ("roles", "expected", "duty"),
    [
        ("支委", {"committee"}, ""),
        ("支部委员", {"committee"}, ""),
        ("committee", {"committee"}, ""),
        ("组织委员", {"committee"}, "组织委员"),
        ("宣传委员;纪检委员", {"committee"}, "宣传委员、纪检委员"),
        ("副书记；联系人", {"committee", "liaison"}, "副书记"),
        ("党小组长", {"group_leader"}, ""),
        ("Group_Leader", {"group_leader"}, ""),
        ("活动小组长", {"activity_leader"}, ""),
    ],
)
def test_new_roles_good(roles: str, expected: set[str], duty: str) -> None:
    row = rows_of(one(f"乙,一村党支部,二组,在家,{roles},,,,,,,,,,,活动组,,,"))[1]
    assert row.roles == expected and row.duty == duty


def test_a_duty_written_out_wins_over_the_title() -> None:
    row = rows_of(one("乙,一村党支部,二组,在家,组织委员,,,,,,,,,,,,,,组织委员兼宣传委员"))[1]
    assert row.roles == {"committee"} and row.duty == "组织委员兼宣传委员"


@pytest.mark.parametrize(
    ("cells", "key"),
    [
        ("组员,,,,,,,,,,,,,,", "roster.err.role"),
        ("党小组长,,,,,,,,,,,,,,", "roster.err.leader_without_group"),
        ("活动小组长,,,,,,,,,,,,,,", "roster.err.leader_without_activity"),
        ("支委,,,,,,,,预备党员,2026-01-01,,,,,", "roster.err.probationary_office"),
        ("活动小组长,,,,,,,,预备,2026-01-01,,活动组,,,", "roster.err.probationary_office"),
    ],
)
def test_new_roles_bad(cells: str, key: str) -> None:
    assert errors_of(one(f"乙,一村党支部,,在家,{cells}")) == [(3, "roles", key)]


def test_one_leader_per_group_and_activity_groups_are_not_branches() -> None:
    header = "姓名,支部,党小组,职务,活动小组\n"
    assert errors_of(header + "甲,一村党支部,一组,党小组长,\n乙,一村党支部,一组,党小组长,\n") == [
        (3, "roles", "roster.err.second_leader")
    ]
    assert rows_of(header + "甲,一村党支部,一组,党小组长,\n乙,二村党支部,一组,党小组长,\n")  # another branch's 一组
    assert errors_of(header + "甲,一村党支部,,活动小组长,3号楼\n乙,二村党支部,,活动小组长,3号楼\n") == [
        (3, "roles", "roster.err.second_leader")
    ]
    assert errors_of(header + "甲,一村党支部,,,二村党支部\n乙,二村党支部,,,\n") == [
        (2, "activity_group", "roster.err.activity_is_branch")
    ]


def test_a_secretary_whose_relation_is_elsewhere_is_allowed() -> None:
    """A 第一书记 sent by the county keeps their organisational relation at home."""
    row = rows_of(one("乙,二村党支部,,在家,书记,,,,,,,,,,,,外单位,县农业农村局机关党支部,"))[1]
    assert row.roles == {"secretary"} and row.relation == "elsewhere"


# -------------------------------------------------------------------------------------------- import


async def test_an_import_stores_the_organisation(store: Store) -> None:
    summary = await apply_roster(store, rows_of(ORG.read_text(encoding="utf-8")), COMMUNITY)
    assert summary.created == 9
    units = {u.name: u for u in await store.units.all()}
    committee = units[COMMUNITY]
    building, trade = units["幸福家园3号楼党小组"], units["物业服务党小组"]
    assert building.kind == trade.kind == ACTIVITY_GROUP_KIND
    assert building.parent_id == trade.parent_id == committee.id
    assert units["一组"].kind == "group" and units["一村党支部"].kind == "branch"
    by_name = {m.name: m for m in await store.members.all()}
    li, zhao, qian, sun, zhou = (by_name[n] for n in ("李委员", "赵组长", "钱预备", "孙外来", "周组长"))
    assert li.roles == {"committee"} and li.duty == "组织委员" and li.joined == date(2010, 3, 1)
    assert zhao.roles == {"group_leader"} and zhao.confirmed == date(2015, 7, 1) and zhao.joined is None
    assert zhao.activity_group_id == building.id and zhao.posts == {"patrol"}
    assert qian.membership == "probationary" and not qian.votes and qian.activity_group_id == building.id
    assert sun.relation == "elsewhere" and sun.note == "江西省于都县某村党支部" and not sun.votes
    assert sun.activity_group_id == trade.id and sun.liaison_id == by_name["王书记"].id
    assert zhou.roles == {"activity_leader", "committee"} and zhou.duty == "宣传委员"
    assert by_name["吴书记"].votes and by_name["吴书记"].membership == "full"
    assert [m.name for m in await store.members.with_role("committee")] == ["李委员", "周组长"]
    assert [m.name for m in await store.members.in_units({building.id})] == ["赵组长", "钱预备", "周组长"]
    again = await apply_roster(store, rows_of(ORG.read_text(encoding="utf-8")), COMMUNITY)
    assert (again.created, again.updated, again.unchanged, again.units_created) == (0, 0, 9, 0)


async def test_a_changed_row_changes_the_organisation(store: Store) -> None:
    text = ORG.read_text(encoding="utf-8")
    await apply_roster(store, rows_of(text), COMMUNITY)
    changed = text.replace(
        "3号楼,预备党员,2026-05-01,,幸福家园3号楼党小组", "3号楼,正式党员,2025-05-01,2026-05-01,"
    ).replace("李委员,一村党支部,一组,在家,组织委员", "李委员,一村党支部,一组,在家,")
    summary = await apply_roster(store, rows_of(changed), COMMUNITY)
    assert (summary.updated, summary.unchanged) == (2, 7)
    by_name = {m.name: m for m in await store.members.all()}
    qian, li = by_name["钱预备"], by_name["李委员"]
    assert qian.membership == "full" and qian.votes and qian.activity_group_id is None
    assert qian.confirmed == date(2026, 5, 1)
    assert li.roles == frozenset() and li.duty is None and not li.is_committee
    assert await store.db.fetchall("SELECT * FROM member_offices WHERE member_id = ?", (li.id,)) == []


async def test_leaving_the_roster_takes_the_offices(store: Store) -> None:
    text = ORG.read_text(encoding="utf-8")
    await apply_roster(store, rows_of(text), COMMUNITY)
    short = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("周组长,"))
    summary = await apply_roster(store, rows_of(short), COMMUNITY, deactivate_missing=True)
    assert summary.deactivated == 1
    zhou = next(m for m in await store.members.all() if m.name == "周组长")
    assert not zhou.active and zhou.roles == frozenset()
    assert [m.name for m in await store.members.with_role("committee")] == ["李委员"]


async def test_a_name_taken_by_another_kind_of_unit_is_a_conflict(store: Store) -> None:
    await apply_roster(store, rows_of("姓名,活动小组\n甲,三村党支部\n"), COMMUNITY)
    before = await store.db.fetchall("SELECT count(*) FROM members")
    with pytest.raises(RosterConflict) as caught:
        await apply_roster(store, rows_of("姓名,支部\n甲,三村党支部\n"), COMMUNITY)
    assert (caught.value.error.line, caught.value.error.column, caught.value.error.key) == (
        2,
        "branch",
        "roster.err.unit_kind",
    )
    assert await store.db.fetchall("SELECT count(*) FROM members") == before  # nothing written
    await apply_roster(store, rows_of("姓名,支部,党小组\n乙,,社区机关党小组\n"), COMMUNITY)
    with pytest.raises(RosterConflict) as again:
        await apply_roster(store, rows_of("姓名,活动小组\n乙,社区机关党小组\n"), COMMUNITY)
    assert again.value.error.column == "activity_group"
