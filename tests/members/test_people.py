"""Who is writing: unknown users, linking by roster id and by invite, /help, /lang, escaping."""

from __future__ import annotations

import json

import pytest

from tests.support.faults import until
from tests.support.harness import (
    COMMUNITY_SECRETARY,
    LIAISON,
    MIGRANT,
    OTHER_SECRETARY,
    PATROL,
    PLAIN,
    SECRETARY,
    STRANGER,
    TOM,
    Harness,
)


async def test_unknown_user_start_gets_the_registration_welcome(harness: Harness) -> None:
    stranger = harness.user(STRANGER, "Stranger")
    await stranger.send("/start")
    reply = await stranger.expect("还没有登记")
    assert str(STRANGER) in reply.text
    await harness.nothing_more(stranger)


@pytest.mark.parametrize("text", ["/help", "/invite 周普通", "/lang en", "hello", "/whatever"])
async def test_unknown_user_any_command_reveals_nothing(harness: Harness, text: str) -> None:
    stranger = harness.user(STRANGER, "Stranger")
    await stranger.send(text)
    reply = await stranger.expect("还没有登记")
    assert "/invite" not in reply.text and "周普通" not in reply.text
    await harness.nothing_more(stranger)
    assert await harness.store.members.by_telegram_id(STRANGER) is None


async def test_unknown_user_in_english_gets_english_welcome(harness: Harness) -> None:
    stranger = harness.user(STRANGER, "Stranger", lang="en")
    await stranger.send("/status")
    await stranger.expect("not registered")


async def test_member_with_roster_id_is_linked_by_first_message(harness: Harness) -> None:
    before = await harness.store.members.by_telegram_id(PLAIN)
    assert before is not None and not before.linked
    member = harness.user(PLAIN, "周")
    await member.send("/start")
    reply = await member.expect("周普通")
    assert "二村党支部" in reply.text
    after = await harness.store.members.by_telegram_id(PLAIN)
    assert after is not None and after.linked


async def test_invite_link_links_a_member_once(harness: Harness) -> None:
    secretary = harness.user(SECRETARY, "王")
    await secretary.send("/invite 吴未绑定")
    reply = await secretary.expect("https://t.me/zhibu_bot?start=")
    code = reply.text.split("?start=")[1].split()[0]

    newcomer = harness.user(5555, "吴")
    await newcomer.send(f"/start {code}")
    linked = await newcomer.expect("绑定成功")
    assert "的党员名册关联" in linked.text  # issue 30: 名册, not 档案
    member = await harness.store.members.by_telegram_id(5555)
    assert member is not None and member.name == "吴未绑定" and member.linked

    someone_else = harness.user(5556, "冒名")
    await someone_else.send(f"/start {code}")
    await someone_else.expect("已经用过")
    assert await harness.store.members.by_telegram_id(5556) is None


async def test_unknown_invite_code_is_refused(harness: Harness) -> None:
    stranger = harness.user(STRANGER)
    await stranger.send("/start not-a-real-code")
    await stranger.expect("邀请链接不对")
    assert await harness.store.members.by_telegram_id(STRANGER) is None


async def test_invite_for_another_branch_is_not_found(harness: Harness) -> None:
    secretary = harness.user(OTHER_SECRETARY)
    await secretary.send("/invite 吴未绑定")
    await secretary.expect("没有找到")


async def test_member_cannot_invite(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/invite 吴未绑定")
    await member.expect("只有党组织书记可以使用")
    await harness.nothing_more(member)
    assert await harness.store.db.fetchone("SELECT 1 FROM invites") is None


async def test_invite_asked_in_a_group_points_to_the_private_chat(harness: Harness) -> None:
    group = harness.emu.add_group(-100123, "一村党支部群")
    secretary = harness.user(SECRETARY)
    await secretary.send("/invite 吴未绑定", chat=group)
    message = await group.next_message()
    assert "私聊" in message.text
    assert message.buttons and message.buttons[0][0].url
    assert await harness.store.db.fetchone("SELECT 1 FROM invites") is None


async def test_help_differs_for_member_and_secretary(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/help")
    member_help = (await member.next_message()).text
    secretary = harness.user(SECRETARY)
    await secretary.send("/help")
    secretary_help = (await secretary.next_message()).text
    assert "/invite" not in member_help
    assert "/invite" in secretary_help
    assert "/lang" in member_help and "/lang" in secretary_help


async def test_lang_switches_and_is_remembered(harness: Harness) -> None:
    member = harness.user(LIAISON)
    await member.send("/lang en")
    await member.expect("English")
    await member.send("/help")
    await member.expect("Commands you can use")
    await member.send("/lang xx")
    await member.expect("Choose a language")
    await member.send("/lang zh")
    await member.expect("中文")
    stored = await harness.store.members.by_telegram_id(LIAISON)
    assert stored is not None and stored.language == "zh"


async def test_telegram_language_is_used_until_a_choice_is_made(harness: Harness) -> None:
    member = harness.user(MIGRANT, lang="en-GB")
    await member.send("/help")
    await member.expect("Commands you can use")


async def test_name_with_html_characters_is_shown_literally(harness: Harness) -> None:
    tom = harness.user(TOM, "Tom")
    await tom.send("/start")
    reply = await tom.expect("Tom & <Jerry>")
    assert "&lt;" in reply.html  # escaped in the HTML that went out, accepted by the emulator


async def test_community_secretary_sees_secretary_commands(harness: Harness) -> None:
    secretary = harness.user(COMMUNITY_SECRETARY)
    await secretary.send("/help")
    await secretary.expect("/invite")


async def test_redelivered_update_changes_nothing(harness: Harness) -> None:
    member = harness.user(LIAISON)
    update_id = await member.send("/lang en")
    await member.expect("English")
    await member.send("/lang zh")
    await member.expect("中文")
    await member.redeliver(update_id)
    await harness.nothing_more(member)
    stored = await harness.store.members.by_telegram_id(LIAISON)
    assert stored is not None and stored.language == "zh"


async def test_plain_text_gets_a_pointer_to_help(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("你好")
    await member.expect("/help")


async def test_cancel_with_nothing_in_progress(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/cancel")
    await member.expect("没有进行中")


def menu_of(harness: Harness, chat_id: int | None) -> list[str]:
    scope = {"type": "all_private_chats"} if chat_id is None else {"chat_id": chat_id, "type": "chat"}
    return [c["command"] for c in harness.emu.commands.get((json.dumps(scope, sort_keys=True), ""), [])]


async def test_command_menus_per_person(harness: Harness) -> None:
    await until(lambda: menu_of(harness, None))  # published in the background once polling has started
    assert "notice" not in menu_of(harness, None) and "status" in menu_of(harness, None)
    assert menu_of(harness, PATROL) == []  # not linked yet: nothing published for them
    patrol = harness.user(PATROL)
    await patrol.send("/start")
    await patrol.next_message()
    assert "patrol" in menu_of(harness, PATROL) and "notice" not in menu_of(harness, PATROL)
    secretary = harness.user(SECRETARY)
    await secretary.send("/start")
    await secretary.next_message()
    assert {"notice", "members", "invite"} <= set(menu_of(harness, SECRETARY))
    plain = harness.user(PLAIN)
    await plain.send("/start")
    await plain.next_message()
    assert menu_of(harness, PLAIN) == []  # the default menu is theirs
