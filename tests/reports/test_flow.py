"""/report and /reports after the move to use cases: each preview's buttons act on that preview only,
forged or stale buttons get the expired-button answer and change nothing, and a photo while writing is
answered. Through the emulator, plus the use cases called directly (no Telegram)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.results import Reply
from bot.domain.rights import Actor
from bot.services.kernel.deps import Deps
from bot.services.reports import write as reports_write
from bot.services.reports.contact import log_contact
from bot.store import Store
from tests.support.harness import LIAISON, MIGRANT, PLAIN, SECRETARY, SMALL_ROSTER, Harness, load_roster

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, tzinfo=TZ)
REPORT = "本月在外务工期间，我认真学习了党的二十大精神，按时参加线上组织生活，遵守纪律。"
MORE = "下个月打算继续参加线上学习，并给家乡的老党员打电话问候。"


async def thoughts(harness: Harness) -> list[tuple[str, str]]:
    rows = await harness.store.db.fetchall("SELECT period, text FROM thought_reports ORDER BY id")
    return [(r[0], r[1]) for r in rows]


async def test_send_on_an_earlier_preview_is_out_of_date_and_saves_nothing(harness: Harness) -> None:
    harness.at(T0)
    member = harness.user(PLAIN)
    await member.send("/report " + REPORT)
    first = await member.expect("预览")
    await member.send(MORE)
    second = await member.expect("预览")
    assert MORE in second.text and MORE not in first.text
    first_send, second_send = first.button("发送").callback_data, second.button("发送").callback_data
    assert first_send != second_send  # each preview carries its own draft id

    await member.press("发送", first)
    outdated = await member.next_message(kind="alert")
    assert "之前的预览" in outdated.text and outdated.show_alert
    await member.press("取消", first)  # an older preview's Cancel does not drop the newer text either
    assert "之前的预览" in (await member.next_message(kind="alert")).text
    await harness.nothing_more(member)
    assert await thoughts(harness) == []

    await member.press("发送", second)
    await member.expect("已提交", kind="message")
    saved = await thoughts(harness)
    assert len(saved) == 1 and saved[0][1] == REPORT + "\n" + MORE
    # the sent preview lost its buttons; the old one answers like any finished conversation's button
    stored = harness.emu.get_message(second.chat_id, second.message_id)
    assert stored is not None and stored.reply_markup is None
    await member.press("发送", first)
    assert "失效" in (await member.next_message(kind="alert")).text
    assert len(await thoughts(harness)) == 1


async def test_out_of_date_preview_in_english(harness: Harness) -> None:
    harness.at(T0)
    member = harness.user(PLAIN, lang="en")
    await member.send("/report " + REPORT)
    first = await member.expect("preview")
    await member.send(MORE)
    await member.expect("preview")
    await member.press("Send", first)
    assert "earlier preview" in (await member.next_message(kind="alert")).text
    assert await thoughts(harness) == []


async def test_photo_while_writing_is_answered_and_the_report_can_still_be_written(harness: Harness) -> None:
    harness.at(T0)
    member = harness.user(PLAIN)
    await member.send("/report")
    await member.expect("2026年11月")
    await member.send_photo(caption="我的汇报在图片里")
    await member.expect("要打字回复")
    again = await member.expect("思想汇报")  # the step's question again
    assert "2026年11月" in again.text and "至少 20 个字" in again.text
    await member.send_document(b"%PDF-1.4", "report.pdf")
    await member.expect("要打字回复")
    await member.expect("思想汇报")
    await member.send(REPORT)
    await member.expect("预览")
    await member.press("发送")
    await member.expect("已提交", kind="message")
    assert await thoughts(harness) == [("2026-11", REPORT)]


async def test_forged_report_buttons_get_the_expired_alert_and_change_nothing(harness: Harness) -> None:
    harness.at(T0)
    member = harness.user(PLAIN)
    await member.send("/report " + REPORT)
    preview = await member.expect("预览")
    for data in ("rep:view:abc", "rep:send:bad-id", "rep:send", "rep:evil", "rep:cancel:é", "rep:start:1"):
        await member.press_data(data, preview)
        alert = await member.next_message(kind="alert")
        assert "失效" in alert.text and alert.show_alert, data
    await harness.nothing_more(member)
    assert await thoughts(harness) == []
    await member.press("发送", preview)  # the conversation was left as it was
    await member.expect("已提交", kind="message")
    assert not harness.emu.internal_errors


async def test_a_valid_send_for_an_unknown_draft_is_out_of_date(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/report " + REPORT)
    preview = await member.expect("预览")
    await member.press_data("rep:send:deadbeef", preview)
    assert "之前的预览" in (await member.next_message(kind="alert")).text
    assert await thoughts(harness) == []


async def test_the_reminder_button_while_writing_starts_again(harness: Harness) -> None:
    harness.at(T0)
    member = harness.user(MIGRANT)
    await member.send("/report")
    prompt = await member.expect("思想汇报")
    await member.send("还没写完")
    await member.expect("太短")
    await member.press_data("rep:start", prompt)
    await member.expect("思想汇报")
    await member.send(REPORT)
    preview = await member.expect("预览")
    assert "还没写完" not in preview.text  # a fresh draft


async def test_forged_view_of_an_unknown_report_is_refused(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/start")
    message = await secretary.next_message()
    await secretary.press_data("rep:view:123456", message)
    assert "无权" in (await secretary.next_message(kind="alert")).text
    await secretary.press_data("rep:view:abc", message)
    assert "/reports" in (await secretary.next_message(kind="alert")).text
    await harness.nothing_more(secretary)


# ----------------------------------------------------------------------------------- the use cases


async def test_use_cases_keep_the_draft_and_check_the_preview(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    member = await store.members.by_telegram_id(PLAIN)
    assert member is not None
    person = Actor(PLAIN, member)
    deps, call = Deps(store, settings), Call(person, T0, "zh")
    begun = await reports_write.begin(deps, call, "")
    assert begun.draft is not None and begun.draft.period == "2026-11" and begun.draft.preview is None
    short = await reports_write.add_text(deps, call, begun.draft, "太短")
    assert short.draft is not None and short.draft.text == "太短" and short.result.replies[0].key == "report.too_short"
    first = await reports_write.add_text(deps, call, short.draft, REPORT)
    assert first.draft is not None and first.draft.preview is not None
    too_long = await reports_write.add_text(deps, call, first.draft, "长" * 10_001)
    assert too_long.draft == first.draft  # refused: the last preview still shows the draft
    second = await reports_write.add_text(deps, call, first.draft, MORE)
    assert second.draft is not None and second.draft.preview not in (None, first.draft.preview)

    stale = await reports_write.send(deps, call, second.draft, first.draft.preview)
    assert stale.draft == second.draft and stale.result.replies == (Reply(key="report.outdated", alert=True),)
    assert await store.reports.thought(member.id, "2026-11") is None
    assert second.draft.preview is not None
    sent = await reports_write.send(deps, call, second.draft, second.draft.preview)
    assert sent.draft is None and sent.close_preview and sent.result.replies[0].key == "report.saved"
    saved = await store.reports.thought(member.id, "2026-11")
    assert saved is not None and saved.text == "太短\n" + REPORT + "\n" + MORE


async def test_contact_use_case(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    liaison = await store.members.by_telegram_id(LIAISON)
    assert liaison is not None
    person = Actor(LIAISON, liaison)
    deps, call = Deps(store, settings), Call(person, T0, "zh")
    usage = await log_contact(deps, call, [""])
    assert [r.key for r in usage.replies] == ["contact.usage", "contact.your_members"]
    assert usage.replies[1].params["names"] == "张流动"
    assert (await log_contact(deps, call, ["张流动"])).replies[0].key == "contact.note_empty"
    saved = await log_contact(deps, call, ["张流动", "电话联系", "一切正常"])
    assert saved.replies[0].key == "contact.saved" and saved.replies[0].params["date"] == "2026-11-10"
    rows = await store.db.fetchall("SELECT note FROM contacts")
    assert [r[0] for r in rows] == ["电话联系 | 一切正常"]
