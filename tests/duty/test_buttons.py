"""Duty buttons through the real application and the emulator: every button the bot shows carries a typed
payload; a forged or unknown `duty:` payload is answered like an expired button and changes nothing; the
rights are checked again on every press (and a log is saved only while its post is still held)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.emulator.models import BotMessage
from bot.services.duty.buttons import DutyFollowup, DutyKind, DutyOutcome, DutyPostSwitch, DutyPostToggle, DutySkip
from bot.services.duty.rules import KINDS
from bot.services.registry import PAYLOADS as ALL
from bot.store.duty import DutyLog
from tests.support.harness import MEDIATOR, OTHER_SECRETARY, PATROL, PLAIN, SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")


def _payloads(message: BotMessage) -> list[str]:
    return [b.callback_data or "" for row in message.buttons for b in row]


def _typed(data: str) -> bool:
    return any(kind.matches(data) for kind in ALL)


async def _posts(harness: Harness, telegram_id: int) -> set[str]:
    member = await harness.store.members.by_telegram_id(telegram_id)
    assert member is not None
    return member.posts


async def _member_id(harness: Harness, telegram_id: int) -> int:
    member = await harness.store.members.by_telegram_id(telegram_id)
    assert member is not None
    return member.id


async def _logs(harness: Harness) -> list[DutyLog]:
    return await harness.store.duty.all()


async def test_every_duty_button_carries_a_typed_payload(harness: Harness) -> None:
    harness.at(datetime(2026, 3, 10, 10, 0, tzinfo=TZ))
    mediator = harness.user(MEDIATOR)
    await mediator.send("/mediate")
    await mediator.expect("第 1 步")
    await mediator.send("张家、李家")
    kinds = await mediator.expect("第 2 步")
    assert all(DutyKind.matches(d) for d in _payloads(kinds)) and len(_payloads(kinds)) == len(KINDS)
    await mediator.press("邻里")
    outcomes = await mediator.expect("第 3 步", kind="message")
    assert all(DutyOutcome.matches(d) for d in _payloads(outcomes)) and len(_payloads(outcomes)) == 3
    await mediator.press("调解中")
    await mediator.expect("哪天回访", kind="message")
    await mediator.send("2026-03-12")
    await mediator.expect("第 4 步")
    await mediator.send("约定再谈")
    photo = await mediator.expect("照片")
    assert _payloads(photo) == [DutySkip().pack()]
    await mediator.press("跳过")
    await mediator.expect("调解已记录", kind="message")
    harness.at(datetime(2026, 3, 12, 9, 0, tzinfo=TZ))
    await harness.sweep()
    await harness.settle()
    reminder = await mediator.expect("回访")
    assert all(DutyFollowup.matches(d) for d in _payloads(reminder)) and len(_payloads(reminder)) == 3
    secretary = harness.user(SECRETARY)
    await secretary.send("/posts 赵巡逻")
    shown = await secretary.expect("治安巡逻岗")
    # a switch per post of the catalogue: patrol and mediation by key as before, the others by their id
    toggles = [d for d in _payloads(shown) if DutyPostToggle.matches(d)]
    assert len(toggles) == 2 and all(DutyPostSwitch.matches(d) for d in _payloads(shown) if d not in toggles)
    assert len(_payloads(shown)) == len(await harness.store.duty.posts.all())
    assert all(_typed(d) for d in _payloads(kinds) + _payloads(shown))


async def test_a_forged_kind_mid_mediation_is_expired_and_the_step_goes_on(harness: Harness) -> None:
    mediator = harness.user(MEDIATOR)
    await mediator.send("/mediate")
    await mediator.expect("第 1 步")
    await mediator.send("王家、赵家")
    await mediator.expect("第 2 步")
    for forged in ("duty:kind:evil", "duty:kind:", "duty:kind:land:1", "duty:res:resolved"):
        await mediator.press_data(forged)
        await mediator.expect("失效", kind="alert")
    await harness.nothing_more(mediator)
    await mediator.press("土地")  # the real buttons still work: the step was left as it was
    await mediator.expect("第 3 步", kind="message")
    await mediator.press_data("duty:res:evil")
    await mediator.expect("失效", kind="alert")
    await mediator.press("已上报（移交调委会/司法所）")
    await mediator.expect("第 4 步", kind="message")
    await mediator.send("已移交司法所")
    await mediator.expect("照片")
    await mediator.press("跳过")
    await mediator.expect("调解已记录", kind="message")
    [entry] = await _logs(harness)
    assert (entry.kind, entry.outcome) == ("land", "referred")


@pytest.mark.parametrize(
    "forged",
    [
        "duty:kind:evil",
        "duty:skip:1",
        "duty:out:1:evil",
        "duty:out:x:resolved",
        "duty:post:1:king",
        "duty:post:x:patrol",
        "duty",
        "duty:",
    ],
)
async def test_forged_duty_payloads_outside_any_step_are_expired(harness: Harness, forged: str) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/posts 赵巡逻")
    await secretary.expect("治安巡逻岗")
    await secretary.press_data(forged)
    await secretary.expect("失效", kind="alert")
    await harness.nothing_more(secretary)
    assert await _posts(harness, PATROL) == {"patrol"}
    assert await _logs(harness) == []


async def test_a_post_button_with_an_unknown_post_changes_nothing(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    target = await _member_id(harness, PATROL)
    await secretary.send("/posts 赵巡逻")
    shown = await secretary.expect("治安巡逻岗")
    await secretary.press_data(f"duty:post:{target}:king", shown)
    await secretary.expect("失效", kind="alert")
    await secretary.press_data(f"duty:post:{target}:环境卫生岗", shown)
    await secretary.expect("失效", kind="alert")
    await harness.nothing_more(secretary)
    assert await _posts(harness, PATROL) == {"patrol"}


async def test_a_followup_button_naming_a_patrol_log_is_expired(harness: Harness) -> None:
    patrol = harness.user(PATROL)
    await patrol.send("/patrol 村口 | 30 | 无异常")
    await patrol.expect("巡逻已记录")
    [entry] = await _logs(harness)
    for outcome in ("resolved", "ongoing"):
        await patrol.press_data(DutyFollowup(entry.id, outcome).pack())
        await patrol.expect("失效", kind="alert")
    await harness.nothing_more(patrol)
    assert await _logs(harness) == [entry]


@pytest.mark.parametrize(
    ("presser", "target", "post"),
    [
        (PLAIN, PATROL, "mediation"),  # a member of another branch
        (PATROL, PATROL, "mediation"),  # a post-holder giving themselves a post
        (MEDIATOR, PATROL, "patrol"),  # a post-holder taking someone's post away
        (OTHER_SECRETARY, PATROL, "patrol"),  # a secretary of another branch
    ],
)
async def test_a_forged_post_button_from_someone_without_the_right_is_refused(
    harness: Harness, presser: int, target: int, post: str
) -> None:
    person = harness.user(presser)
    await person.send("/help")
    await person.next_message()
    await person.press_data(DutyPostToggle(await _member_id(harness, target), post).pack())
    await person.expect("不能修改", kind="alert")
    await harness.nothing_more(person)
    assert await _posts(harness, target) == {"patrol"}


async def test_a_secretary_who_lost_the_role_cannot_press_the_buttons_shown_before(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/posts 赵巡逻")
    shown = await secretary.expect("治安巡逻岗")
    me = await _member_id(harness, SECRETARY)
    async with harness.store.db.transaction() as conn:
        await conn.execute("DELETE FROM member_roles WHERE member_id = ?", (me,))
    await secretary.press("矛盾调解岗", shown)
    await secretary.expect("不能修改", kind="alert")
    await harness.nothing_more(secretary)
    assert await _posts(harness, PATROL) == {"patrol"}


async def test_a_log_is_not_saved_once_its_post_was_taken_away(harness: Harness) -> None:
    patrol = harness.user(PATROL)
    await patrol.send("/patrol")
    await patrol.expect("第 1 步")
    await patrol.send("村口")
    await patrol.expect("第 2 步")
    await patrol.send("30")
    await patrol.expect("第 3 步")
    await harness.store.duty.set_posts(await _member_id(harness, PATROL), set())  # the secretary took it
    await patrol.send("无异常")
    await patrol.expect("照片")
    await patrol.press("跳过")
    await patrol.expect("只有治安巡逻岗党员", kind="message")
    assert await _logs(harness) == []
