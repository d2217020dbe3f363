"""党员承诺 through the year (issue 26): 践诺 asked for in the last month of each half year from a member whose
pledge has none in that half, once; a member who reported is not asked."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.harness import MEDIATOR, PATROL, SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")


async def link(harness: Harness, *ids: int) -> None:
    for telegram_id in ids:
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()


async def swept(harness: Harness, prefix: str) -> int:
    """Sweep; how many messages under keys starting with `prefix` it queued or put in a digest."""
    sql = "SELECT (SELECT count(*) FROM outbox WHERE key LIKE ?) + (SELECT count(*) FROM digest_items WHERE key LIKE ?)"
    before = await harness.store.db.fetchone(sql, (f"{prefix}%",) * 2)
    await harness.sweep()
    after = await harness.store.db.fetchone(sql, (f"{prefix}%",) * 2)
    assert before is not None and after is not None
    return int(after[0]) - int(before[0])


def asks(harness: Harness, chat_id: int) -> list[str]:
    return [m.text for m in harness.emu.chat_messages(chat_id) if "还没报过践诺" in m.text]


async def test_progress_is_asked_in_june_and_december_of_a_pledge_without_it_that_half(harness: Harness) -> None:
    harness.at(datetime(2026, 1, 10, 10, 0, tzinfo=TZ))
    await link(harness, PATROL, MEDIATOR)
    patrol, mediator = harness.user(PATROL), harness.user(MEDIATOR)
    await patrol.send("/pledge 每月参加两次治安巡逻")
    await patrol.expect("承诺已记下")
    await mediator.send("/pledge 调解邻里纠纷")
    await mediator.expect("承诺已记下")
    harness.at(datetime(2026, 3, 2, 10, 0, tzinfo=TZ))
    await patrol.send("/pledge 践诺 巡逻 4 次")
    await patrol.expect("第 1 次")
    # 31 May: not yet; 1 June: the mediator, who reported nothing this half, once; the patrol member not
    harness.at(datetime(2026, 5, 31, 10, 0, tzinfo=TZ))
    assert await swept(harness, "pledge:progress:") == 0
    harness.at(datetime(2026, 6, 1, 10, 0, tzinfo=TZ))
    assert await swept(harness, "pledge:progress:") == 1
    assert await swept(harness, "pledge:progress:") == 0
    harness.at(datetime(2026, 6, 20, 10, 0, tzinfo=TZ))
    assert await swept(harness, "pledge:progress:") == 0  # once a half year
    await harness.settle()
    assert len(asks(harness, MEDIATOR)) == 1 and "上半年" in asks(harness, MEDIATOR)[0]
    assert not asks(harness, PATROL)
    # July–November: nothing; December: March's 践诺 is of the first half, so both are asked
    harness.at(datetime(2026, 11, 30, 10, 0, tzinfo=TZ))
    assert await swept(harness, "pledge:progress:") == 0
    harness.at(datetime(2026, 12, 1, 10, 0, tzinfo=TZ))
    assert await swept(harness, "pledge:progress:") == 2
    await harness.settle()
    assert len(asks(harness, PATROL)) == 1 and len(asks(harness, MEDIATOR)) == 2


async def test_a_progress_report_this_half_means_no_ask(harness: Harness) -> None:
    harness.at(datetime(2026, 7, 1, 10, 0, tzinfo=TZ))
    await link(harness, PATROL)
    patrol = harness.user(PATROL)
    await patrol.send("/pledge 每月参加两次治安巡逻")
    await patrol.expect("承诺已记下")
    await patrol.send("/pledge 践诺 七月巡逻 2 次")  # the half's first day
    await patrol.expect("第 1 次")
    harness.at(datetime(2026, 12, 1, 10, 0, tzinfo=TZ))
    assert await swept(harness, "pledge:progress:") == 0


async def test_the_secretary_publishes_the_pledges_to_the_group_once_and_a_member_cannot(harness: Harness) -> None:
    harness.at(datetime(2026, 2, 3, 10, 0, tzinfo=TZ))
    await link(harness, PATROL, MEDIATOR, SECRETARY)
    patrol, mediator, secretary = harness.user(PATROL), harness.user(MEDIATOR), harness.user(SECRETARY)
    group = harness.emu.add_group(-100777, "一村党员群")
    group.add_member(secretary, admin=True)
    await secretary.send("/bindgroup", chat=group)
    await group.expect("绑定")
    await patrol.send("/pledge 每月参加两次治安巡逻")
    await patrol.expect("承诺已记下")
    await patrol.send("/pledge 践诺 帮王大爷修好了院墙")  # progress is not published
    await patrol.expect("第 1 次")
    await mediator.send("/pledge 调解邻里纠纷")
    await mediator.expect("承诺已记下")
    # a member may not publish
    await patrol.send("/pledge 公布")
    await patrol.expect("要由支部书记来办")
    # the secretary: a preview first, nothing in the group yet
    await secretary.send("/pledge 公布")
    preview = await secretary.expect("预览")
    assert "赵巡逻" in preview.text and "每月参加两次治安巡逻" in preview.text and "调解邻里纠纷" in preview.text
    assert "院墙" not in preview.text and "还没承诺" not in preview.text and "李联络" not in preview.text
    await harness.nothing_more(group)
    data = preview.button("发布到群").callback_data
    await secretary.press("发布到群", preview)
    await secretary.expect("已发到本支部的群里", kind="message")
    posted = await group.expect("党员承诺公开")
    assert "每月参加两次治安巡逻" in posted.text and "钱调解" in posted.text and posted.text in preview.text
    assert "院墙" not in posted.text and "1380" not in posted.text
    # pressed again: not twice
    await secretary.press_data(data, preview)
    await secretary.expect("已经发到群里了", kind="alert")
    await harness.settle()
    assert len([m for m in harness.emu.chat_messages(group.chat_id) if "党员承诺公开" in m.text]) == 1
