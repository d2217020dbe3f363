"""`/bindgroup` and `/unbindgroup` through the emulator: only a secretary who administers the group binds it;
a group bound to another unit is not taken over (the answer names that unit and how to unbind); it is
unbound by a secretary over that unit or an admin, and by nobody else."""

from __future__ import annotations

from typing import Any

from bot.emulator import EmuGroup
from bot.services.notices.buttons import NoticeGroupCopy
from bot.store import Store
from tests.support.harness import COMMUNITY_SECRETARY, OTHER_SECRETARY, PATROL, PLAIN, SECRETARY, Harness
from tests.support.notices import LECTURE, T0, got, link, saw, send_notice

ADMIN = 7777  # in ADMIN_IDS, not on the roster
GROUP = -100600


async def bound(store: Store) -> dict[str, int]:
    """Unit name → the chat it is bound to."""
    rows = await store.db.fetchall("SELECT name, chat_id FROM units WHERE chat_id IS NOT NULL ORDER BY id")
    return {str(r[0]): int(r[1]) for r in rows}


def group_with_admins(harness: Harness, *admins: int) -> EmuGroup:
    group = harness.emu.add_group(GROUP, "村里的群")
    for telegram_id in admins:
        group.add_member(harness.user(telegram_id), admin=True)
    return group


async def test_a_secretary_who_is_not_an_administrator_of_the_group_cannot_bind_it(harness: Harness) -> None:
    harness.at(T0)
    group = harness.emu.add_group(GROUP, "村里的群")
    group.add_member(harness.user(SECRETARY))  # a plain member of the group
    await harness.user(SECRETARY).send("/bindgroup", chat=group)
    refusal = await group.expect("只有本群的群主或管理员")
    assert "/bindgroup" in refusal.text
    assert await bound(harness.store) == {}
    assert ("getchatmember", GROUP) in [(m, int(p["chat_id"])) for m, p in harness.emu.calls if m == "getchatmember"]
    owner = harness.user(SECRETARY)
    group.owner_id = owner.id  # the owner may
    await owner.send("/bindgroup", chat=group)
    await group.expect("本群已和一村党支部绑定")
    assert await bound(harness.store) == {"一村党支部": GROUP}


async def test_a_group_bound_to_another_unit_is_not_taken_over(harness: Harness) -> None:
    harness.at(T0)
    group = group_with_admins(harness, SECRETARY, OTHER_SECRETARY)
    await harness.user(SECRETARY).send("/bindgroup", chat=group)
    await group.expect("本群已和一村党支部绑定")
    await harness.user(OTHER_SECRETARY).send("/bindgroup", chat=group)
    answer = await group.expect("本群已经和一村党支部绑定了")
    assert "一村党支部的书记或管理员" in answer.text and "/unbindgroup" in answer.text
    assert await bound(harness.store) == {"一村党支部": GROUP}
    await harness.user(SECRETARY).send("/bindgroup", chat=group)  # binding it again to the same unit is fine
    await group.expect("本群已和一村党支部绑定")
    assert await bound(harness.store) == {"一村党支部": GROUP}


async def test_unbinding_is_refused_to_others_and_done_by_the_units_secretary(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, SECRETARY, PLAIN)
    group = group_with_admins(harness, SECRETARY, OTHER_SECRETARY, PLAIN)
    await harness.user(SECRETARY).send("/bindgroup", chat=group)
    await group.expect("本群已和一村党支部绑定")

    await harness.user(OTHER_SECRETARY).send("/unbindgroup", chat=group)
    await group.expect("本群绑定的是一村党支部，只有一村党支部的书记或管理员才能解除绑定")
    await harness.user(PLAIN).send("/unbindgroup", chat=group)
    await group.expect("/unbindgroup 只有党组织书记")
    assert await bound(harness.store) == {"一村党支部": GROUP}

    await harness.user(SECRETARY).send("/unbindgroup")
    await harness.user(SECRETARY).expect("请在要解除绑定的群里发送 /unbindgroup")
    await harness.user(SECRETARY).send("/unbindgroup", chat=group)
    await group.expect("本群已和一村党支部解除绑定")
    assert await bound(harness.store) == {}
    await harness.user(SECRETARY).send("/unbindgroup", chat=group)
    await group.expect("本群没有和任何组织绑定")

    await send_notice(harness, SECRETARY, LECTURE)  # no longer posted in the group
    assert got(group, "会议通知：") == []
    await harness.user(OTHER_SECRETARY).send("/bindgroup", chat=group)  # now another unit may take it
    await group.expect("本群已和二村党支部绑定")
    assert await bound(harness.store) == {"二村党支部": GROUP}


