"""/status after the move to use cases: forged buttons get the expired-button answer and change nothing,
non-text in a step is answered with the step's question again, and the alert is queued with the status.
Through the emulator, plus the use cases called directly (no Telegram)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.rights import Actor
from bot.services.kernel.deps import Deps
from bot.services.reports import status_steps
from bot.services.reports.common import StatusInput
from bot.services.reports.status import save_status, status_line
from bot.store import Store
from tests.support.harness import LIAISON, MIGRANT, PLAIN, SECRETARY, SMALL_ROSTER, Harness, load_roster

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, tzinfo=TZ)


async def statuses(harness: Harness) -> list[tuple[str, str | None, str | None]]:
    rows = await harness.store.db.fetchall("SELECT state, location, note FROM status_reports ORDER BY id")
    return [(r[0], r[1], r[2]) for r in rows]


async def test_forged_state_button_gets_the_expired_alert_and_changes_nothing(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/status")
    prompt = await member.expect("请选择")
    for data in ("st:evil", "st:", "st:skip", "st:skip:1", "st:home:1", "st:ILL"):
        await member.press_data(data, prompt)
        alert = await member.next_message(kind="alert")
        assert "失效" in alert.text and alert.show_alert, data
    await harness.nothing_more(member)
    assert await statuses(harness) == [] and not harness.emu.internal_errors
    await member.press("在家", prompt)  # the conversation is still at its first step
    await member.expect("补充")
    await member.press("跳过")
    await member.expect("已报备：在家")
    assert await statuses(harness) == [("home", None, None)]


async def test_a_state_button_at_the_note_step_is_expired(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/status")
    prompt = await member.expect("请选择")
    await member.press("生病", prompt)
    await member.expect("补充")
    await member.press("在家", prompt)
    assert "失效" in (await member.next_message(kind="alert")).text
    await member.send("发烧")
    await member.expect("已报备：生病")
    assert await statuses(harness) == [("ill", None, "发烧")]


async def test_non_text_in_each_step_asks_the_question_again(harness: Harness) -> None:
    member = harness.user(PLAIN)
    await member.send("/status")
    await member.expect("请选择")
    await member.send_photo()
    await member.expect("要打字回复")
    state = await member.expect("请选择")
    assert "外出务工" in state.labels()
    await member.press("外出务工", state)
    await member.expect("您在哪里")
    await member.send_photo(caption="广东东莞")  # a caption is not an answer typed at this step
    await member.expect("要打字回复")
    await member.expect("您在哪里")
    await member.send("广东东莞")
    await member.expect("补充")
    await member.send_document(b"note", "note.txt")
    await member.expect("要打字回复")
    note = await member.expect("补充")
    assert note.labels() == ["跳过"]
    await member.press("跳过", note)
    await member.expect("已报备：外出务工（广东东莞）")
    assert await statuses(harness) == [("away_work", "广东东莞", None)]


async def test_non_text_in_english(harness: Harness) -> None:
    member = harness.user(PLAIN, lang="en")
    await member.send("/status")
    await member.expect("How are you")
    await member.send_photo()
    await member.expect("typed answer")
    await member.expect("How are you")


# ----------------------------------------------------------------------------------- the use cases


async def test_illness_queues_the_alerts_with_the_status(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    for telegram_id in (LIAISON, SECRETARY):
        found = await store.members.by_telegram_id(telegram_id)
        assert found is not None
        await store.members.link(found.id, telegram_id)
    migrant = await store.members.by_telegram_id(MIGRANT)
    assert migrant is not None
    person = Actor(MIGRANT, migrant)
    deps, call = Deps(store, settings), Call(person, T0, "zh")
    result = await save_status(deps, call, StatusInput("ill", None, "发烧"))
    assert result.queued == 2 and result.replies[0].key == "status.saved_alerted"
    rows = await store.db.fetchall("SELECT chat_id, kind, text FROM outbox ORDER BY chat_id")
    assert sorted((r[0], r[1]) for r in rows) == sorted([(LIAISON, "alert"), (SECRETARY, "alert")])
    assert all("张流动" in r[2] and "发烧" in r[2] for r in rows)

    quiet = await status_line(deps, call, ["home"])
    assert quiet.queued == 0 and quiet.replies[0].key == "status.saved"
    refused = await status_line(deps, call, ["flying"])
    assert refused.replies[0].key == "status.err.state" and refused.queued == 0
    assert len(await store.db.fetchall("SELECT 1 FROM status_reports")) == 2


async def test_the_steps_without_telegram(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    start = status_steps.start("zh")
    assert start.next == "state" and start.result.replies[0].buttons
    typed = status_steps.type_state("外出经商", "zh")
    assert typed.next == "location" and typed.draft.state == "away_business"
    empty = status_steps.give_location(typed.draft, "  ", "zh")
    assert empty.next == "location" and empty.result.replies[0].key == "status.err.location_empty_short"
    placed = status_steps.give_location(typed.draft, "浙江义乌", "zh")
    assert placed.next == "note" and placed.draft.location == "浙江义乌"
    again = status_steps.not_text("note", placed.draft, "zh")
    assert [r.key for r in again.result.replies] == ["common.text_expected", "status.ask_note"]
    assert again.draft == placed.draft and again.next == "note"
    member = await store.members.by_telegram_id(PLAIN)
    assert member is not None
    done = await status_steps.give_note(Deps(store, settings), Call(Actor(PLAIN, member), T0, "zh"), placed.draft, None)
    assert done.next is None and done.result.replies[0].key == "status.saved"
    rows = await store.db.fetchall("SELECT state, location, note FROM status_reports")
    assert [(r[0], r[1], r[2]) for r in rows] == [("away_business", "浙江义乌", None)]
