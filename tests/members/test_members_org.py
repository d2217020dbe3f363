"""`/members` through the emulator shows the organisation (issue 12): each member's roles (支委, 党小组长,
活动小组长), membership (正式/预备党员), 党龄, branch and activity group, and a mark for those who do not
vote; members.csv carries the new columns; the demo tour passes through all of it."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.rights import OrgTree
from bot.services.exports.export import export_files
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import Harness, load_roster
from tests.support.roster import ORG
from tests.support.xlsx_data import SETTINGS, open_book, rows

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=TZ)


def line_of(text: str, name: str) -> str:
    """The listing's line of this member."""
    found = [line for line in text.splitlines() if line.startswith(name)]
    assert len(found) == 1, (name, text)
    return found[0]


async def org_harness(harness_factory: Any, tmp_path: Path) -> Harness:
    """The bot on a database holding the Chinese-headed roster tests/data/org.csv, its clock at NOW."""
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, ORG)
    finally:
        await store.close()
    harness: Harness = await harness_factory(load=False)
    harness.at(NOW)
    return harness


async def test_members_shows_roles_membership_years_activity_group_and_who_votes(
    harness_factory: Any, tmp_path: Path
) -> None:
    harness = await org_harness(harness_factory, tmp_path)
    secretary = harness.user(1001)
    await secretary.send("/members")
    text = (await secretary.expect("一村党支部（6 人）")).text
    wang = line_of(text, "王书记（一组）")
    assert "书记、联系人 · 正式党员 · 党龄 25 年" in wang and "无表决权" not in wang
    # 入党时间 without 转正时间: 党龄 cannot be told, and is said so (issue 23), not counted from joining
    assert line_of(text, "李委员（一组）").endswith("支委（组织委员） · 正式党员 · 党龄不详（花名册没有转正时间）")
    zhao = line_of(text, "赵组长（一组）")
    assert "党小组长 · 正式党员 · 党龄 11 年 · 活动小组：幸福家园3号楼党小组" in zhao and "无表决权" not in zhao
    assert line_of(text, "钱预备（一组）").endswith(
        "预备党员（5月1日（周五） 入党） · 活动小组：幸福家园3号楼党小组 〔无表决权〕"
    )
    assert line_of(text, "孙外来（一组）").endswith(
        "正式党员 · 党龄 27 年 · 活动小组：物业服务党小组 · 组织关系在外（江西省于都县某村党支部） 〔无表决权〕"
    )
    assert "党龄 13 年" in line_of(text, "张流动（流动党员党小组）")
    assert text.count("〔无表决权〕") == 2 and "二村" not in text


async def test_an_activity_group_is_listed_across_branches(harness_factory: Any, tmp_path: Path) -> None:
    harness = await org_harness(harness_factory, tmp_path)
    community = harness.user(3001)
    await community.send("/members 幸福家园3号楼党小组")
    text = (await community.expect("一村党支部（2 人）")).text
    assert "二村党支部（1 人）" in text
    listed = [line.split(" ")[0] for line in text.splitlines() if "·" in line]
    assert listed == ["赵组长（一组）", "钱预备（一组）", "周组长"]
    assert "支委（宣传委员）、活动小组长 · 正式党员 · 党龄 40 年" in line_of(text, "周组长")
    await community.send("/members 没有这个组")
    assert "物业服务党小组" in (await community.expect("没有「没有这个组」")).text  # offered as a choice


async def test_members_in_english(harness_factory: Any, tmp_path: Path) -> None:
    harness = await org_harness(harness_factory, tmp_path)
    secretary = harness.user(2001, lang="en")
    await secretary.send("/members")
    text = (await secretary.expect("二村党支部")).text
    # no dates on the roster: 党龄 unknown, said so
    assert line_of(text, "吴书记").endswith(
        "secretary · full member · years in the Party unknown (no 转正 date on the roster)"
    )
    assert line_of(text, "周组长").endswith(
        "committee member (宣传委员), activity group leader · full member · 40 years in the Party · "
        "activity group: 幸福家园3号楼党小组"
    )


async def test_members_csv_carries_the_organisation(store: Store) -> None:
    await load_roster(store, ORG)
    data = (await export_files(store))["members.csv"].decode("utf-8-sig")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(data))}
    header = next(csv.reader(io.StringIO(data)))
    assert header[-8:] == ["membership", "joined", "confirmed", "activity_group", "relation", "note", "duty", "votes"]
    assert header[:3] == ["id", "name", "branch"]  # the old columns keep their places
    qian, sun, li = rows["钱预备"], rows["孙外来"], rows["李委员"]
    assert (qian["membership"], qian["joined"], qian["confirmed"], qian["votes"]) == (
        "probationary",
        "2026-05-01",
        "",
        "no",
    )
    assert (qian["activity_group"], sun["relation"], sun["note"], sun["votes"]) == (
        "幸福家园3号楼党小组",
        "elsewhere",
        "江西省于都县某村党支部",
        "no",
    )
    assert (li["roles"], li["duty"], li["votes"]) == ("committee", "组织委员", "yes")
    assert rows["周组长"]["roles"] == "activity_leader;committee"


async def test_the_workbook_counts_party_years_from_confirmation_only(store: Store, tmp_path: Path) -> None:
    """党龄 on 党员花名册 (issue 23): from 转正; 不详 where the roster gives 入党时间 only (not one year too many);
    empty for a 预备党员."""
    await load_roster(store, ORG)
    tree = OrgTree.of(await store.units.all())
    path = await write_ledger(store, SETTINGS, tmp_path, LedgerOrder(tree, None, "zh", NOW))
    table = rows(open_book(path)["党员花名册"])
    column = table[0].index("党龄")
    years = {r[0]: r[column] for r in table[1:] if r and r[0]}
    assert years["王书记"] == 25  # 转正 2001-06-20
    assert years["李委员"] == "不详（缺转正时间）"  # 入党 2010-03-01 only: never 16
    assert years["钱预备"] is None
