"""The nudge of the 20th (三会一课提醒): only on the 20th from 09:00, naming what is missing (the quarter's
and the year's in their last month), once per secretary and branch and month, also after a restart; held in
quiet hours; its button starts /notice with the type chosen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.services import registry as core
from bot.services.ledger.buttons import LedgerNotice
from bot.services.ledger.nudges import ledger_nudges
from bot.services.notices import common as notices
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import OTHER_SECRETARY, PLAIN, SECRETARY, SMALL_ROSTER, Harness, load_roster, make_settings
from tests.support.ledger import at, meeting


async def link(store: Store, *telegram_ids: int) -> None:
    for telegram_id in telegram_ids:
        member = await store.members.by_telegram_id(telegram_id)
        assert member is not None
        await store.members.link(member.id, telegram_id)


async def nudge_keys(store: Store) -> list[str]:
    return [r[0] for r in await store.db.fetchall("SELECT key FROM outbox WHERE kind = 'ledger' ORDER BY id")]


@pytest.fixture
async def roster(store: Store) -> AsyncIterator[Store]:
    await load_roster(store, SMALL_ROSTER)
    await link(store, SECRETARY, OTHER_SECRETARY)
    yield store


async def test_only_on_the_20th_from_nine(roster: Store, settings: Settings) -> None:
    for moment in (at(11, 19, 12), at(11, 20, 8, minute=59), at(11, 21, 9), at(11, 1, 9)):
        assert await ledger_nudges(roster, settings, moment) == []
    due = await ledger_nudges(roster, settings, at(11, 20, 9))
    assert sorted(d.message.chat_id for d in due) == [SECRETARY, OTHER_SECRETARY]


async def test_names_what_is_missing_this_month_only_in_a_middle_month(roster: Store, settings: Settings) -> None:
    await meeting(roster, "一村党支部", "committee", at(11, 3))
    await meeting(roster, "一组", "group", at(11, 5))
    due = {d.message.chat_id: d.message for d in await ledger_nudges(roster, settings, at(11, 20, 10))}
    text = due[SECRETARY].text
    assert "一村党支部" in text and "11月还没开：党小组会（流动党员党小组）1 次、主题党日 1 次" in text
    assert "支委会" not in text and "季度" not in text and "今年" not in text
    labels = [b["text"] for row in due[SECRETARY].buttons or [] for b in row]
    assert labels == ["发党小组会通知", "发主题党日通知"]
    assert "11月还没开：支委会 1 次、主题党日 1 次" in due[OTHER_SECRETARY].text


async def test_the_last_month_of_a_quarter_and_of_the_year_names_them_too(roster: Store, settings: Settings) -> None:
    await meeting(roster, "一村党支部", "general", at(10, 9), present=4)  # 4 of 6 with a vote: a quorum
    due = {d.message.chat_id: d.message for d in await ledger_nudges(roster, settings, at(12, 20, 9))}
    text = due[SECRETARY].text
    assert "第四季度还差：党课 1 次" in text and "支部党员大会" not in text.split("第四季度")[1]
    assert "今年还差：组织生活会 1 次" in text
    # 组织生活会 gets a button once /notice offers it
    labels = [b["text"] for row in due[SECRETARY].buttons or [] for b in row]
    assert ("发组织生活会通知" in labels) == ("life" in notices.KINDS)


async def test_a_branch_that_held_everything_gets_nothing(roster: Store, settings: Settings) -> None:
    for unit, kind in (("二村党支部", "committee"), ("二村党支部", "partyday")):
        await meeting(roster, unit, kind, at(11, 10))
    due = await ledger_nudges(roster, settings, at(11, 20, 9))
    assert [d.message.chat_id for d in due] == [SECRETARY]


async def test_counts_set_in_settings(roster: Store, tmp_path: Path, emulator: BotApiEmulator) -> None:
    relaxed = make_settings(tmp_path, emulator, ledger_required="general=1/quarter,committee=0/month")
    assert await ledger_nudges(roster, relaxed, at(11, 20, 9)) == []  # Q4's last month is December
    due = await ledger_nudges(roster, relaxed, at(12, 20, 9))
    assert all("第四季度还差：支部党员大会 1 次" in d.message.text for d in due) and len(due) == 2


async def test_sent_once_and_never_again_after_a_restart(tmp_path: Path, settings: Settings) -> None:
    first = await open_store(tmp_path / "n.sqlite3")
    try:
        await load_roster(first, SMALL_ROSTER)
        await link(first, SECRETARY, OTHER_SECRETARY)
        await core.sweep(first, settings, at(11, 20, 9))
        assert len(await nudge_keys(first)) == 2
        await core.sweep(first, settings, at(11, 20, 9, minute=1))
        assert len(await nudge_keys(first)) == 2
    finally:
        await first.close()
    second = await open_store(tmp_path / "n.sqlite3")
    try:
        await core.sweep(second, settings, at(11, 20, 15))
        keys = await nudge_keys(second)
        assert len(keys) == 2 and all(k.startswith("ledger:") and k.endswith(":2026-11") for k in keys)
        await core.sweep(second, settings, at(12, 20, 9))  # next month: a new nudge each
        assert len(await nudge_keys(second)) == 4
    finally:
        await second.close()


async def test_quiet_hours_hold_the_nudge(roster: Store, tmp_path: Path, emulator: BotApiEmulator) -> None:
    quiet = make_settings(tmp_path, emulator, quiet_hours="08:00-10:00")
    await core.sweep(roster, quiet, at(11, 20, 9))
    assert await nudge_keys(roster) == []
    await core.sweep(roster, quiet, at(11, 20, 10))
    assert len(await nudge_keys(roster)) == 2


async def test_the_nudge_reaches_the_secretary_and_its_button_starts_the_notice(harness: Harness) -> None:
    for telegram_id in (SECRETARY, OTHER_SECRETARY):
        await harness.user(telegram_id).send("/start")
        await harness.user(telegram_id).next_message()
    harness.at(at(11, 20, 9))
    await harness.sweep()
    assert len(await nudge_keys(harness.store)) == 2
    other = harness.user(OTHER_SECRETARY)
    nudge = await other.expect("三会一课提醒", skipping=("思想汇报",))  # 陈外出's report is overdue too
    assert "二村党支部" in nudge.text and "支委会 1 次" in nudge.text
    assert nudge.labels() == ["发支委会通知", "发主题党日通知"]
    await other.press("发支委会通知")  # 孙书记 manages one unit: the notice asks for the time at once
    await other.expect("请发送会议时间", skipping=("思想汇报",))
    await other.send("2026-11-25 15:00")
    await other.expect("地点", skipping=("思想汇报",))  # the digest of 陈外出's report, paced, may come only now
    await harness.sweep()
    assert len(await nudge_keys(harness.store)) == 2  # the nudge is not repeated
    await harness.nothing_more(other)


async def test_a_secretary_of_several_units_is_asked_which_and_others_are_refused(harness: Harness) -> None:
    for telegram_id in (SECRETARY, PLAIN):
        await harness.user(telegram_id).send("/start")
        await harness.user(telegram_id).next_message()
    harness.at(at(11, 20, 9))
    await harness.sweep()
    secretary = harness.user(SECRETARY)
    nudge = await secretary.expect("三会一课提醒", skipping=("思想汇报", "联系"))
    assert "党小组会（一组）1 次" in nudge.text and "党小组会（流动党员党小组）1 次" in nudge.text
    await secretary.press("发主题党日通知")  # 王书记 manages 一村 and its two groups
    await secretary.expect("发给哪个组织", skipping=("思想汇报", "联系"))
    plain = harness.user(PLAIN)
    await plain.press_data(LedgerNotice("committee").pack())  # forged on their own chat
    assert "只有党组织书记或党小组长可以使用" in (await plain.next_message(kind=("alert", "message"))).text
