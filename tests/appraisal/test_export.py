"""The CSV files of the branch's year (issue 26 item 5): `talks.csv` holds who, with whom, when and the form —
never what was said nor the private note; `appraisal.csv` shows the 测评 counts only from three ballots;
`rectify_items.csv` and `pledges.csv` hold the 整改清单 and the 承诺; each limited to a secretary's units."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

from bot.domain.rights import OrgTree
from bot.services.exports.export import export_files
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.store import Store
from bot.store.appraisal_rows import TalkIn
from bot.store.openness import Draft
from tests.support.harness import LIAISON, MIGRANT, PATROL, SECRETARY, SMALL_ROSTER, load_roster
from tests.support.xlsx_data import NOW, SETTINGS, open_book, rows

AT = datetime(2026, 11, 2, 2, tzinfo=UTC)


def table(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


async def _ids(store: Store, *telegram_ids: int) -> list[int]:
    out = []
    for telegram_id in telegram_ids:
        member = await store.members.by_telegram_id(telegram_id)
        assert member is not None
        out.append(member.id)
    return out


async def test_the_four_ledgers_as_csv_without_a_word_of_a_talk(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    wang, li, zhang, zhao = await _ids(store, SECRETARY, LIAISON, MIGRANT, PATROL)
    unit = (await store.members.by_ids([wang]))[wang].unit_id
    await store.appraisal.add_talk(
        unit, (wang, li), TalkIn(date(2026, 3, 5), "修路的意见", "家里老人病了", "phone", wang), AT
    )
    appraisal = await store.appraisal.open_appraisal(unit, 2026, date(2026, 11, 1), date(2026, 11, 20), wang, AT)
    assert appraisal is not None
    await store.appraisal.save_self(appraisal, li, "按时参加组织生活", AT)
    await store.year.self_file(appraisal, zhao, "voice", "EMUvoice9", AT)
    for voter in (wang, zhang, zhao):  # three ballots on 李联络: shown
        await store.appraisal.cast(appraisal, voter, li, "excellent" if voter != zhao else "qualified")
    await store.appraisal.cast(appraisal, wang, zhang, "basic")  # one on 张流动: not shown
    await store.appraisal.rate(appraisal, zhang, "basic", date(2027, 3, 31), wang, AT)
    await store.appraisal.add_item(unit, "学习不经常", "每月集中学习", li, date(2026, 12, 31), wang, AT)
    assert await store.appraisal.make_pledge(li, 2026, "帮扶一户困难户", AT)
    pledge = await store.appraisal.pledge(li, 2026)
    assert pledge is not None
    await store.appraisal.add_progress(pledge.id, "看望王大爷四次", AT)

    files = await export_files(store)
    talks = table(files["talks.csv"])
    assert talks == [
        {"held_on": "2026-03-05", "branch": "一村党支部", "member_a": "王书记", "member_b": "李联络", "form": "phone"}
    ]
    assert "修路" not in files["talks.csv"].decode("utf-8-sig") and "老人" not in files["talks.csv"].decode("utf-8-sig")
    results = {r["member"]: r for r in table(files["appraisal.csv"])}
    assert results["李联络"]["excellent"] == "2" and results["李联络"]["qualified"] == "1"
    assert results["李联络"]["ballots_shown"] == "yes" and results["李联络"]["self_assessment"] == "按时参加组织生活"
    assert results["张流动"]["basic"] == "" and results["张流动"]["ballots_shown"] == "no"
    assert results["张流动"]["grade"] == "basic" and results["张流动"]["correct_by"] == "2027-03-31"
    assert results["赵巡逻"]["self_file"] == "voice"
    items = table(files["rectify_items.csv"])
    assert [(i["item"], i["responsible"], i["state"]) for i in items] == [("学习不经常", "李联络", "open")]
    pledges = table(files["pledges.csv"])
    assert [(p["member"], p["progress_reports"], p["progress"]) for p in pledges] == [("李联络", "1", "看望王大爷四次")]
    # another branch's secretary gets the headers only
    other = await store.members.by_telegram_id(2001)
    assert other is not None
    theirs = await export_files(store, {other.unit_id})
    for name in ("talks.csv", "appraisal.csv", "rectify_items.csv", "pledges.csv"):
        assert table(theirs[name]) == [], name


async def test_a_self_assessment_by_voice_says_so_on_the_sheet(store: Store, tmp_path: Path) -> None:
    await load_roster(store, SMALL_ROSTER)
    wang, zhao = await _ids(store, SECRETARY, PATROL)
    unit = (await store.members.by_ids([wang]))[wang].unit_id
    appraisal = await store.appraisal.open_appraisal(unit, 2026, date(2026, 11, 1), date(2026, 11, 20), wang, AT)
    assert appraisal is not None
    await store.year.self_file(appraisal, zhao, "voice", "EMUvoice9", AT)
    tree = OrgTree.of(await store.units.all())
    (tmp_path / "book").mkdir()
    book = await write_ledger(store, SETTINGS, tmp_path / "book", LedgerOrder(tree, None, "zh", NOW))
    table = rows(open_book(book)["民主评议党员结果"])
    (row,) = [r for r in table[1:] if "赵巡逻" in r]
    assert "（交的是语音）" in row


async def test_the_results_show_the_dates_they_were_made_public_for_that_branch_and_year(
    store: Store, tmp_path: Path
) -> None:
    await load_roster(store, SMALL_ROSTER)
    wang, zhao = await _ids(store, SECRETARY, PATROL)
    unit = (await store.members.by_ids([wang]))[wang].unit_id
    appraisal = await store.appraisal.open_appraisal(unit, 2026, date(2026, 11, 1), date(2026, 11, 20), wang, AT)
    assert appraisal is not None
    await store.appraisal.rate(appraisal, zhao, "qualified", None, wang, AT)

    async def publicity(source: str, days: tuple[date, date], posted: bool) -> None:
        draft = Draft(unit, "appraisal", source, "民主评议结果", "合格 1 人", 5, *days)
        item = await store.openness.add_draft(draft, wang, AT)
        if posted:
            assert await store.openness.post(item, -100501, wang, AT, list) is not None

    tree = OrgTree.of(await store.units.all())

    async def shown() -> tuple[list[object], dict[str, str]]:
        folder = tmp_path / f"book{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        book = await write_ledger(store, SETTINGS, folder, LedgerOrder(tree, None, "zh", NOW))
        sheet = rows(open_book(book)["民主评议党员结果"])
        (row,) = [r for r in sheet[1:] if "赵巡逻" in r]
        header = sheet[0]
        (line,) = [r for r in table((await export_files(store))["appraisal.csv"]) if r["member"] == "赵巡逻"]
        return [row[header.index("公示开始")], row[header.index("公示结束")]], line

    # not made public yet: a draft never posted, and the last year's results, do not count
    await publicity("appraisal:2026", (date(2026, 12, 1), date(2026, 12, 7)), posted=False)
    await publicity("appraisal:2025", (date(2025, 12, 1), date(2025, 12, 5)), posted=True)
    cells, line = await shown()
    assert all(c in (None, "") for c in cells) and line["publicity_from"] == "" and line["publicity_to"] == ""
    # posted: its 公示期 on the sheet and in appraisal.csv
    await publicity("appraisal:2026", (date(2026, 12, 2), date(2026, 12, 8)), posted=True)
    cells, line = await shown()
    assert [str(c)[:10] for c in cells] == ["2026-12-02", "2026-12-08"]
    assert (line["publicity_from"], line["publicity_to"]) == ("2026-12-02", "2026-12-08")
