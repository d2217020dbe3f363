"""A free 公开 item naming an illness, a hardship or a member in care is refused, naming what was found and with an
example of how to write it instead (issue 28 review; the list of words is in docs/PRODUCT.md, 党务公开)."""

from __future__ import annotations

from tests.support.harness import PLAIN, SECRETARY, Harness
from tests.support.openness import bound_group, link, local


async def items(harness: Harness) -> int:
    row = await harness.store.db.fetchone("SELECT count(*) FROM publicity_items")
    assert row is not None
    return int(row[0])


async def test_illness_hardship_and_names_in_care_are_refused_with_an_example(harness: Harness) -> None:
    harness.at(local(12, 7))
    await link(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    await bound_group(harness)
    await secretary.send("/publicity 慰问情况 | 慰问困难党员张三（患尿毒症，低保户），补助2000元")
    refused = await secretary.expect("这是个人隐私，不能公开")
    assert "病情（「患」）" in refused.text and "例：走访慰问党员 3 名" in refused.text and not refused.buttons
    await secretary.send("/publicity 慰问情况 | 走访低保户 3 户")
    assert "家庭困难情况（「低保」）" in (await secretary.expect("不能公开")).text
    plain = await harness.store.members.by_telegram_id(PLAIN)
    assert plain is not None
    async with harness.store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO status_reports (member_id, state, at) VALUES (?, 'ill', '2026-12-01T10:00:00+08:00')",
            (plain.id,),
        )
    await secretary.send(f"/publicity 慰问情况 | 支部看望了{plain.name}同志")
    refused = await secretary.expect("不能公开")
    assert "正在帮扶或报了生病、困难的党员姓名" in refused.text and plain.name in refused.text
    assert await items(harness) == 0
    # the other side: a harmless text with such characters, and the name once they are back home
    await secretary.send("/publicity 道路硬化 | 克服困难，排查安全隐患，按期完工")
    await secretary.expect("公示预览")
    async with harness.store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO status_reports (member_id, state, at) VALUES (?, 'home', '2026-12-05T10:00:00+08:00')",
            (plain.id,),
        )
    await secretary.send(f"/publicity 表彰 | 感谢{plain.name}同志带头清扫村道")
    await secretary.expect("公示预览")
    assert await items(harness) == 2
