"""`/bindgroup` and `/unbindgroup` through the emulator: only a secretary who administers the group binds it;
a group bound to another unit is not taken over (the answer names that unit and how to unbind); it is
unbound by a secretary over that unit or an admin, and by nobody else."""

from __future__ import annotations

from typing import Any

from bot.emulator import EmuGroup
from bot.store import Store
from tests.conftest import COMMUNITY_SECRETARY, OTHER_SECRETARY, PLAIN, SECRETARY, Harness
from tests.test_notices import LECTURE, T0, got, link, send_notice

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
