"""The reminder engine: derived from the database, once per key across restarts, quiet hours,
catch-up after downtime, escalation, the 30-day no-contact warning, and the button on a reminder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.services import registry as core
from bot.services.reports.common import report_reminders
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import (
    LIAISON,
    MIGRANT,
    SECRETARY,
    SMALL_ROSTER,
    Harness,
    link_all,
    load_roster,
    make_settings,
)

TZ = ZoneInfo("Asia/Shanghai")
REPORT = "本月在外务工期间，我认真学习了党的二十大精神，按时参加线上组织生活，遵守纪律。"


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


async def keys(store: Store) -> list[str]:
    return [r[0] for r in await store.db.fetchall("SELECT key FROM outbox ORDER BY id")]


async def digest_items(store: Store) -> list[str]:
    """The keys of escalations recorded for the daily digest (not sent alone)."""
    return [r[0] for r in await store.db.fetchall("SELECT key FROM digest_items ORDER BY id")]


@pytest.fixture
async def roster_store(store: Store) -> AsyncIterator[Store]:
    await load_roster(store, SMALL_ROSTER)
    await link_all(store)
    yield store


def quiet_settings(tmp_path: Path, emulator: BotApiEmulator, **extra: object) -> Settings:
    return make_settings(tmp_path, emulator, quiet_hours="21:00-08:00", **extra)


async def test_months_overdue_member_gets_one_reminder_and_leaders_one_notice_each(
    roster_store: Store, settings: Settings
) -> None:
    queued = await core.sweep(roster_store, settings, at(20))
    found = await keys(roster_store)
    assert queued == len(found)
    member_ids = {r[0]: r[1] for r in await roster_store.db.fetchall("SELECT telegram_id, id FROM members")}
    migrant, liaison, secretary = member_ids[MIGRANT], member_ids[LIAISON], member_ids[SECRETARY]
    assert f"report:overdue-1:{migrant}:2026-10" in found  # Oct deadline passed 20 days ago: the second stage
    # the leaders' notices go into their daily digest (10:00 is after DIGEST_TIME: it goes in this sweep)
    gathered = await digest_items(roster_store)
    assert f"report:escalate:{liaison}:{migrant}:2026-10" in gathered
    assert f"report:escalate:{secretary}:{migrant}:2026-10" in gathered
    assert f"digest:{liaison}:2026-11-20" in found and f"digest:{secretary}:2026-11-20" in found
    assert sum(k.startswith("report:") and f":{migrant}:" in k for k in found + gathered) == 3
    # a second sweep, and a sweep after a restart, send nothing again
    assert await core.sweep(roster_store, settings, at(20, 10)) == 0
    assert await core.sweep(roster_store, settings, at(20, 15)) == 0
    # a week later the member is not reminded again (two reminders after a deadline, then the liaison)
    await core.sweep(roster_store, settings, at(27))
    everything = await keys(roster_store) + await digest_items(roster_store)
    assert sum(k.startswith("report:") and f":{migrant}:" in k for k in everything) == 3


async def test_restart_between_sweeps_sends_nothing_twice(tmp_path: Path, settings: Settings) -> None:
    first = await open_store(tmp_path / "r.sqlite3")
    try:
        await load_roster(first, SMALL_ROSTER)
        await link_all(first)
        assert await core.sweep(first, settings, at(27)) > 0
    finally:
        await first.close()
    second = await open_store(tmp_path / "r.sqlite3")
    try:
        assert await core.sweep(second, settings, at(27, 11)) == 0
    finally:
        await second.close()


async def test_catch_up_after_three_days_down(roster_store: Store, settings: Settings) -> None:
    member = await roster_store.members.by_telegram_id(MIGRANT)
    assert member is not None
    await roster_store.reports.save_thought(member.id, "2026-10", REPORT, at(2))
    await core.sweep(roster_store, settings, at(26))
    assert not [k for k in await keys(roster_store) if k.startswith("report:") and "2026-11" in k]
    # down from the 26th to the 29th: the 'before' reminder that fell due on the 27th goes out now, once
    await core.sweep(roster_store, settings, at(29))
    assert [k for k in await keys(roster_store) if k.startswith("report:") and "2026-11" in k] == [
        f"report:before:{member.id}:2026-11"
    ]
    await core.sweep(roster_store, settings, at(30))
    assert f"report:deadline:{member.id}:2026-11" in await keys(roster_store)


async def test_overdue_stages_the_day_after_and_two_weeks_later(roster_store: Store, settings: Settings) -> None:
    member = await roster_store.members.by_telegram_id(MIGRANT)
    assert member is not None
    await roster_store.reports.save_thought(member.id, "2026-10", REPORT, at(2))
    for day in (1, 3, 7, 8, 14, 15, 22, 29):
        await core.sweep(roster_store, settings, at(day, month=12))
    stages = [k.split(":")[1] for k in await keys(roster_store) if k.startswith("report:overdue")]
    assert stages == ["overdue-0", "overdue-1"]


async def test_quiet_hours_hold_reminders_till_morning(
    roster_store: Store, tmp_path: Path, emulator: BotApiEmulator
) -> None:
    quiet = quiet_settings(tmp_path, emulator)
    assert await core.sweep(roster_store, quiet, at(27, 22)) == 0
    assert await core.sweep(roster_store, quiet, at(28, 7)) == 0
    # at 08:00 what was held goes: to the member at once, the leaders' part into their digest
    before = len(await digest_items(roster_store))
    queued = await core.sweep(roster_store, quiet, at(28, 8))
    assert queued + len(await digest_items(roster_store)) - before > 0


async def test_submitted_report_stops_the_reminders(roster_store: Store, settings: Settings) -> None:
    member = await roster_store.members.by_telegram_id(MIGRANT)
    assert member is not None
    await roster_store.reports.save_thought(member.id, "2026-10", REPORT, at(2))
    await roster_store.reports.save_thought(member.id, "2026-11", REPORT, at(3))
    due = await report_reminders(roster_store, settings, at(30))
    assert not [d for d in due if d.message.key.startswith("report:")]


async def test_no_contact_for_30_days_reminds_the_liaison(roster_store: Store, settings: Settings) -> None:
    member = await roster_store.members.by_telegram_id(MIGRANT)
    liaison = await roster_store.members.by_telegram_id(LIAISON)
    assert member is not None and liaison is not None
    await roster_store.reports.add_contact(member.id, liaison.id, "电话联系", at(1))
    due = await report_reminders(roster_store, settings, at(30))
    assert not [d for d in due if d.message.key.startswith("contact:")]
    due = await report_reminders(roster_store, settings, at(1, month=12) + timedelta(hours=1))
    contact = [d for d in due if d.message.key.startswith("contact:")]
    assert len(contact) == 1 and contact[0].message.chat_id == LIAISON
    assert "张流动" in contact[0].message.text


async def test_reminder_reaches_the_member_with_a_button_that_starts_report(harness: Harness) -> None:
    for telegram_id in (MIGRANT, LIAISON, SECRETARY):
        await harness.user(telegram_id).send("/start")
        await harness.user(telegram_id).next_message()
    harness.at(at(20))  # October's second overdue stage
    await harness.sweep()
    migrant = harness.user(MIGRANT)
    reminder = await migrant.expect("2026年10月")
    assert reminder.labels() == ["写思想汇报"]
    for telegram_id in (LIAISON, SECRETARY):
        # one digest each; the liaison's also carries the 30-day no-contact warning
        # (the secretary's 三会一课 nudge of the 20th may come first)
        digest = await harness.user(telegram_id).expect("待办汇总", skipping=("三会一课提醒",))
        assert "思想汇报逾期未交" in digest.text and "张流动" in digest.text
        assert ("没有联系记录" in digest.text) == (telegram_id == LIAISON)
    await migrant.press("写思想汇报")
    await migrant.expect("超过截止时间")
    await migrant.send(REPORT)
    await migrant.expect("预览")
    await migrant.press("发送")
    await migrant.expect("已提交", kind="message")
    harness.at(at(27))
    assert await harness.sweep() == 1  # now November's 'before' reminder, nothing about October
    assert "2026年11月" in (await migrant.next_message()).text


async def test_a_liaison_who_links_later_is_told_at_the_next_sweep(store: Store, settings: Settings) -> None:
    """What is due is found through due times: a change (the liaison linking) is looked at by the next sweep."""
    await load_roster(store, SMALL_ROSTER)
    for telegram_id in (MIGRANT, SECRETARY):
        member = await store.members.by_telegram_id(telegram_id)
        assert member is not None
        await store.members.link(member.id, telegram_id)
    liaison = await store.members.by_telegram_id(LIAISON)
    assert liaison is not None
    assert await core.sweep(store, settings, at(27)) > 0
    assert not [k for k in await keys(store) + await digest_items(store) if f":{liaison.id}:" in k]
    await store.members.link(liaison.id, LIAISON)
    # the escalation and no contact, in the liaison's one digest
    assert await core.sweep(store, settings, at(27) + timedelta(minutes=1)) == 1
    assert f"digest:{liaison.id}:2026-11-27" in await keys(store)
    told = [k for k in await digest_items(store) if f":{liaison.id}:" in k]
    assert sorted(k.split(":")[0] for k in told) == ["contact", "report"]
