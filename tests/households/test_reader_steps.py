"""A step begun before a person became a reader from above (上级党委, read-only) writes nothing after (issue 28
review): the roster makes them one mid-way, and their next text ends the step with the read-only answer."""

from __future__ import annotations

from tests.support.harness import LIAISON, Harness
from tests.support.households import load_households
from tests.support.ledger import at


async def test_a_step_begun_before_becoming_a_reader_writes_nothing(harness: Harness) -> None:
    await load_households(harness.store)
    harness.at(at(11, 20))
    member = harness.user(LIAISON)
    await member.send("/request 李大爷 | 代办 | 养老保险资格认证 | 2026-11-30")
    await member.expect("代办已登记，编号 #1")
    await member.send("/requests")
    listed = await member.expect("待办民情诉求")
    await member.press("#1", listed)
    view = await member.expect("民情诉求 #1", kind="message")
    await member.press("记进展", view)
    await member.expect("现在办到哪一步", kind="message")
    async with harness.store.db.transaction() as conn:  # the roster now makes them 上级党委 (read-only)
        await conn.execute(
            "INSERT INTO inspectors (member_id, unit_id) SELECT id, unit_id FROM members WHERE telegram_id = ?",
            (LIAISON,),
        )
    await member.send("材料已交社保所")
    answer = await member.next_message()
    assert "上级党委的同志" in answer.text and "之前没办完的步骤也已经结束了" in answer.text
    row = await harness.store.db.fetchone("SELECT count(*) FROM request_steps WHERE note = '材料已交社保所'")
    assert row is not None and row[0] == 0
    await member.send("再发一句")  # the step stays ended
    assert "上级党委的同志" in (await member.next_message()).text
    await member.send("/overview")  # a reading command still works
    await member.expect("总览")
