"""Paper meetings entered honestly and RECORDS_FROM (issue 23 item 6), through the emulator on the small roster:
before RECORDS_FROM the 三会一课台账 shows — (not kept here), never ❌; a meeting held on paper is entered with
/backfill — date in the past, the people there named, a reason and its minutes — counts where it falls, and is
marked 补录 with who entered it, when and why on /ledger, /attendance, /minutes, notices.csv and the workbook."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.services.exports.export import export_files
from bot.services.exports.workbook import LedgerOrder, write_ledger
from tests.support.harness import SECRETARY, Harness
from tests.support.ledger import line, started
from tests.support.xlsx_data import open_book, rows

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SH)
PAPER = (
    "支部党员大会 | 2026-09-15 15:00 | 党员活动室 | 学习党章 | 王书记、李联络、赵巡逻、钱调解 | 启用系统前开的会 "
    "| 学习了党章第一章"
)


async def test_before_records_from_is_not_kept_and_a_paper_meeting_counts_marked(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(records_from="2026-10-01")
    harness.at(NOW)
    await started(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    await secretary.send("/ledger 2026")
    q4 = (await secretary.expect("一村党支部 · 2026年三会一课台账")).text
    assert "— 2026年10月1日启用本系统以前：记录在纸质台账" in q4
    assert "10月 支委会 ❌ 0/1" in q4  # kept from October: a missed month is missed
    await secretary.press("第三季度")
    q3 = (await secretary.expect("一村党支部 · 2026年三会一课台账", kind="edit")).text
    marks = q3.split("\n", 2)[2]  # below the title and the legend
    assert "7月 支委会 — 0/1" in marks and "❌" not in marks  # before RECORDS_FROM: not kept here, never ❌
    assert "第三季度 支部党员大会 — 0/1" in q3
    # a paper meeting, entered afterwards
    await secretary.send("/backfill " + PAPER.replace("2026-09-15", "2026-12-15"))
    await secretary.expect("日期「2026-12-15 15:00」不对")
    await secretary.send("/backfill " + PAPER.replace("钱调解", "孙书记"))
    await secretary.expect("到会人员里有名单上找不到的：孙书记")
    await secretary.send("/backfill " + PAPER.replace("启用系统前开的会", " "))
    await secretary.expect("请写补录原因")
    await secretary.send("/backfill 支部党员大会 | 2026-09-15")
    await secretary.expect("补录一次纸质记录上的会议")
    await secretary.send("/backfill " + PAPER)
    done = (await secretary.expect("已补录会议 #1")).text
    assert "到会 4 人（应到 6 人）" in done
    await secretary.send("/ledger 2026")
    await secretary.press("第三季度", await secretary.expect("一村党支部 · 2026年三会一课台账"))
    q3 = (await secretary.expect("一村党支部 · 2026年三会一课台账", kind="edit")).text
    assert "第三季度 支部党员大会 ✅ 1/1" in line(q3, "第三季度")
    assert "9月15日 支部党员大会「学习党章」应到 6 人、实到 4 人〔补录〕" in q3
    await secretary.send("/attendance 1")
    shown = (await secretary.expect("#1 支部党员大会")).text
    assert "📎 补录：王书记 于 2026-11-30 按纸质记录录入，原因：启用系统前开的会" in shown
    assert "王书记（补录）" in shown
    await secretary.send("/minutes 1")
    minutes = (await secretary.expect("会议 #1 的记录")).text
    assert "📎 补录：王书记" in minutes and "学习了党章第一章" in minutes
    files = await export_files(harness.store)
    notices = list(csv.DictReader(io.StringIO(files["notices.csv"].decode("utf-8-sig"))))
    assert (notices[0]["backfilled_by"], notices[0]["backfill_reason"]) == ("王书记", "启用系统前开的会")
    folder = Path(harness.settings.database_path).parent / "book"
    folder.mkdir()
    tree = OrgTree.of(await harness.store.units.all())
    path = await write_ledger(harness.store, harness.settings, folder, LedgerOrder(tree, None, "zh", NOW))
    sheet = rows(open_book(path)["三会一课台账"])
    header = next(r for r in sheet if r and r[0] == "日期")
    meeting = next(r for r in sheet if r and r[3] == "学习党章")
    assert meeting[header.index("补录")] == "补录：王书记 2026-11-30；启用系统前开的会"
    assert meeting[header.index("会议形式")] == "现场"


def test_records_from_must_be_a_date() -> None:
    assert Settings(_env_file=None, records_from="2026-10-01").records_start is not None  # type: ignore[call-arg]
    assert Settings(_env_file=None).records_start is None  # type: ignore[call-arg]
    try:
        Settings(_env_file=None, records_from="October")  # type: ignore[call-arg]
    except ValueError as error:
        assert "RECORDS_FROM" in str(error)
    else:
        raise AssertionError("accepted")
