"""Issue 16 item 3: where people are in multi-step commands survives a restart of the real process — the
/notice draft, a /report, a /status, a pending leave reason, a /patrol half done — and the buttons of the
last prompt still work. Kept as JSON in SQLite (bot/runtime/persistence.py)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.drafts import DraftRefused
from bot.emulator import BotApiEmulator, EmuUser
from bot.runtime.persistence import SqlitePersistence, UnstorableValue, decode, dump_user_data, encode, load_user_data
from bot.services.duty.flow import Draft as DutyDraft
from bot.services.members.roster import apply_roster, parse_roster
from bot.services.notices.attendance import LeaveReason
from bot.services.notices.compose import NoticeDraft
from bot.services.reports.status_steps import StatusDraft
from bot.services.reports.write import ReportDraft
from bot.store import Store
from tests.support.db import open_store
from tests.support.faults import BotProcess, messages_with, until
from tests.support.harness import SMALL_ROSTER

#: The bot talks to the emulator over HTTP (a webhook, a process of its own, network faults).
pytestmark = [pytest.mark.http, pytest.mark.slow]  # slow: the bot as a process of its own, killed and restarted

SECRETARY, COMMUNITY_SECRETARY, LIAISON, MIGRANT, PATROL = 1001, 3001, 1002, 1003, 1004
REPORT = "本季度在外务工期间，我坚持学习党的二十大精神，按时参加线上组织生活，遵守党的纪律。"


def test_drafts_round_trip_as_json() -> None:
    when = datetime(2026, 12, 10, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    kept = [
        NoticeDraft(kind="lecture", unit_id=3, starts_at=when, preview="a1b2"),
        ReportDraft(period="2026-Q4", ask="report.ask", deadline="2026-12-31", text=REPORT),
        StatusDraft(state="ill", location=None),
        DutyDraft(post="mediation", followup_on=date(2026, 12, 3), kind="邻里"),
        LeaveReason(notice_id=17),
    ]
    drafts = {draft.flow_name(): draft for draft in kept}
    text = dump_user_data(drafts)
    assert text is not None and "pickle" not in text
    json.loads(text)  # plain JSON
    assert load_user_data(text) == drafts


def test_only_our_own_drafts_are_stored() -> None:
    with pytest.raises(UnstorableValue):
        encode(object())
    with pytest.raises(UnstorableValue):
        encode(Path("/etc/passwd"))
    with pytest.raises(DraftRefused):  # a stored name outside our drafts is never imported
        decode("x", {"$data": "os:system", "fields": {}})
    kept = dump_user_data({"good": StatusDraft(state="ill"), "bad": object()})
    assert kept is not None and list(json.loads(kept)) == ["good"]
    # a draft type renamed since it was stored: dropped (the step starts over), the rest kept
    stale = json.dumps({"x": {"$data": "bot.services.reports.status_steps:Gone", "fields": {}}, **json.loads(kept)})
    assert load_user_data(stale) == {"reports.status": StatusDraft(state="ill")}


async def test_the_store_keeps_states_and_data_and_forgets_ended_ones(store: Store) -> None:
    persistence = SqlitePersistence(store, timeouts={"duty": 1800})
    await persistence.update_conversation("status", (5, 5), 2)
    await persistence.update_conversation("duty", (5, 5), 4)
    await persistence.update_user_data(5, {"reports.status": StatusDraft(state="ill")})
    await persistence.update_user_data(6, {})
    again = SqlitePersistence(store, timeouts={"duty": 1800})
    assert await again.get_conversations("status") == {(5, 5): 2}
    assert await again.get_conversations("duty") == {(5, 5): 4}
    assert await again.get_user_data() == {5: {"reports.status": StatusDraft(state="ill")}}
    # a duty step idle for longer than its time-out is not brought back (PTB keeps no time-out job)
    old = (datetime.now(ZoneInfo("UTC")) - timedelta(hours=1)).isoformat(timespec="seconds")
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE conversation_states SET updated_at = ? WHERE name = 'duty'", (old,))
    assert await again.get_conversations("duty") == {}
    await persistence.update_conversation("status", (5, 5), None)
    await persistence.update_user_data(5, {})
    assert await again.get_conversations("status") == {} and await again.get_user_data() == {}


async def community(db_path: Path, emu: BotApiEmulator) -> dict[int, EmuUser]:
    store = await open_store(db_path)
    try:
        rows, errors = parse_roster(SMALL_ROSTER.read_text("utf-8"))
        assert not errors
        await apply_roster(store, rows, "测试社区党委")
        users = {}
        for member in await store.members.all():
            if member.telegram_id is None:
                continue
            await store.members.link(member.id, member.telegram_id)
            user = emu.add_user(member.telegram_id, member.name)
            user.started = True
            users[member.telegram_id] = user
        return users
    finally:
        await store.close()


async def halfway(users: dict[int, EmuUser], when: str) -> None:
    """Five people each stop in the middle of a different conversation."""
    secretary = users[SECRETARY]  # publishes a notice, so that the liaison can ask for leave
    await secretary.send(f"/notice 党课 | {when} | 村委会会议室 | 学习党章 | 一村党支部")
    await secretary.press("发送", await secretary.expect("预览", timeout=10))
    await until(lambda: messages_with(secretary, "通知发送完毕"), within=20)
    for telegram_id, user in users.items():
        if telegram_id != LIAISON:
            user.drain()  # the notice and its summary: every copy was sent before the summary
    liaison = users[LIAISON]
    await liaison.press("请假", await liaison.expect("学习党章", timeout=10))
    await liaison.expect("请回复请假原因", kind="message")

    drafting = users[COMMUNITY_SECRETARY]
    await drafting.send("/notice")
    await drafting.press("党课", await drafting.expect("会议类型"))
    await drafting.press("一村党支部", await drafting.expect("哪个组织", kind="message"))
    await drafting.expect("会议时间", kind="message")
    await drafting.send(when)
    await drafting.expect("会议地点")

    migrant = users[MIGRANT]
    await migrant.send("/report")
    await migrant.expect("思想汇报")

    member = users[2002]
    await member.send("/status")
    await member.press("生病", await member.expect("请选择"))
    await member.expect("补充")

    patrol = users[PATROL]
    await patrol.send("/patrol")
    await patrol.expect("第 1 步")
    await patrol.send("2号楼周边")
    await patrol.expect("第 2 步")


async def carry_on(users: dict[int, EmuUser]) -> None:
    """After the restart each goes on where they were, and the last prompt's buttons still work."""
    liaison = users[LIAISON]
    await liaison.send("家里老人住院")
    await liaison.expect("已请假", kind="message", timeout=10)

    drafting = users[COMMUNITY_SECRETARY]
    await drafting.send("社区党群服务中心")
    await drafting.expect("请发送", timeout=10)  # the topic is asked next: the draft went on

    migrant = users[MIGRANT]
    await migrant.send(REPORT)
    await migrant.expect("预览", timeout=10)

    member = users[2002]
    skip = [m for m in member.received if "补充" in m.text and m.buttons][-1]
    await member.press("跳过", skip)  # a button of the prompt sent before the restart
    await member.expect("已报备：生病", timeout=10)

    patrol = users[PATROL]
    await patrol.send("90")
    await patrol.expect("第 3 步", timeout=10)


