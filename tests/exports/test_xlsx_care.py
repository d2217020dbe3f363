"""The Excel ledger's 困难党员台账 and 帮扶走访记录 (issue 15 care cases, issue 14 workbook): every case and visit of
the units against the database, sources and states in words, a secretary's workbook with their units only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.domain.rights import OrgTree
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.store import Store
from tests.support.harness import SMALL_ROSTER, load_roster
from tests.support.xlsx_data import NOW, SETTINGS, TOM, execute, member, open_book, rows


@pytest.fixture
async def seeded(store: Store) -> Store:
    await load_roster(store, SMALL_ROSTER)
    migrant, liaison, other, tom = [await member(store, n) for n in ("张流动", "李联络", "周普通", TOM)]
    one = await execute(
        store,
        "INSERT INTO care_cases (member_id, source, situation, visitor_id, opened_at, "
        "quiet_since) VALUES (?, 'hardship', '工地受伤，家里困难', ?, '2026-10-02T02:00:00+00:00', "
        "'2026-10-20')",
        (migrant.id, liaison.id),
    )
    await execute(
        store,
        "INSERT INTO care_visits (case_id, visitor_id, visited_on, brought, next_step, logged_at) "
        "VALUES (?, ?, '2026-10-20', '=cmd() 慰问金500元', '下周陪同复查', '2026-10-20T08:00:00+00:00')",
        (one, liaison.id),
    )
    await execute(
        store,
        "INSERT INTO care_cases (member_id, source, situation, opened_at, quiet_since, closed_at, "
        "outcome) VALUES (?, 'ill', '住院', '2026-09-01T02:00:00+00:00', '2026-09-01', "
        "'2026-09-30T02:00:00+00:00', '已出院')",
        (other.id,),
    )
    await execute(
        store,
        "INSERT INTO care_cases (member_id, source, situation, opened_at, quiet_since) "
        "VALUES (?, 'secretary', 'Tom & <Jerry> 独居', '2026-11-01T02:00:00+00:00', '2026-11-01')",
        (tom.id,),
    )
    return store


async def book_of(store: Store, folder: Path, units: set[int] | None = None) -> Any:
    tree = OrgTree.of(await store.units.all())
    folder.mkdir(exist_ok=True)
    return open_book(await write_ledger(store, SETTINGS, folder, LedgerOrder(tree, units, "zh", NOW)))


def table(sheet: Any) -> list[list[Any]]:
    return [row for row in rows(sheet)[1:] if any(v is not None for v in row)]


async def test_every_case_and_visit_is_in_the_ledger_in_words(seeded: Store, tmp_path: Path) -> None:
    book = await book_of(seeded, tmp_path / "all")
    cases = book["困难党员台账"]
    assert rows(cases)[0][:5] == ["姓名", "支部", "来源", "困难情况", "走访人"]
    found = {r[0]: r for r in table(cases)}
    row = await seeded.db.fetchone("SELECT count(*) FROM care_cases")
    assert row is not None and len(found) == row[0] == 3
    assert found["张流动"][2] == "本人报告生活困难" and found["张流动"][4] == "李联络"
    assert found["张流动"][7] == "帮扶中" and found["周普通"][7] == "已结案" and found["周普通"][9] == "已出院"
    assert found[TOM][2] == "支部登记" and found[TOM][3] == "Tom & <Jerry> 独居" and found[TOM][6] == "未走访"
    [visit] = table(book["帮扶走访记录"])
    assert visit[1] == "张流动" and visit[3] == "李联络" and visit[4] == "=cmd() 慰问金500元"  # text, not a formula


async def test_a_secretarys_ledger_holds_their_units_cases_only(seeded: Store, tmp_path: Path) -> None:
    tree = OrgTree.of(await seeded.units.all())
    [yicun] = tree.find("一村党支部")
    book = await book_of(seeded, tmp_path / "one", tree.subtree(yicun.id))
    assert [r[0] for r in table(book["困难党员台账"])] == ["张流动"]
    assert len(table(book["帮扶走访记录"])) == 1
