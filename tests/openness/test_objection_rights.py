"""Who may object and who may answer (issue 28 review): a reader from above (上级党委) reads and never writes, so the
我有异议 link refuses them — also when they opened it before becoming one —; a secretary's own objection is not
theirs to answer: it goes to a secretary of the unit above, who answers it."""

from __future__ import annotations

from datetime import date

from bot.store.openness import Draft
from tests.support.harness import Harness
from tests.support.ledger import at
from tests.support.township import EAST, READER

ABOVE = 5010  # 东湖书记, secretary of 东湖社区党委 over 东一村党支部


async def posted_item(harness: Harness, branch: str, by_telegram: int) -> int:
    store = harness.store
    unit = next(u for u in await store.units.all() if u.name == branch)
    poster = await store.members.by_telegram_id(by_telegram)
    assert poster is not None
    now = at(11, 20)
    item = await store.openness.add_draft(
        Draft(unit.id, "other", "free", "村东道路硬化", "拟硬化800米", 5, date(2026, 11, 20), date(2026, 11, 26)),
        poster.id,
        now,
    )
    assert await store.openness.post(item, -100, poster.id, now, lambda: []) is not None
    return item


async def objections(harness: Harness) -> int:
    row = await harness.store.db.fetchone("SELECT count(*) FROM publicity_objections")
    assert row is not None
    return int(row[0])


async def test_the_reader_cannot_object_through_the_link(township: Harness) -> None:
    item = await posted_item(township, "东一村党支部", EAST)
    reader = township.user(READER)
    await reader.send(f"/start oj_{item}")
    refused = await reader.next_message()
    assert "上级党委的同志" in refused.text and "我有异议" in refused.text, refused.text
    await reader.send("上级党委在这里提个异议")
    assert "直接发来的消息不会记下" in (await reader.next_message()).text
    assert await objections(township) == 0
    await township.nothing_more(township.user(EAST))


async def test_a_wait_begun_before_becoming_a_reader_takes_nothing(township: Harness) -> None:
    item = await posted_item(township, "东一村党支部", EAST)
    member = township.user(5002)  # 东党员, made a reader from above after opening the link
    await member.send(f"/start oj_{item}")
    await member.expect("提异议")
    async with township.store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO inspectors (member_id, unit_id) SELECT id, unit_id FROM members WHERE telegram_id = 5002"
        )
    await member.send("这个预算太高了")
    assert "上级党委的同志" in (await member.next_message()).text
    assert await objections(township) == 0
    assert not await township.store.openness.waiting(5002)


async def test_a_secretarys_own_objection_goes_above_and_is_answered_there(township: Harness) -> None:
    item = await posted_item(township, "东一村党支部", EAST)
    above = township.user(ABOVE)
    await above.send("/start")
    await above.next_message()
    secretary = township.user(EAST)
    await secretary.send(f"/start oj_{item}")
    await secretary.expect("提异议")
    await secretary.send("我自己提一个")
    saved = await secretary.expect("收到了")
    assert "上级党委（东湖社区党委）的书记" in saved.text
    told = await above.expect("有人对党务公开提异议")
    assert "我自己提一个" in told.text
    await secretary.send("/publicity 答复 1 | 已研究，无问题")
    refused = await secretary.next_message()
    assert "是您自己提的，不能自己回复" in refused.text
    row = await township.store.db.fetchone("SELECT answer FROM publicity_objections WHERE id = 1")
    assert row is not None and row[0] is None
    await above.send("/publicity 答复 1 | 经社区党委研究，预算合理")
    await above.expect("已把答复发给 东书记")
    assert "经社区党委研究" in (await secretary.expect("支部答复如下")).text
