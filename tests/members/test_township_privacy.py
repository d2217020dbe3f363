"""What a reader from above (上级党委, issue 28 item 4) must never get, found by the review of issue 28: a member's
illness, hardship or whereabouts on 流动党员台账, residents' phones and hardship notes on 联户台账, what a household
asked for on 民情诉求台账 (every cell of the reader's workbook is scanned), and hints to commands they cannot use on
/overview. The secretary still gets them."""

from __future__ import annotations

import re

from tests.support.harness import Harness
from tests.support.township import EAST, READER, WEST
from tests.support.xlsx_data import every_value, open_book

#: Words and numbers no cell of a reader's workbook may hold (the seeds below put each in the database).
FORBIDDEN = ("生病", "生活困难", "外出就医", "县人民医院", "广州白云", "困难户", "患病", "独居", "临时救助", "民政办")
PHONE = re.compile(r"1[3-9][0-9]{9}")


async def seed(harness: Harness) -> None:
    """西党员 and 西书记 mobile, the one last reported ill in hospital, the other in hardship; a household with a
    phone and a hardship note; members' phones."""
    async with harness.store.db.transaction() as conn:
        await conn.execute(
            "UPDATE members SET category = 'migrant', report_cadence = 'monthly', migrant_since = '2026-01-01', "
            "mobile_recorded_at = '2026-01-01T00:00:00+08:00', created_at = '2026-01-01T00:00:00+08:00', "
            "phone = '13900139000' WHERE name IN ('西党员', '西书记')"
        )
        await conn.execute(
            "INSERT INTO status_reports (member_id, state, location, note, at) "
            "SELECT id, 'ill', '县人民医院', '患病住院', '2026-11-01T10:00:00+08:00' FROM members WHERE name = '西党员'"
        )
        await conn.execute(
            "INSERT INTO status_reports (member_id, state, location, at) "
            "SELECT id, 'hardship', '广州白云', '2026-11-02T10:00:00+08:00' FROM members WHERE name = '西书记'"
        )
        await conn.execute(
            "INSERT INTO households (head, phone, member_id, note, created_at, updated_at) "
            "SELECT '李大爷', '13800138000', id, '困难户，独居，患病', '2026-11-01T10:00:00+08:00', "
            "'2026-11-01T10:00:00+08:00' FROM members WHERE name = '西党员'"
        )
        await conn.execute(
            "INSERT INTO requests (household_id, unit_id, text, state, advice, resolution, created_at, updated_at) "
            "SELECT h.id, m.unit_id, '老伴患病住院，申请临时救助', 'resolved', '先找民政办', '已报外出就医备案', "
            "'2026-11-03T10:00:00+08:00', '2026-11-04T10:00:00+08:00' "
            "FROM households h JOIN members m ON m.id = h.member_id WHERE h.head = '李大爷'"
        )


async def workbook_values(harness: Harness, telegram_id: int, unit: str = "西山社区党委") -> list[str]:
    person = harness.user(telegram_id)
    await person.send(f"/export {unit} 2026")
    await person.expect("正在导出")
    books = []
    while (message := await person.next_message()).kind == "document":
        assert message.document_name is not None and message.document_bytes is not None
        if message.document_name.endswith(".xlsx"):
            books.append(message.document_bytes)
    (book,) = books
    return every_value(open_book(book))


async def test_no_cell_of_the_readers_workbook_tells_illness_hardship_place_or_phone(township: Harness) -> None:
    await seed(township)
    values = await workbook_values(township, READER)
    leaked = [v for v in values if any(w in v for w in FORBIDDEN) or PHONE.search(v)]
    assert not leaked, leaked
    assert "西党员" in values and "西一村党支部" in values  # 流动党员台账 is there: whether the reports came
    assert "李大爷" in values  # 民情诉求台账: who asked and whether it was answered, never what was asked
    assert "13800138000" not in values


async def test_the_secretary_still_sees_the_mobile_members_status_and_place(township: Harness) -> None:
    await seed(township)
    values = await workbook_values(township, WEST, "西一村党支部")
    assert "生病" in values and "县人民医院" in values and "13800138000" in values
    assert "老伴患病住院，申请临时救助" in values and "已报外出就医备案" in values


async def test_the_readers_overview_shows_no_hint_to_a_command_they_cannot_use(township: Harness) -> None:
    reader = township.user(READER)
    await reader.send("/overview")
    texts = [(await reader.expect("总览")).text]
    for head in ("发展党员", "党费", "转接"):
        texts.append((await reader.expect(head)).text)
    shown = "\n".join(texts)
    for hint in ("/development", "/transfer", "/pay", "/dues"):
        assert hint not in shown, (hint, shown)
    assert "/ledger" in shown and "/export" in shown  # what they may use is still pointed to
    east = township.user(EAST)
    await east.send("/overview")
    await east.expect("总览")
    assert "/development" in (await east.expect("发展党员")).text
    assert "/pay" in (await east.expect("党费")).text