async def test_an_admin_and_the_community_secretary_may_unbind_a_branch_group(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(admin_ids=[ADMIN])
    harness.at(T0)
    group = group_with_admins(harness, SECRETARY)
    for who in (ADMIN, COMMUNITY_SECRETARY):
        await harness.user(SECRETARY).send("/bindgroup", chat=group)
        await group.expect("本群已和一村党支部绑定")
        await harness.user(who).send("/unbindgroup", chat=group)
        await group.expect("本群已和一村党支部解除绑定")
        assert await bound(harness.store) == {}


async def test_a_committee_meeting_never_goes_to_the_bound_group(harness: Harness) -> None:
    """Issue 30 item 4: a 支委会 with a confidential topic is sent to the committee only; the preview says the
    group gets nothing, offers no choice, and the group receives nothing."""
    harness.at(T0)
    await link(harness, SECRETARY)
    group = group_with_admins(harness, SECRETARY)
    await harness.user(SECRETARY).send("/bindgroup", chat=group)
    await group.expect("本群已和一村党支部绑定")
    secretary = harness.user(SECRETARY)
    await secretary.send("/notice 支委会 | 2026-03-12 15:00 | 村委会 | 讨论对钱调解的处分意见（保密）")
    preview = await secretary.expect("预览")
    assert "支委会的内容要保密，不发到群里" in preview.text
    assert "不发到群" not in preview.labels() and "也发到群" not in preview.labels()
    await secretary.press("发送", preview)
    await secretary.expect("已开始发送", skipping=("预览",))
    await harness.settle()
    await secretary.expect("通知发送完毕", skipping=("会议通知",))
    await harness.nothing_more(group)
    rows = await harness.store.db.fetchall("SELECT key FROM outbox WHERE chat_id = ?", (GROUP,))
    assert rows == []


async def test_the_preview_says_the_group_gets_a_copy_and_skipping_it_works(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, SECRETARY, PATROL)
    group = group_with_admins(harness, SECRETARY)
    await harness.user(SECRETARY).send("/bindgroup", chat=group)
    await group.expect("本群已和一村党支部绑定")
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/notice {LECTURE}")
    preview = await secretary.expect("预览")
    assert "绑定的群里也会发一份" in preview.text
    await secretary.press("不发到群", preview)
    skipped = await secretary.expect("这次不发到群里", kind="edit")
    assert "也发到群" in skipped.labels()
    await secretary.press("也发到群", skipped)
    again = await secretary.expect("绑定的群里也会发一份", kind="edit")
    await secretary.press("不发到群", again)
    final = await secretary.expect("这次不发到群里", kind="edit")
    await secretary.press("发送", final)
    await secretary.expect("已开始发送", skipping=("预览",))
    await harness.settle()
    await saw(harness.user(PATROL), "会议通知")
    await harness.nothing_more(group)
    assert await harness.store.db.fetchall("SELECT key FROM outbox WHERE chat_id = ?", (GROUP,)) == []
    await saw(secretary, "通知发送完毕")
    secretary.drain()

    await send_notice(harness, SECRETARY, LECTURE)  # not skipped: the group gets its copy
    await group.expect("会议通知：党课")


async def test_a_press_on_an_older_preview_changes_nothing(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, SECRETARY)
    group = group_with_admins(harness, SECRETARY)
    await harness.user(SECRETARY).send("/bindgroup", chat=group)
    await group.expect("本群已和一村党支部绑定")
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/notice {LECTURE}")
    old = await secretary.expect("预览")
    await secretary.send(f"/notice {LECTURE}")
    await secretary.expect("预览")
    await secretary.press("不发到群", old)
    await secretary.expect("不是最新的预览", kind="alert")
    await secretary.press_data(NoticeGroupCopy("zz", "no").pack(), old)  # forged draft id
    await secretary.expect("不是最新的预览", kind="alert")
