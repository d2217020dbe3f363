"""/export through the real application and the Bot API emulator: the secretary gets the Excel ledger of their
own units beside the CSV files, in their language; the file passes through sendDocument like any other."""

from __future__ import annotations

from bot.emulator.models import BotMessage
from bot.services.exports.export import EXPORTS
from tests.support.harness import OTHER_SECRETARY, SECRETARY, Harness
from tests.support.xlsx_data import FORMULA, LONG, NOW, TOM, every_value, open_book, rows, seed


async def documents(harness: Harness, telegram_id: int, lang: str) -> tuple[dict[str, bytes], BotMessage]:
    person = harness.user(telegram_id, lang=lang)
    await person.send("/export")
    await person.expect("正在导出" if lang == "zh" else "Exporting")
    sent: dict[str, bytes] = {}
    while (message := await person.next_message()).kind == "document":
        assert message.document_name is not None and message.document_bytes is not None
        sent[message.document_name] = message.document_bytes
    return sent, message


async def test_a_secretary_gets_the_ledger_of_their_units(harness: Harness) -> None:
    await seed(harness.store)
    harness.at(NOW)
    sent, done = await documents(harness, SECRETARY, "zh")
    assert "导出完成" in done.text and f"{len(EXPORTS) + 1} 个文件" in done.text  # the CSV files and the ledger
    assert list(sent)[-1] == "台账-一村党支部-2026-11-20.xlsx"  # after the CSV files
    book = open_book(sent["台账-一村党支部-2026-11-20.xlsx"])
    assert book.sheetnames[:3] == ["封面", "目录", "党员花名册"] and book.sheetnames[-1] == "统计"
    values = every_value(book)
    assert "王书记" in values and FORMULA in values and LONG in values
    assert not any("二村" in v or "孙书记" in v for v in values)
    names = [r[0] for r in rows(book["党员花名册"])[1:]]
    assert names == ["王书记", "李联络", "张流动", "赵巡逻", "钱调解", "吴未绑定"]
    await harness.nothing_more(harness.user(SECRETARY))


async def test_an_english_speaking_secretary_gets_an_english_ledger(harness: Harness) -> None:
    await seed(harness.store)
    harness.at(NOW)
    sent, done = await documents(harness, OTHER_SECRETARY, "en")
    assert f"{len(EXPORTS) + 1} files" in done.text
    book = open_book(sent["Ledger-二村党支部-2026-11-20.xlsx"])
    assert book.sheetnames == [
        "Cover",
        "Contents",
        "Members",
        "Mobile members",
        "Mobile and incoming members",
        "Meetings",
        "Minutes",
        "Meetings by month",
        "Attendance",
        "Duty posts",
        "Quarterly accounts",
        "Publicity",
        "Public notices",
        "Notice board",
        "Households",
        "Requests",
        "Care cases",
        "Care visits",
        "Activists",
        "Admissions",
        "Party dues",
        "Dues base",
        "Talks",
        "Appraisal",
        "Rectification",
        "Pledges",
        "Transfers of relation",
        "Working members' service",
        "Study hours",
        "Contacts",
        "Status reports",
        "Statistics",
    ]
    assert rows(book["Members"])[0][0] == "Name"
    assert TOM in [r[0] for r in rows(book["Members"])]
    assert not any("一村" in v for v in every_value(book))
