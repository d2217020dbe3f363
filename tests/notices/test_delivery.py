"""Delivering a notice through the outbox: a restart mid-broadcast, 403, 429, time-outs, the one summary,
and meeting reminders (leave, stages already past, quiet hours)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.app import running
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.emulator.server import error_response
from bot.services import registry as core
from bot.store import Store
from tests.support.harness import (
    COMMUNITY_SECRETARY,
    LIAISON,
    MEDIATOR,
    MIGRANT,
    OTHER_LIAISON,
    OTHER_MIGRANT,
    OTHER_SECRETARY,
    PATROL,
    PLAIN,
    SECRETARY,
    SMALL_ROSTER,
    TOM,
    Harness,
    build_app,
    load_roster,
    make_settings,
)
from tests.support.notices import BRANCH_ONE, LECTURE, SH, START, T0, got, link, notices_of, saw, send_notice, until
from tests.support.silence import settled

EVERYONE = (COMMUNITY_SECRETARY, *BRANCH_ONE, OTHER_SECRETARY, PLAIN, TOM, OTHER_LIAISON, OTHER_MIGRANT)


def _is_notice(method: str, params: dict[str, Any]) -> bool:
    return method == "sendmessage" and "ntc:att" in str(params.get("reply_markup", ""))


async def _count(store: Store, status: str) -> int:
    row = await store.db.fetchone("SELECT count(*) FROM outbox WHERE kind = 'notice' AND status = ?", (status,))
    return int(row[0]) if row else 0


async def test_broadcast_stopped_midway_resumes_after_restart_exactly_once(
    emulator: BotApiEmulator,
    store: Store,
    settings: Settings,
) -> None:
    await load_roster(store, SMALL_ROSTER)
    sent_before_stop = 4
    calls = 0
    release = asyncio.Event()

    async def stall_after_k(method: str, params: dict[str, Any]) -> web.StreamResponse | None:
        """The first K notice sends go through; later ones hang (never delivered) until released."""
        nonlocal calls
        if not _is_notice(method, params):
            return None
        calls += 1
        if calls <= sent_before_stop:
            return None
        await release.wait()
        return web.json_response({"ok": False, "error_code": 500, "description": "stopped"}, status=500)

    first = build_app(settings, store, emulator)
    async with running(first, poll_timeout=1):
        harness = Harness(emulator, store, settings, first)
        harness.at(T0)
        await link(harness, *EVERYONE)
        emulator.fault_hook = stall_after_k
        secretary = harness.user(COMMUNITY_SECRETARY)
        await secretary.send(f"/notice {LECTURE}")
        await secretary.press("发送", await secretary.expect("预览"))
        await until(lambda: calls > sent_before_stop)
        await until(lambda: sum(len(notices_of(harness.user(i))) for i in EVERYONE) == sent_before_stop)
        sender = harness.services.sender
        assert sender is not None
        sender.stop_grace = 0.3  # the stalled sends will not be answered: do not wait long for them
    emulator.fault_hook = None
    release.set()
    assert await _count(store, "sent") == sent_before_stop

    second = build_app(settings, store, emulator)
    async with running(second, poll_timeout=1):
        harness = Harness(emulator, store, settings, second)
        harness.at(T0)
        summary = await saw(harness.user(COMMUNITY_SECRETARY), "通知发送完毕")
        await harness.settle()
        await settled(second, emulator)
    for telegram_id in EVERYONE:
        assert len(notices_of(harness.user(telegram_id))) == 1, telegram_id
    assert await _count(store, "sent") == len(EVERYONE)
    assert "送达：11 人" in summary.text and "吴未绑定" in summary.text
    assert len(got(harness.user(COMMUNITY_SECRETARY), "通知发送完毕")) == 1


async def test_a_graceful_stop_records_the_sends_already_on_their_way(
    emulator: BotApiEmulator,
    store: Store,
    settings: Settings,
) -> None:
    await load_roster(store, SMALL_ROSTER)

    def slow_answers(method: str, params: dict[str, Any]) -> None:
        """Every notice is delivered at once but answered 0.3 s later: stopping catches some mid-way."""
        if _is_notice(method, params):
            emulator.delay_next("sendMessage", 0.3)

    first = build_app(settings, store, emulator)
    async with running(first, poll_timeout=1):
        harness = Harness(emulator, store, settings, first)
        harness.at(T0)
        await link(harness, *EVERYONE)
        emulator.fault_hook = slow_answers
        secretary = harness.user(COMMUNITY_SECRETARY)
        await secretary.send(f"/notice {LECTURE}")
        await secretary.press("发送", await secretary.expect("预览"))
        await until(lambda: any(notices_of(harness.user(i)) for i in EVERYONE))
    emulator.fault_hook = None
    on_their_way = await _count(store, "sent")
    assert 0 < on_their_way < len(EVERYONE)  # answered within the grace, recorded

    second = build_app(settings, store, emulator)
    async with running(second, poll_timeout=1):
        harness = Harness(emulator, store, settings, second)
        await saw(harness.user(COMMUNITY_SECRETARY), "通知发送完毕")
    for telegram_id in EVERYONE:
        assert len(notices_of(harness.user(telegram_id))) == 1, telegram_id


async def test_blocked_member_is_failed_not_retried_and_named_in_the_summary(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    harness.emu.block(PATROL)
    await send_notice(harness, SECRETARY, LECTURE)
    summary = (await saw(harness.user(SECRETARY), "通知发送完毕")).text
    assert "送达：4 人" in summary and "发送失败：1 人：赵巡逻" in summary
    row = await harness.store.db.fetchone(
        "SELECT o.status, o.attempts, m.unreachable FROM outbox o JOIN members m ON m.id = o.member_id "
        "WHERE m.telegram_id = ? AND o.kind = 'notice'",
        (PATROL,),
    )
    assert row is not None and tuple(row) == ("failed", 1, 1)
    assert notices_of(harness.user(PATROL)) == []


@pytest.mark.slow  # waits out the sender's real pace (or builds every schema)
async def test_429_answers_are_waited_out_with_no_loss(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    refused: list[int] = []

    def flood(method: str, params: dict[str, Any]) -> web.StreamResponse | None:
        """Telegram's flood control answers the first two notice sends: retry after 1 second."""
        if _is_notice(method, params) and len(refused) < 2:
            refused.append(int(params["chat_id"]))
            return error_response(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        return None

    harness.emu.fault_hook = flood
    await send_notice(harness, SECRETARY, LECTURE)
    await saw(harness.user(SECRETARY), "通知发送完毕")
    assert len(refused) == 2
    for member in BRANCH_ONE:
        assert len(notices_of(harness.user(member))) == 1, member
    assert await _count(harness.store, "sent") == len(BRANCH_ONE)


async def test_time_out_is_uncertain_not_resent_and_shown_to_the_secretary(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    sender = harness.services.sender
    assert sender is not None
    sender.send_timeout = 0.2
    delayed: list[int] = []

    def slow_answer_for_liaison(method: str, params: dict[str, Any]) -> None:
        """Telegram takes the message but answers after the bot stopped waiting."""
        if _is_notice(method, params) and int(params["chat_id"]) == LIAISON and not delayed:
            delayed.append(LIAISON)
            harness.emu.delay_next("sendMessage", 0.5)

    harness.emu.fault_hook = slow_answer_for_liaison
    await send_notice(harness, SECRETARY, LECTURE)
    summary = (await saw(harness.user(SECRETARY), "通知发送完毕")).text
    assert "情况不明：1 人：李联络" in summary and "送达：4 人" in summary
    await until(lambda: harness.emu.late_answers == 1)  # the late answer came: still no second attempt
    await harness.settle()
    assert len(notices_of(harness.user(LIAISON))) == 1
    row = await harness.store.db.fetchone(
        "SELECT status, attempts FROM outbox WHERE kind = 'notice' AND chat_id = ?", (LIAISON,)
    )
    assert row is not None and tuple(row) == ("uncertain", 1)


async def test_a_notice_nobody_can_receive_still_gets_its_summary(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, COMMUNITY_SECRETARY)
    secretary = harness.user(COMMUNITY_SECRETARY)
    await secretary.send(f"/notice {LECTURE} | 流动党员党小组")
    preview = await secretary.expect("预览")
    assert "0 名党员" in preview.text and "张流动" in preview.text
    await secretary.press("发送", preview)
    summary = (await saw(secretary, "通知发送完毕")).text
    assert "送达：0 人" in summary and "未绑定、没有发送：1 人：张流动" in summary


async def _meeting_keys(store: Store) -> list[str]:
    rows = await store.db.fetchall("SELECT key FROM outbox WHERE key LIKE 'meeting:%' ORDER BY id")
    return [str(r[0]) for r in rows]


async def _sweep(harness: Harness) -> int:
    """Sweep (other capabilities' reminders may come too); how many meeting reminders were queued."""
    before = len(await _meeting_keys(harness.store))
    await harness.sweep()
    return len(await _meeting_keys(harness.store)) - before


async def _leave(harness: Harness, member_id: int, reason: str) -> None:
    member = harness.user(member_id)
    await member.press("请假")
    await saw(member, "请回复请假原因")
    await member.send(reason)
    await saw(member, "已请假")


@pytest.mark.slow  # waits out the sender's real pace (or builds every schema)
async def test_reminders_skip_members_on_leave_and_come_once_per_stage(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    await send_notice(harness, SECRETARY, LECTURE)
    await _leave(harness, PATROL, "外出务工")
    harness.at(START - timedelta(hours=23, minutes=30))
    assert await _sweep(harness) == 4
    await harness.settle()
    assert await _sweep(harness) == 0
    for member in (SECRETARY, LIAISON, MIGRANT, MEDIATOR):
        assert len(got(harness.user(member), "会议提醒")) == 1, member
    harness.at(START - timedelta(minutes=45))
    assert await _sweep(harness) == 4
    await harness.settle()
    harness.at(START + timedelta(minutes=5))
    assert await _sweep(harness) == 0
    for member in (SECRETARY, LIAISON, MIGRANT, MEDIATOR):
        assert len(got(harness.user(member), "会议提醒")) == 2, member
    assert got(harness.user(PATROL), "会议提醒") == []


async def test_a_stage_already_past_when_the_notice_went_out_is_skipped(harness: Harness) -> None:
    harness.at(START - timedelta(hours=3))
    await link(harness, *BRANCH_ONE)
    await send_notice(harness, SECRETARY, LECTURE)
    harness.at(START - timedelta(hours=2))
    assert await _sweep(harness) == 0  # the 24h stage was past when the notice went out
    harness.at(START - timedelta(minutes=50))
    assert await _sweep(harness) == 5
    await harness.settle()
    assert len(got(harness.user(LIAISON), "会议提醒")) == 1


async def test_quiet_hours_hold_reminders_except_within_the_hour(
    harness: Harness,
    tmp_path: Path,
    emulator: BotApiEmulator,
) -> None:
    quiet = make_settings(tmp_path, emulator, quiet_hours="21:00-08:00")
    early = datetime(2026, 3, 12, 7, 30, tzinfo=SH)
    harness.at(T0)
    await link(harness, SECRETARY, LIAISON)
    await send_notice(harness, SECRETARY, "党课 | 2026-03-12 07:30 | 村委会 | 学习党章")
    for moment, queued in (
        (early - timedelta(hours=23, minutes=50), 0),  # 07:40 the day before: quiet
        (early - timedelta(hours=23, minutes=25), 2),  # 08:05: the 24h stage
        (early - timedelta(minutes=45), 4),
    ):  # 06:45: quiet, but urgent
        await core.sweep(harness.store, quiet, moment)
        assert len(await _meeting_keys(harness.store)) == queued
    keys = await _meeting_keys(harness.store)
    assert sorted(k.split(":")[1] for k in keys) == ["1h", "1h", "24h", "24h"]
