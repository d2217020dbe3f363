"""The 发展党员 sheets of the workbook (issue 24): 入党积极分子培养考察登记 and 发展党员工作台账 — every step's date,
培养联系人, 入党介绍人, the 考察 dates, 培训 in days and 学时, the 支部大会's vote, 审批, the 预备期 with its
extension, 转正, and the 思想汇报 counted per quarter; never a 政审 conclusion or a birth day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.rights import OrgTree
from bot.services.development.rules import Record, Step, Taken
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.store import Store
from bot.store.development import Write
from tests.support.harness import SMALL_ROSTER, load_roster
from tests.support.xlsx_data import NOW, SETTINGS, every_value, member, open_book, rows

AT = datetime(2026, 1, 3, 2, tzinfo=UTC)
WALK = (
    ("apply", date(2024, 1, 5), "", ""),
    ("talk", date(2024, 1, 20), "", ""),
    ("activist", date(2024, 2, 1), "王书记、李联络", ""),
    ("review", date(2024, 8, 1), "", "表现好"),
    ("candidate", date(2025, 2, 3), "王书记、李联络", ""),
    ("vetting", date(2025, 3, 1), "", "政审合格，家庭清白"),
    ("training", date(2025, 3, 10), "", "24学时"),
    ("publicity", date(2025, 3, 16), "", ""),  # 公示 (拟接收): Monday 16 to Friday 20 March
    ("admit", date(2025, 4, 1), "", "应到6 实到5 赞成5 书面1"),
    ("approve", date(2025, 5, 1), "", ""),
    ("extend", date(2026, 3, 20), "", "6个月"),
    ("publicity", date(2026, 9, 14), "", ""),  # 公示 (拟转正): not the 接收's
)
PUBLICITY_ENDS = {date(2025, 3, 16): date(2025, 3, 20), date(2026, 9, 14): date(2026, 9, 18)}


async def walk(store: Store, unit_id: int, name: str, steps: tuple[tuple[str, date, str, str], ...]) -> None:
    """Record the steps one by one through the store, as `/development` does."""
    taken: list[Taken] = []
    for i, (step, on, people, note) in enumerate(steps):
        months = 6 if step == "extend" else 0
        taken.append(Taken(Step(step), on, months))
        record = Record(tuple(taken))
        ends = PUBLICITY_ENDS.get(on) if step == "publicity" else None
        write = Write(step, on, months, people, note, record.stage.value, record.since or on, ends_on=ends)
        if i == 0:
            assert await store.development.apply(unit_id, name, date(2000, 5, 16), write, None, AT)
        else:
            [person] = await store.development.named(name, {unit_id})
            assert await store.development.record(person, write, None, AT)


@pytest.fixture
async def seeded(store: Store) -> Store:
    await load_roster(store, SMALL_ROSTER)
    units = {u.name: u.id for u in await store.units.all()}
    await walk(store, units["一村党支部"], "刘预备", WALK)
    await walk(store, units["一村党支部"], "马积极", WALK[:4])
    await walk(store, units["二村党支部"], "冯申请", WALK[:1])
    probationer = await member(store, "刘预备")
    for period, at in (
        ("2025-Q2", datetime(2025, 6, 1, 2, tzinfo=UTC)),
        ("2025-Q3", datetime(2025, 9, 1, 2, tzinfo=UTC)),
    ):
        await store.reports.save_thought(probationer.id, period, "学习体会", at)
    await store.reports.save_thought(probationer.id, "2025-09", "又一篇", datetime(2025, 9, 20, 2, tzinfo=UTC))
    return store


async def book_of(store: Store, folder: Path, units: set[int] | None = None) -> Any:
    tree = OrgTree.of(await store.units.all())
    folder.mkdir(exist_ok=True)
    return open_book(await write_ledger(store, SETTINGS, folder, LedgerOrder(tree, units, "zh", NOW)))


async def test_the_register_has_every_step_of_each_person(seeded: Store, tmp_path: Path) -> None:
    book = await book_of(seeded, tmp_path / "all")
    sheet = rows(book["发展党员工作台账"])
    assert sheet[0][:6] == ["姓名", "支部", "递交申请书", "确定为积极分子", "列为发展对象", "入党介绍人"]
    body = {r[0]: r for r in sheet[1:] if r[0] is not None}
    assert set(body) == {"刘预备", "马积极", "冯申请"}
    liu = body["刘预备"]
    assert [str(v)[:10] for v in liu[2:5]] == ["2024-01-05", "2024-02-01", "2025-02-03"]
    assert liu[5] == "王书记、李联络" and str(liu[6])[:10] == "2025-03-01"
    assert liu[7] == "24学时"
    # The 公示期 after the 培训 and before the 支部大会, per the 细则's order: the 接收's first, the 转正's under it
    assert sheet[0][7:10] == ["集中培训", "公示期", "支部大会表决"]
    assert liu[8] == "拟接收：2025年3月16日至3月20日\n拟转正：2026年9月14日至9月18日"
    assert liu[9] == "2025年4月1日，应到6 实到5 赞成5（书面1）"
    assert liu[10] is None  # no 转正 vote yet
    assert str(liu[11])[:10] == "2025-05-01"
    assert liu[13] == "2025年4月1日至2026年10月1日（延长6个月）"  # a year from the 支部大会, and the extension
    assert liu[14] is None and liu[15] == "预备党员"
    assert body["马积极"][8] is None  # no 公示 yet
    assert body["冯申请"][15] == "入党申请人" and body["冯申请"][3] is None
    values = every_value(book)
    assert not any("家庭清白" in v for v in values)  # the 政审 conclusion stays out: only its date
    assert not any("2000-05-16" in v or "5月16日" in v for v in values)  # no birth day


async def test_the_publicity_column_names_each_notice_only_once_there_are_two(seeded: Store, tmp_path: Path) -> None:
    """Before the 支部大会 on 接收 there is one 公示, shown as its span alone; once a 拟转正 公示 follows (刘预备
    above), both are shown, each named."""
    units = {u.name: u.id for u in await seeded.units.all()}
    await walk(seeded, units["二村党支部"], "钱公示", WALK[:8])  # up to the 接收's 公示, before its 支部大会
    body = {r[0]: r for r in rows((await book_of(seeded, tmp_path / "all"))["发展党员工作台账"])[1:] if r[0]}
    assert body["钱公示"][8] == "2025年3月16日至3月20日"
    assert body["钱公示"][9] is None and "拟转正" not in body["刘预备"][8].split("\n")[0]


async def test_the_activist_register_counts_reports_per_quarter(seeded: Store, tmp_path: Path) -> None:
    book = await book_of(seeded, tmp_path / "all")
    sheet = rows(book["入党积极分子培养考察登记"])
    assert sheet[0][6:9] == ["培养联系人", "培养考察", "思想汇报（按季度）"]
    body = {r[0]: r for r in sheet[1:] if r[0] is not None}
    assert set(body) == {"刘预备", "马积极"}  # 冯申请 is not yet an 积极分子
    assert body["马积极"][2] == "2000年5月" and body["马积极"][6] == "王书记、李联络"
    assert body["马积极"][7] == "2024年8月1日" and body["马积极"][8] is None
    assert body["刘预备"][8] == "2025年第二季度 1篇、2025年第三季度 2篇"
    assert str(body["刘预备"][9])[:10] == "2025-02-03"


async def test_a_secretarys_book_holds_their_branch_only(seeded: Store, tmp_path: Path) -> None:
    tree = OrgTree.of(await seeded.units.all())
    [erchun] = tree.find("二村党支部")
    book = await book_of(seeded, tmp_path / "two", tree.subtree(erchun.id))
    assert [r[0] for r in rows(book["发展党员工作台账"])[1:] if r[0]] == ["冯申请"]
    assert [r[0] for r in rows(book["入党积极分子培养考察登记"])[1:] if r[0]] == []
