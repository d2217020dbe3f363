"""The township above the communities (issue 28 item 4): one deployment, two communities under a 乡镇党委, and a
reader from above (上级党委, read-only). Through the emulator: the reader sees both communities' 三会一课 ledgers
and downloads the workbook of any unit without its private sheets, and every command that is not a reading one is
refused — walked over the whole commands table —, with nothing written and nothing sent. Plus the roster rules."""

from __future__ import annotations

import pytest

from bot.domain.models import TOWNSHIP_KIND
from bot.domain.rights import READ_ONLY, OrgTree
from bot.services.households.buttons import RequestAct
from bot.services.households.requests_flow import _committee_secretary as committee_secretary
from bot.services.households.requests_rules import RequestAction
from bot.services.kernel.commands import COMMANDS
from bot.services.members.roster import parse_roster
from bot.services.members.roster_import import RosterConflict, apply_roster
from bot.store import Store
from tests.support.harness import Harness
from tests.support.township import EAST, EAST_MEMBER, NAMES, READER, TABLES, WEST, load
from tests.support.xlsx_data import every_value, open_book


async def counts(store: Store) -> dict[str, int]:
    out = {}
    for table in TABLES:
        row = await store.db.fetchone(f"SELECT count(*) FROM {table}")
        assert row is not None
        out[table] = int(row[0])
    return out


async def test_two_communities_hang_under_the_township(store: Store) -> None:
    await load(store)
    tree = OrgTree.of(await store.units.all())
    (top,) = [u for u in tree.units.values() if u.parent_id is None]
    assert top.kind == TOWNSHIP_KIND and top.name == "城关镇党委"
    assert sorted(u.name for u in tree.children(top.id)) == ["东湖社区党委", "西山社区党委"]
    reader = await store.members.by_telegram_id(READER)
    assert reader is not None and reader.is_inspector and reader.oversees == top.id and reader.unit_id == top.id
    assert reader.roles == frozenset({"inspector"})
    # nobody's meetings or rolls count the reader: they are a member of the township, not of a branch
    assert reader.id not in {m.id for m in await store.members.in_units(tree.subtree(tree.find("东湖社区党委")[0].id))}
    await load(store)  # the same file again changes nothing
    assert len(await store.units.all()) == len(tree.units)


async def test_a_request_passed_to_the_committee_goes_to_the_community_not_the_township(store: Store) -> None:
    await load(store)
    tree = OrgTree.of(await store.units.all())
    (branch,) = tree.find("东一村党支部")
    secretary = await committee_secretary(store, tree, branch.id)
    found = await store.members.get(secretary or 0)
    assert found is not None and found.name == "东湖书记"


async def test_a_community_made_first_moves_under_the_township(store: Store) -> None:
    rows, _ = parse_roster("姓名,支部,职务\n东书记,东一村党支部,书记\n")
    await apply_roster(store, rows, "东湖社区党委")
    await load(store)
    tree = OrgTree.of(await store.units.all())
    (east,) = [u for u in tree.units.values() if u.name == "东湖社区党委"]
    assert tree.units[east.parent_id or 0].kind == TOWNSHIP_KIND  # the same unit, hung under the township


def test_a_reader_row_names_the_unit_and_holds_no_other_role() -> None:
    _, errors = parse_roster("姓名,支部,职务\n镇领导,,上级党委\n")
    assert [e.key for e in errors] == ["roster.err.inspector_unit"]
    _, errors = parse_roster("姓名,支部,职务\n镇领导,城关镇党委,上级党委;书记\n")
    assert [e.key for e in errors] == ["roster.err.inspector_only"]
    rows, errors = parse_roster("姓名,支部,职务\n镇领导,城关镇党委,上级党委\n")
    assert not errors and rows[0].roles == frozenset({"inspector"})


async def test_a_reader_of_an_unknown_unit_is_refused_and_nothing_is_written(store: Store) -> None:
    rows, _ = parse_roster("姓名,社区,支部,职务\n东书记,东湖社区党委,东一村党支部,书记\n镇领导,,南村党支部,上级党委\n")
    with pytest.raises(RosterConflict) as refused:
        await apply_roster(store, rows, NAMES)
    assert refused.value.error.key == "roster.err.inspector_unknown"
    assert await store.units.all() == []


async def test_the_reader_sees_both_communities_ledgers(township: Harness) -> None:
    reader = township.user(READER)
    await reader.send("/ledger 东一村党支部 2026")
    east = await reader.expect("东一村党支部 · 2026年三会一课台账")
    await reader.send("/ledger 西一村党支部 2026")
    await reader.expect("西一村党支部 · 2026年三会一课台账")
    await reader.press("第一季度", east)
    assert "东村党员大会" in (await reader.expect("东一村党支部 · 2026年三会一课台账", kind="edit")).text


async def test_a_branch_secretary_still_sees_only_their_own(township: Harness) -> None:
    east = township.user(EAST)
    await east.send("/ledger 西一村党支部 2026")
    answer = await east.next_message()
    assert "西一村党支部 · 2026年三会一课台账" not in answer.text
    await east.send("/overview")
    figures = await east.expect("总览")
    assert "东一村党支部" in figures.text and "西一村" not in figures.text


