"""Regressions found in review: invite take-over, linking by group messages, edited messages, stale
status buttons, spreadsheet formulas in exports."""

from __future__ import annotations

from bot.services.exports.export import to_csv
from tests.support.harness import MIGRANT, PATROL, SECRETARY, STRANGER, Harness


async def test_old_invite_of_a_member_linked_by_roster_id_cannot_take_over(harness: Harness) -> None:
    member = await harness.store.members.by_telegram_id(SECRETARY)
    assert member is not None
    code = await harness.store.invites.code_for(member.id)  # printed before he wrote to the bot
    secretary = harness.user(SECRETARY)
    await secretary.send("/start")
    await secretary.expect("王书记")
    thief = harness.user(STRANGER)
    await thief.send(f"/start {code}")
    await thief.expect("已经用过")
    again = await harness.store.members.by_telegram_id(SECRETARY)
    assert again is not None and again.linked
    assert await harness.store.members.by_telegram_id(STRANGER) is None


async def test_a_group_message_does_not_register_a_member(harness: Harness) -> None:
    group = harness.emu.add_group(-100555, "一村党支部群")
    await harness.user(MIGRANT).send("/help", chat=group)
    await group.next_message()
    member = await harness.store.members.by_telegram_id(MIGRANT)
    assert member is not None and not member.linked


async def test_writing_in_private_makes_an_unreachable_member_reachable(harness: Harness) -> None:
    migrant = harness.user(MIGRANT)
    await migrant.send("/start")
    await migrant.next_message()
    member = await harness.store.members.by_telegram_id(MIGRANT)
    assert member is not None
    await harness.store.members.mark_unreachable(member.id)
    await migrant.send("/help")
    await migrant.next_message()
    member = await harness.store.members.by_telegram_id(MIGRANT)
    assert member is not None and not member.unreachable


async def test_editing_an_old_command_does_not_run_it_again(harness: Harness) -> None:
    patrol = harness.user(PATROL)
    await patrol.send("/patrol 3号楼 | 45 | 正常")
    await patrol.expect("巡逻已记录")
    edited = {
        "message_id": 1,
        "date": 0,
        "edit_date": 1,
        "chat": {"id": PATROL, "type": "private"},
        "from": {"id": PATROL, "is_bot": False, "first_name": "赵"},
        "text": "/patrol 3号楼 | 46 | 正常",
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
    }
    harness.emu.queue_update({"edited_message": edited})
    await patrol.send("/help")
    await patrol.expect("可以使用的命令")  # the next answer is /help's: the edit got none
    rows = await harness.store.db.fetchall("SELECT count(*) FROM duty_logs")
    assert rows[0][0] == 1


async def test_stale_status_button_is_answered(harness: Harness) -> None:
    member = harness.user(MIGRANT)
    await member.send("/status")
    buttons = await member.expect("请选择")
    await member.send("/cancel")
    await member.expect("已取消")
    await member.press("在家", buttons)
    alert = await member.next_message(kind="alert")
    assert "失效" in alert.text
    await member.send("/help")
    await member.expect("可以使用的命令")  # the press is fully handled before the next update
    rows = await harness.store.db.fetchall("SELECT count(*) FROM status_reports")
    assert rows[0][0] == 0


def test_export_cells_that_look_like_formulas_stay_text() -> None:
    data = to_csv(["note"], [['=HYPERLINK("http://x","点此")'], ["+1"], ["-"], ["正常"], [None], [5]])
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "'-" in text and "\r\n正常\r\n" in text