def meeting_time() -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=5)).strftime("%Y-%m-%d 15:00")


@pytest.mark.timeout(120)
async def test_a_restart_of_the_process_mid_conversation_loses_nothing(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    users = await community(tmp_path / "db.sqlite3", emulator)
    bot = BotProcess(tmp_path / "db.sqlite3", emulator, PERSISTENCE_SECONDS="60")
    await bot.start()
    try:
        await halfway(users, meeting_time())
        await bot.stop()  # SIGTERM: a normal stop writes what changed since the last save (here: everything)
        await bot.start()
        await carry_on(users)
    finally:
        await bot.stop()


@pytest.mark.timeout(120)
async def test_a_crash_loses_at_most_the_last_seconds(tmp_path: Path, emulator: BotApiEmulator) -> None:
    """SIGKILL once the periodic save has run (waited for as a row in the database, never for a time)."""
    db_path = tmp_path / "db.sqlite3"
    users = await community(db_path, emulator)
    bot = BotProcess(db_path, emulator, PERSISTENCE_SECONDS="0.5")
    await bot.start()
    try:
        await halfway(users, meeting_time())
        store = await open_store(db_path)
        try:

            async def saved() -> bool:
                """Every conversation's row and each draft's latest step (not only an earlier save)."""
                rows = await store.db.fetchall("SELECT name FROM conversation_states")
                data = {r[0]: r[1] for r in await store.db.fetchall("SELECT user_id, data FROM conversation_user_data")}
                return (
                    {r[0] for r in rows} >= {"notice", "notice-leave", "report", "status", "duty"}
                    and "2号楼周边" in data.get(PATROL, "")
                    and '"ill"' in data.get(2002, "")
                    and "starts_at" in data.get(COMMUNITY_SECRETARY, "")
                )

            await until(saved, within=20)
        finally:
            await store.close()
        await bot.kill()
        await bot.start()
        await carry_on(users)
    finally:
        await bot.stop()
