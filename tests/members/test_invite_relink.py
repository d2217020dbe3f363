"""Re-linking a member whose Telegram account changed or was taken (issue 10, item 5): /invite for a linked
member offers it; confirmed by a secretary over their unit, the old account is unlinked and told, and a new
one-time link is given. Also: names typed to /invite and codes to /start are cleaned."""

from __future__ import annotations

from bot.emulator import EmuUser
from bot.services.members.buttons import InviteKeep, InviteRelink
from tests.support.harness import COMMUNITY_SECRETARY, LIAISON, OTHER_SECRETARY, PLAIN, SECRETARY, Harness

NEW_ACCOUNT = 5555


async def linked_liaison(harness: Harness) -> int:
    """李联络 has opened the bot with their account (1002); their member id."""
    liaison = harness.user(LIAISON)
    await liaison.send("/start")
    await liaison.expect("李联络")
    member = await harness.store.members.by_telegram_id(LIAISON)
    assert member is not None and member.linked
    return member.id


async def offer(secretary: EmuUser) -> None:
    await secretary.send("/invite 李联络")
    shown = await secretary.expect("已经绑定了 Telegram")
    assert "重新绑定" in shown.text and shown.labels() == ["重新绑定", "不用了"]


async def test_relink_unlinks_the_old_account_tells_it_and_gives_a_new_link(harness: Harness) -> None:
    member_id = await linked_liaison(harness)
    secretary = harness.user(SECRETARY)
    await offer(secretary)
    await secretary.press("重新绑定")
    done = await secretary.expect("新邀请链接", kind="message")
    assert "李联络（一村党支部 · 一组）" in done.text
    code = done.text.split("?start=")[1].split()[0]
    edited = await secretary.expect("已经绑定了 Telegram", kind="edit")
    assert edited.buttons == []  # the offer's buttons are spent

    old = harness.user(LIAISON)
    told = await old.expect("解除绑定")
    assert "李联络" in told.text and "测试社区党委" in told.text
    member = await harness.store.members.get(member_id)
    assert member is not None and not member.linked and member.telegram_id is None
    await old.send("/start")
    await old.expect("还没有登记")  # the old account has no rights any more

    new = harness.user(NEW_ACCOUNT, "李")
    await new.send(f"/start {code}")
    await new.expect("绑定成功")
    member = await harness.store.members.by_telegram_id(NEW_ACCOUNT)
    assert member is not None and member.id == member_id and member.linked
    await new.send("/contact")  # the member's rights came along: a liaison's command
    await new.expect("/contact 张金花")


async def test_relink_in_one_transaction_with_the_message_to_the_old_account(harness: Harness) -> None:
    member_id = await linked_liaison(harness)
    secretary = harness.user(SECRETARY)
    await offer(secretary)
    await secretary.press("重新绑定")
    await secretary.expect("新邀请链接", kind="message")
    rows = await harness.store.db.fetchall("SELECT chat_id, kind, member_id FROM outbox WHERE key LIKE 'invite:%'")
    assert [tuple(r) for r in rows] == [(LIAISON, "account", None)]
    codes = await harness.store.db.fetchall("SELECT used_at FROM invites WHERE member_id = ?", (member_id,))
    assert [r[0] for r in codes] == [None]  # exactly one code, unused


async def test_the_old_account_is_told_in_its_own_language(harness: Harness) -> None:
    await linked_liaison(harness)
    old = harness.user(LIAISON)
    await old.send("/lang en")
    await old.expect("English")
    secretary = harness.user(SECRETARY)
    await offer(secretary)
    await secretary.press("重新绑定")
    await secretary.expect("新邀请链接", kind="message")
    await old.expect("no longer linked")


async def test_keeping_the_account_changes_nothing(harness: Harness) -> None:
    member_id = await linked_liaison(harness)
    secretary = harness.user(SECRETARY)
    await offer(secretary)
    await secretary.press("不用了")
    assert (await secretary.expect("原来的账号", kind="alert")).show_alert
    await secretary.expect("已经绑定了 Telegram", kind="edit")
    member = await harness.store.members.get(member_id)
    assert member is not None and member.linked and member.telegram_id == LIAISON
    assert await harness.store.db.fetchone("SELECT 1 FROM outbox WHERE key LIKE 'invite:%'") is None


async def test_only_a_secretary_over_the_members_unit_may_relink(harness: Harness) -> None:
    member_id = await linked_liaison(harness)
    data = InviteRelink(member_id, LIAISON).pack()
    for telegram_id in (OTHER_SECRETARY, PLAIN):  # another branch's secretary; a member (forged presses)
        someone = harness.user(telegram_id)
        await someone.send("/help")
        await someone.next_message()
        await someone.press_data(data)
        await someone.expect("不能为其重新绑定", kind="alert")
        await someone.press_data(InviteKeep(member_id).pack())
        await someone.expect("不能为其重新绑定", kind="alert")
    member = await harness.store.members.get(member_id)
    assert member is not None and member.linked and member.telegram_id == LIAISON
    assert await harness.store.db.fetchone("SELECT 1 FROM outbox WHERE key LIKE 'invite:%'") is None

    community = harness.user(COMMUNITY_SECRETARY)  # the committee above the branch may
    await community.send("/invite 李联络")
    await community.expect("已经绑定了 Telegram")
    await community.press("重新绑定")
    await community.expect("新邀请链接", kind="message")


async def test_a_second_press_or_an_old_offer_does_nothing_more(harness: Harness) -> None:
    member_id = await linked_liaison(harness)
    secretary = harness.user(SECRETARY)
    await offer(secretary)
    await secretary.press("重新绑定")
    await secretary.expect("新邀请链接", kind="message")
    await secretary.expect("已经绑定了 Telegram", kind="edit")
    await secretary.press_data(InviteRelink(member_id, LIAISON).pack())
    await secretary.expect("已经变了", kind="alert")
    rows = await harness.store.db.fetchall("SELECT 1 FROM outbox WHERE key LIKE 'invite:%'")
    assert len(rows) == 1


async def test_forged_invite_buttons_are_answered_as_expired(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/help")
    await secretary.next_message()
    for data in ("inv:relink:abc:1", "inv:relink:1", "inv:keep:", "inv:whatever"):
        await secretary.press_data(data)
        await secretary.expect("按钮已经失效", kind="alert")


async def test_an_unlinked_member_still_gets_a_link_without_an_offer(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/invite 吴未绑定")
    reply = await secretary.expect("专属邀请链接")
    assert reply.labels() == []


async def test_invisible_characters_in_invite_and_start_are_ignored(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/invite \u200b吴\u200d未绑定\u202e")
    reply = await secretary.expect("吴未绑定（一村党支部 · 一组）的专属邀请链接")
    code = reply.text.split("?start=")[1].split()[0]
    await secretary.send("/invite \u200b")
    await secretary.expect("请写上党员姓名")
    newcomer = harness.user(5556)
    await newcomer.send(f"/start \u200b{code}\u2060")
    await newcomer.expect("绑定成功")
