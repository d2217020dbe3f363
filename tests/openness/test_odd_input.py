"""Odd numbers in /publicity and the 我有异议 link (issue 28 review): a superscript digit (`²`, which `isdigit` takes),
a number too big for SQLite, and a day count out of range after a source word each get a clear answer with an
example — never the "something went wrong" of a crash, never a free item."""

from __future__ import annotations

from tests.support.harness import SECRETARY, STRANGER, Harness
from tests.support.openness import bound_group, link, local


async def test_odd_numbers_get_a_clear_answer(harness: Harness) -> None:
    harness.at(local(12, 7))
    await link(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    await bound_group(harness)
    for odd in ("/publicity 答复 ² | 好的", "/publicity 答复 99999999999999999999 | 好的", "/publicity 答复 ３ | 好的"):
        await secretary.send(odd)
        answer = await secretary.expect("请这样写：/publicity 答复 编号 | 答复内容")
        assert "例：/publicity 答复 3" in answer.text
    await secretary.send("/publicity 答复 99999999999 | 好的")  # 11 digits: a number, just not an objection
    await secretary.expect("没有找到编号 99999999999 的异议")
    days = (("/publicity 党费 2026Q4 | 100", "100"), ("/publicity 岗位 | 0", "0"), ("/publicity 2026Q4 | ²", "²"))
    for odd, value in days:
        await secretary.send(odd)
        answer = await secretary.expect(f"工作日数「{value}」不对")
        assert "例：| 5" in answer.text
    rows = await harness.store.db.fetchone("SELECT count(*) FROM publicity_items")
    assert rows is not None and rows[0] == 0  # none of them became a free item
    stranger = harness.user(STRANGER, "老刘")
    for payload in ("oj_²", "oj_99999999999999999999", "oj_１"):
        await stranger.send(f"/start {payload}")
        await stranger.expect("这份公示找不到了")
