"""The roster's columns of the registers: 党费类别 / 党费基数 / 月交党费 (issue 25) set each member's rule of the year
by the 党费规定, every band and limit checked on both sides; 党员类别 入党申请人 / 入党积极分子 / 发展对象 (issue 24)
put a person in the 发展党员 register, never among the members, and refuse what only members have."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.i18n import t
from bot.services.members.roster import apply_roster, parse_roster
from bot.store import Store
from tests.support.roster import TODAY, run_cli

HEADER = "姓名,支部,职务,TelegramID,联系人,党员类别,入党时间,党费类别,党费基数,月交党费"
EN_HEADER = "name,branch,roles,telegram_id,liaison,membership,joined,dues_category,dues_base,dues_amount"
SECRETARY = "甲书记,一村党支部,书记,1001,,,,,,"


def roster(*lines: str, header: str = HEADER) -> str:
    return "\n".join((header, SECRETARY, *lines)) + "\n"


def parsed(*lines: str) -> list[tuple[int, str, str]]:
    _, errors = parse_roster(roster(*lines), TODAY)
    for error in errors:  # every problem reads in both languages
        t("zh", error.key, **error.params), t("en", error.key, **error.params)
    return [(e.line, e.column, e.key) for e in errors] if errors else []


def rule_of(line: str) -> tuple[str, int | None, int, int, bool] | None:
    rows, errors = parse_roster(roster(line), TODAY)
    assert not errors, errors
    rule = rows[1].dues
    return None if rule is None else (rule.category.value, rule.base, rule.rate, rule.amount, rule.more)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ("在职,3000,", ("employed", 300000, 50, 1500, False)),  # 3000 含: 0.5 %
        ("在职,3000.01,", ("employed", 300001, 100, 3000, False)),  # above: 1 %
        ("employed,4500元,", ("employed", 450000, 100, 4500, False)),
        ("在职,4500,50", ("employed", 450000, 100, 5000, True)),  # 自愿多交
        ("离退休,5000,", ("retired", 500000, 50, 2500, False)),
        ("离退休,5000.01,", ("retired", 500001, 100, 5000, False)),
        ("农民,,0.2", ("farmer", None, 0, 20, False)),
        ("农民,,", ("farmer", None, 0, 20, False)),
        ("农民,,1", ("farmer", None, 0, 100, False)),
        ("学生,,", ("student", None, 0, 20, False)),
        ("困难,,", ("hardship", None, 0, 20, False)),
        (",,", None),
    ],
)
def test_the_dues_columns_make_the_rule_of_the_year(cells: str, expected: object) -> None:
    assert rule_of(f"乙,一村党支部,,,,,,{cells}") == expected


@pytest.mark.parametrize(
    ("cells", "column", "key"),
    [
        ("在职,,", "dues_base", "roster.err.dues_base_needed"),
        ("在职,0,", "dues_base", "roster.err.dues_base_range"),
        ("在职,4500,44.9", "dues_amount", "roster.err.dues_less_than_rule"),  # the rule asks 45.00
        ("农民,,0.19", "dues_amount", "roster.err.dues_farmer_range"),
        ("学生,,0.1", "dues_amount", "roster.err.dues_less_than_rule"),
        ("公务员,4500,", "dues_category", "roster.err.dues_category"),
        ("在职,四千五,", "dues_base", "roster.err.money"),
        ("在职,4500.123,", "dues_base", "roster.err.money"),
        (",4500,", "dues_base", "roster.err.dues_without_category"),
        (",,0.5", "dues_amount", "roster.err.dues_without_category"),
    ],
)
def test_bad_dues_cells_are_named(cells: str, column: str, key: str) -> None:
    assert parsed(f"乙,一村党支部,,,,,,{cells}") == [(3, column, key)]


def test_the_english_headers_and_values_are_the_same_columns() -> None:
    rows, errors = parse_roster(
        roster("B,一村党支部,,,,activist,,,,", "C,一村党支部,,,,,,retired,6000,", header=EN_HEADER)
    )
    assert not errors
    assert rows[1].membership == "activist" and rows[1].developing
    assert rows[2].dues is not None and rows[2].dues.amount == 6000


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("支委,,,入党积极分子,,,,", "roles"),
        (",,,发展对象,2025-01-01,,,", "joined"),
        (",,,入党申请人,,农民,,", "dues_category"),
        (",,甲书记,入党积极分子,,,,", "liaison"),
    ],
)
def test_a_person_not_yet_a_member_has_nothing_only_members_have(cells: str, column: str) -> None:
    assert parsed(f"乙,一村党支部,{cells}") == [(3, column, "roster.err.not_yet_member")]


def test_a_member_cannot_name_an_activist_as_liaison() -> None:
    assert parsed("乙,一村党支部,,,,积极分子,,,,", "丙,一村党支部,,,乙,,,,,") == [(4, "liaison", "roster.err.liaison")]


async def test_the_import_puts_people_in_the_register_and_sets_dues_once(store: Store) -> None:
    text = roster(
        "王申请,一村党支部,,3001,,入党申请人,,,,",
        "马积极,一村党支部,,,,入党积极分子,,,,",
        "何对象,一村党支部,,,,发展对象,,,,",
        "钱在职,一村党支部,,,,,,在职,4500,",
    )
    rows, errors = parse_roster(text, TODAY)
    assert not errors
    summary = await apply_roster(store, rows, "测试社区党委")
    assert (summary.created, summary.developing, summary.dues_set) == (2, 3, 1)
    assert {m.name for m in await store.members.all() if m.active} == {"甲书记", "钱在职"}  # no member rights
    people = {p.name: p for p in await store.development.in_units(None)}
    assert {n: p.stage for n, p in people.items()} == {
        "王申请": "applicant",
        "马积极": "activist",
        "何对象": "candidate",
    }
    assert all(not p.steps for p in people.values())
    qian = (await store.members.named("钱在职"))[0]
    [rule] = (await store.dues.rules_of([qian.id]))[qian.id]
    assert (rule.year, rule.category, rule.base, rule.amount, rule.reviews) == (
        date.today().year,
        "employed",
        450000,
        4500,
        0,
    )

    again = await apply_roster(store, rows, "测试社区党委")  # the same file changes nothing
    assert (again.created, again.updated, again.unchanged, again.dues_set) == (0, 0, 2, 0)
    assert len(await store.development.in_units(None)) == 3

    rows, errors = parse_roster(
        text.replace("马积极,一村党支部,,,,入党积极分子", "马积极,一村党支部,,,,发展对象").replace(
            "在职,4500,", "在职,5200,"
        ),
        TODAY,
    )
    assert not errors
    changed = await apply_roster(store, rows, "测试社区党委")
    assert changed.dues_set == 1
    [rule] = (await store.dues.rules_of([qian.id]))[qian.id]
    assert (rule.base, rule.rate, rule.amount, rule.reviews) == (520000, 150, 7800, 1)  # 5200 × 1.5 %, a review
    people = {p.name: p for p in await store.development.in_units(None)}
    assert people["马积极"].stage == "candidate"  # no steps yet: the roster's stage stands


async def test_a_register_with_steps_keeps_its_own_stage(store: Store) -> None:
    rows, _ = parse_roster(roster("马积极,一村党支部,,,,入党积极分子,,,,"), TODAY)
    await apply_roster(store, rows, "测试社区党委")
    [person] = await store.development.in_units(None)
    async with store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO development_steps (person_id, step, on_day, recorded_at) VALUES (?, 'apply', '2025-01-02', ?)",
            (person.id, "2026-01-01T00:00:00+00:00"),
        )
        await conn.execute("UPDATE development SET stage = 'applicant' WHERE id = ?", (person.id,))
    rows, _ = parse_roster(roster("马积极,一村党支部,,,,发展对象,,,,"), TODAY)
    await apply_roster(store, rows, "测试社区党委")
    [person] = await store.development.in_units(None)
    assert person.stage == "applicant"  # the steps are the record; the roster does not move it


def test_the_command_line_says_what_went_into_the_registers(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        roster("马积极,一村党支部,,,,入党积极分子,,,,", "钱在职,一村党支部,,,,,,在职,4500,"), encoding="utf-8"
    )
    result = run_cli(tmp_path, "import-roster", str(path), env={"DEFAULT_LANGUAGE": "zh"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "新增 2 人" in result.stdout  # the secretary and 钱在职: 马积极 is not a member
    assert "积极分子、发展对象 1 人已列入发展党员名单" in result.stdout
    assert "按名册核定了 1 名党员今年的党费" in result.stdout
