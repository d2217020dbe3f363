"""Reminders of 党员联户 and 民情诉求: one weekly message per member listing the households not visited for
VISIT_REMINDER_DAYS, a request open 7 days reminds its handler once, 15 days tells the branch secretary once —
never twice, also after a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.rights import Actor
from bot.emulator import BotApiEmulator
from bot.services import registry as core
from bot.services.households.buttons import RequestAct
from bot.services.households.due import week_label
from bot.services.households.requests import log_request
from bot.services.households.requests_flow import act, complete
from bot.services.kernel.deps import Deps
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import LIAISON, PATROL, SECRETARY, SMALL_ROSTER, Harness, load_roster, make_settings
from tests.support.households import link, load_households


async def gathered(store: Store, prefix: str) -> list[str]:
    """Keys recorded for a daily digest."""
    rows = await store.db.fetchall("SELECT key FROM digest_items WHERE key LIKE ? ORDER BY id", (prefix + "%",))
    return [r[0] for r in rows]


async def keys(store: Store, prefix: str) -> list[str]:
    rows = await store.db.fetchall("SELECT key FROM outbox WHERE key LIKE ? ORDER BY id", (prefix + "%",))
    return [r[0] for r in rows]


async def actor(store: Store, telegram_id: int) -> Actor:
    return Actor(telegram_id, await store.members.by_telegram_id(telegram_id))


async def prepared(path: Path) -> Store:
    store = await open_store(path)
    await load_roster(store, SMALL_ROSTER)
    await load_households(store)
    await link(store, LIAISON, SECRETARY)
    return store


async def test_one_weekly_visit_reminder_per_member_also_after_a_restart(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "v.sqlite3"
    store = await prepared(path)
    # 10:00 in Shanghai today, whatever the hour the test runs at: the weekly message's moment of the day is passed
    # at every sweep below (the households were listed just now, by the real clock)
    today = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    later = today + timedelta(days=100)
    liaison = await store.members.by_telegram_id(LIAISON)
    assert liaison is not None
    try:
        await core.sweep(store, settings, today + timedelta(days=80))
        assert await keys(store, "visit:") == []  # not yet
        await core.sweep(store, settings, later)
        assert await keys(store, "visit:") == [f"visit:week:{liaison.id}:{week_label(later, settings)}"]
        text = (await store.db.fetchone("SELECT text FROM outbox WHERE key LIKE 'visit:%'"))[0]  # type: ignore[index]
        assert "有 2 户超过 90 天没有走访" in text and "李大爷（1号楼1单元101）" in text and "王奶奶" in text
        await core.sweep(store, settings, later + timedelta(hours=1))
        assert len(await keys(store, "visit:")) == 1
    finally:
        await store.close()
    store = await open_store(path)
    try:
        await core.sweep(store, settings, later + timedelta(hours=2))
        assert len(await keys(store, "visit:")) == 1  # restarted: nothing again
        next_week = later + timedelta(days=7)
        await core.sweep(store, settings, next_week)
        assert len(await keys(store, "visit:")) == 2  # the next week's one message
        household = (await store.households.headed("李大爷"))[0]
        other = (await store.households.headed("王奶奶"))[0]
        async with store.unit_of_work() as uow:
            for h in (household, other):
                await uow.households.add_visit(h.id, liaison.id, "都好", next_week, next_week.date())
        await core.sweep(store, settings, next_week + timedelta(days=7))
        assert len(await keys(store, "visit:")) == 2  # all visited: nothing the week after
        patrol = await store.members.by_telegram_id(PATROL)
        assert patrol is not None and not any(f":{patrol.id}:" in k for k in await keys(store, "visit:"))  # unlinked
    finally:
        await store.close()


async def test_request_reminds_its_handler_at_7_days_and_the_secretary_at_15(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "r.sqlite3"
    store = await prepared(path)
    # 10:00 in Shanghai today: the checks an hour after a whole number of days stay on the same local date
    start = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    secretary = await store.members.by_telegram_id(SECRETARY)
    assert secretary is not None
    try:
        member = await actor(store, LIAISON)
        deps = Deps(store, settings)
        await log_request(deps, Call(member, start, "zh"), "李大爷 | 楼道灯坏了")
        await log_request(deps, Call(member, start, "zh"), "王奶奶 | 想要上门送药")
        acted = await act(deps, Call(member, start + timedelta(days=1), "zh"), RequestAct(2, "resolve"))
        assert acted.pending is not None
        await complete(deps, Call(member, start + timedelta(days=1), "zh"), acted.pending, "社区医生已送药")
        await core.sweep(store, settings, start + timedelta(days=6))
        assert await keys(store, "request:remind") == []
        await core.sweep(store, settings, start + timedelta(days=7, hours=1))
        assert await keys(store, "request:") == ["request:remind:1"]  # the resolved one: nothing
        await core.sweep(store, settings, start + timedelta(days=7, hours=2))
        assert await keys(store, "request:") == ["request:remind:1"]
    finally:
        await store.close()
    store = await open_store(path)
    try:
        await core.sweep(store, settings, start + timedelta(days=8))
        assert await keys(store, "request:") == ["request:remind:1"]  # restarted: nothing again
        await core.sweep(store, settings, start + timedelta(days=15, hours=1))
        assert await keys(store, "request:") == ["request:remind:1"]
        # the secretary's part goes into their daily digest (not urgent): recorded once, listed in the digest
        assert await gathered(store, "request:escalate") == [f"request:escalate:1:{secretary.id}"]

        def digest_key(moment: datetime) -> str:
            return f"digest:{secretary.id}:{moment.astimezone(settings.tz).date()}"

        digest = await store.outbox.by_key(digest_key(start + timedelta(days=15, hours=1)))
        if digest is None:  # recorded before DIGEST_TIME: in the next day's digest
            await core.sweep(store, settings, start + timedelta(days=16, hours=1))
            digest = await store.outbox.by_key(digest_key(start + timedelta(days=16, hours=1)))
        assert digest is not None
        assert "民情诉求超过 15 天未办结" in digest.text and "#1 李大爷" in digest.text and "李联络" in digest.text
        await core.sweep(store, settings, start + timedelta(days=17))
        assert await gathered(store, "request:escalate") == [f"request:escalate:1:{secretary.id}"]
    finally:
        await store.close()


async def test_the_weekly_reminder_reaches_the_member(harness: Harness) -> None:
    await load_households(harness.store)
    member = harness.user(LIAISON)
    await member.send("/start")
    await member.next_message()
    harness.at(datetime.now(UTC) + timedelta(days=95))
    await harness.sweep()
    reminder = await member.expect("走访提醒", skipping=("思想汇报", "联系"))  # the liaison's other reminders
    assert "李大爷" in reminder.text and "/visit" in reminder.text
    await harness.sweep()
    assert len(await keys(harness.store, "visit:")) == 1


async def test_quiet_hours_hold_the_weekly_reminder_till_morning(tmp_path: Path, emulator: BotApiEmulator) -> None:
    quiet = make_settings(tmp_path, emulator, quiet_hours="21:00-08:00")
    store = await prepared(tmp_path / "q.sqlite3")
    try:
        night = (datetime.now(quiet.tz) + timedelta(days=100)).replace(hour=23, minute=0)
        await core.sweep(store, quiet, night)
        assert await keys(store, "visit:") == []
        await core.sweep(store, quiet, night + timedelta(hours=9, minutes=30))  # 08:30
        assert len(await keys(store, "visit:")) == 1
    finally:
        await store.close()
