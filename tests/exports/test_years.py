"""Any year (issue 23 item 7): `/export 2026` in January 2027 holds 2026 — its grid, its marks, its cover — and a
plain `/export` in January holds the year just closed beside the new one, each a workbook named by its year."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.ledger import years_shown
from bot.services.exports.export import EXPORTS
from tests.support.harness import SECRETARY, Harness
from tests.support.xlsx_data import every_value, open_book, rows, seed

JANUARY = datetime(2027, 1, 8, 2, tzinfo=UTC)  # 10:00 on 8 January 2027 in Asia/Shanghai


async def exported(harness: Harness, command: str) -> dict[str, bytes]:
    secretary = harness.user(SECRETARY)
    await secretary.send(command)
    await secretary.expect("正在导出")
    sent: dict[str, bytes] = {}
    while (message := await secretary.next_message()).kind == "document":
        assert message.document_name is not None and message.document_bytes is not None
        sent[message.document_name] = message.document_bytes
    assert "导出完成" in message.text and f"共 {len(sent)} 个文件" in message.text
    await harness.nothing_more(secretary)
    return sent


def grid(book_bytes: bytes, year: int) -> dict[str, list[object]]:
    """The first branch's grid of `year` in a workbook, by row label."""
    everything = rows(open_book(book_bytes)["三会一课完成情况"])
    top = next(n for n, r in enumerate(everything) if r[0] == f"一村党支部{year}年三会一课完成情况")
    return {str(r[0]): r for r in everything[top + 3 : top + 3 + 17]}


async def test_export_of_2026_in_january_2027_holds_2026(harness: Harness) -> None:
    await seed(harness.store)
    harness.at(JANUARY)
    sent = await exported(harness, "/export 2026")
    assert len(sent) == len(EXPORTS) + 1
    name = "台账-一村党支部-2026年度-2027-01-08.xlsx"
    assert list(sent)[-1] == name
    by_label = grid(sent[name], 2026)
    # the year as it closed: its first quarter met, its last one missed (due now), nothing still open
    assert by_label["第一季度"][1] == "1/1 √" and by_label["第四季度"][1] == "0/1 ×"
    assert by_label["2026年全年"][1] == 2
    assert not any("○" in str(cell) for row in by_label.values() for cell in row)
    assert "（2026年度）" in every_value(open_book(sent[name]))


async def test_a_plain_export_in_january_holds_the_year_just_closed_too(harness: Harness) -> None:
    await seed(harness.store)
    harness.at(JANUARY)
    sent = await exported(harness, "/export")
    books = [n for n in sent if n.endswith(".xlsx")]
    assert books == ["台账-一村党支部-2026年度-2027-01-08.xlsx", "台账-一村党支部-2027-01-08.xlsx"]
    assert grid(sent[books[0]], 2026)["第一季度"][1] == "1/1 √"
    assert grid(sent[books[1]], 2027)["第一季度"][1] == "0/1 ○"  # the new year has only begun
    assert "（2027年度）" in every_value(open_book(sent[books[1]]))


def test_the_years_shown_are_this_one_and_in_january_the_one_before() -> None:
    assert years_shown(None, datetime(2027, 1, 31).date()) == (2026, 2027)
    assert years_shown(None, datetime(2027, 2, 1).date()) == (2027,)
    assert years_shown(None, datetime(2026, 12, 31).date()) == (2026,)
    assert years_shown(2025, datetime(2027, 1, 8).date()) == (2025,)