async def test_the_reader_sees_every_branchs_figures_and_lists(township: Harness) -> None:
    reader = township.user(READER)
    await reader.send("/overview")
    figures = await reader.expect("📊 城关镇党委 总览")
    assert "<b>东一村党支部</b>" in figures.html and "<b>西一村党支部</b>" in figures.html
    assert "三会一课：今年已开 1 次" in figures.text and "民主评议：今年还没开展" in figures.text
    assert "民情诉求：没办结 0 件" in figures.text
    await reader.expect("发展党员")  # the register, the dues and the transfers follow, read only
    await reader.expect("党费")
    await reader.expect("转接")
    await reader.send("/overview 西山社区党委")
    west = await reader.expect("西山社区党委 总览")
    assert "西一村党支部" in west.text and "东一村" not in west.text
    await reader.expect("发展党员")
    dues = await reader.expect("党费")
    assert "西山社区党委" in dues.text and "东" not in dues.text
    await reader.expect("转接")
    await reader.send("/overview 南村")
    assert "「南村」不是您能看的单位" in (await reader.next_message()).text


async def test_the_reader_downloads_a_units_workbook_without_private_sheets(township: Harness) -> None:
    reader = township.user(READER)
    await reader.send("/export 西山社区党委 2026")
    await reader.expect("正在导出")
    sent: dict[str, bytes] = {}
    while (message := await reader.next_message()).kind == "document":
        assert message.document_name is not None and message.document_bytes is not None
        sent[message.document_name] = message.document_bytes
    assert "导出完成" in message.text
    (name,) = sent  # the workbook only: the CSV files carry reports, statuses and care cases
    assert name.startswith("台账-西山社区党委") and name.endswith(".xlsx")
    book = open_book(sent[name])
    assert not {"党员花名册", "困难党员台账", "谈心谈话记录"} & set(book.sheetnames)
    values = every_value(book)
    assert "西村支委会" in values and not any("东村" in v or "东书记" in v for v in values)
    await reader.send("/export 南村")
    assert "「南村」看不懂：不是您能看的单位" in (await reader.next_message()).text


async def test_every_write_command_refuses_the_reader(township: Harness) -> None:
    reader = township.user(READER)
    before = await counts(township.store)
    refused = 0
    for command in COMMANDS:
        if command.capability in READ_ONLY:
            continue
        await reader.send(f"/{command.name} 东党员 | 2026-11-20 | 内容")
        answer = await reader.next_message()
        assert "上级党委的同志" in answer.text and f"/{command.name}" in answer.text, (command.name, answer.text)
        refused += 1
    assert refused == len([c for c in COMMANDS if c.capability not in READ_ONLY])
    assert await counts(township.store) == before
    await township.nothing_more(reader, township.user(EAST), township.user(WEST), township.user(EAST_MEMBER))


async def test_the_reader_presses_no_button_but_the_ledgers(township: Harness) -> None:
    reader = township.user(READER)
    await reader.send("/ledger 2026")
    overview = await reader.expect("2026年")
    before = await counts(township.store)
    for data in (RequestAct(1, RequestAction.RESOLVE).pack(), "ntc:att:1", "rep:start", "apr:vote:1:2:excellent"):
        await reader.press_data(data, overview)
        await reader.expect("上级党委只能查看", kind="alert")
    assert await counts(township.store) == before
    await reader.press("东一村党支部", overview)  # the ledger's own pages still open
    await reader.expect("东一村党支部 · 2026年三会一课台账", kind="edit")


async def test_the_readers_help_lists_only_reading(township: Harness) -> None:
    reader = township.user(READER)
    await reader.send("/help")
    text = (await reader.next_message()).text
    assert "/ledger" in text and "/export" in text
    assert "/notice" not in text and "/talk" not in text and "/care" not in text


async def away(township: Harness, name: str, since: str, cadence: str = "monthly") -> None:
    async with township.store.db.transaction() as conn:
        await conn.execute(
            "UPDATE members SET category = 'migrant', report_cadence = ?, migrant_since = ? WHERE name = ?",
            (cadence, since, name),
        )


async def test_the_overview_counts_mobile_members_late_with_the_last_periods_report(township: Harness) -> None:
    """On 20 November the last ended period is October (a quarter: the third). Late: away before it ended and no
    report for it. Not late: the report is in, or they left on its last day (nothing owed for it)."""
    await away(township, "西党员", "2026-10-30")  # owes October: none in → late
    await away(township, "西书记", "2026-10-31")  # left on October's last day: owes November first
    await away(township, "东党员", "2026-06-01", "quarterly")  # owes 2026-Q3: handed in
    async with township.store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO thought_reports (member_id, period, text, submitted_at) SELECT id, '2026-Q3', '学习体会', "
            "'2026-09-28T10:00:00+08:00' FROM members WHERE name = '东党员'"
        )
    reader = township.user(READER)
    await reader.send("/overview")
    figures = (await reader.expect("📊 城关镇党委 总览")).text
    assert "（截至2026年11月20日）" in figures
    east, west = figures.split("西一村党支部")
    assert "流动党员 1 人，上一期思想汇报逾期没交的 0 人" in east
    assert "流动党员 2 人，上一期思想汇报逾期没交的 1 人" in west
    for follows in ("发展党员", "党费", "转接"):
        await reader.expect(follows)
    await away(township, "西书记", "2026-10-30")  # a day earlier: October is owed too
    await reader.send("/overview 西山社区党委")
    assert "流动党员 2 人，上一期思想汇报逾期没交的 2 人" in (await reader.expect("西山社区党委 总览")).text
    for follows in ("发展党员", "党费", "转接"):
        await reader.expect(follows)
    async with township.store.db.transaction() as conn:
        await conn.execute("DELETE FROM thought_reports")
    await reader.send("/overview 东湖社区党委")
    assert "流动党员 1 人，上一期思想汇报逾期没交的 1 人" in (await reader.expect("东湖社区党委 总览")).text
