"""The Excel ledger of the generated community of `bench/dataset.py` (2 000 members, four months): every big sheet
has exactly the rows of the tables it comes from, for the whole community and for one branch, and the rows past the
measured ones (the fast path) read back right."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.domain.rights import OrgTree
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.store import Store
from tests.support.dataset import dataset
from tests.support.db import open_store
from tests.support.xlsx_data import SETTINGS

#: Slow: the 2 000-member generated community.
pytestmark = pytest.mark.slow

END = datetime(2026, 11, 20, 12, tzinfo=UTC)
#: Held, as the 三会一课台账 says it: not cancelled, begun, someone checked in.
HELD = (
    "SELECT id FROM notices WHERE cancelled_at IS NULL AND starts_at <= ? "
    "AND EXISTS (SELECT 1 FROM checkins k WHERE k.notice_id = notices.id){units}"
)


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "community.sqlite3"
    dataset().build(path, members=2_000, months=4, end=END)
    return path


async def counts(store: Store, units: set[int] | None) -> dict[str, int]:
    marks = "" if units is None else f" AND unit_id IN ({','.join(str(u) for u in sorted(units))})"
    members = "" if units is None else f" WHERE m.unit_id IN ({','.join(str(u) for u in sorted(units))})"

    async def one(sql: str, *params: object) -> int:
        row = await store.db.fetchone(sql, params)
        assert row is not None
        return int(row[0])

    held = HELD.format(units=marks)
    return {
        "党员花名册": await one(f"SELECT count(*) FROM members m{members}"),
        "三会一课台账": await one(f"SELECT count(*) FROM ({held})", END.isoformat()),
        "会议考勤明细": await one(f"SELECT count(*) FROM notice_members WHERE notice_id IN ({held})", END.isoformat()),
        "动态报备": await one(f"SELECT count(*) FROM status_reports s JOIN members m ON m.id = s.member_id{members}"),
    }


def counted(path: Path, sheets: dict[str, int]) -> dict[str, int]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        out = {}
        for name in sheets:
            rows = 0
            for row in book[name].iter_rows(min_row=2, values_only=True):
                if all(v is None for v in row):
                    break  # the grid under the meetings
                rows += 1
            out[name] = rows
        return out
    finally:
        book.close()


async def test_big_sheets_have_the_rows_of_their_tables(community: Path, tmp_path: Path) -> None:
    store = await open_store(community)
    try:
        tree = OrgTree.of(await store.units.all())
        branch = next(u.id for u in tree.units.values() if u.kind == "branch")
        for units in (None, tree.subtree(branch)):
            expected = await counts(store, units)
            assert expected["会议考勤明细"] > 1_000  # past the measured rows: the fast path wrote most of them
            folder = tmp_path / ("all" if units is None else "one")
            folder.mkdir()
            path = await write_ledger(store, SETTINGS, folder, LedgerOrder(tree, units, "zh", END))
            assert counted(path, expected) == expected, units
        book = openpyxl.load_workbook(path, read_only=True)
        last = next(iter(book["会议考勤明细"].iter_rows(min_row=expected["会议考勤明细"] + 1, values_only=True)))
        assert isinstance(last[0], datetime) and last[3].startswith("党员") and last[4] == tree.name(branch)
        book.close()
    finally:
        await store.close()
