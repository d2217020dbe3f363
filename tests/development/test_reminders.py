"""发展党员 timers through the sweep (issue 24), on a Store without the Application: the one-month talk, the
half-yearly 考察, 上级党委审批 over three months and the 转正 application a month before the 预备期 ends — each
to the branch secretary once, in the daily digest, never before its window, and not again after a restart."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.rights import Actor
from bot.services import registry as core
from bot.services.development.register import development_command
from bot.services.kernel.deps import Deps
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import SECRETARY, SMALL_ROSTER, load_roster

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TZ)


async def keys(store: Store) -> list[str]:
    """The reminders recorded: none is urgent, so each is an item of the daily digest, never a message alone."""
    alone = await store.db.fetchall("SELECT key FROM outbox WHERE key LIKE 'development:%'")
    assert alone == []
    rows = await store.db.fetchall("SELECT key FROM digest_items WHERE key LIKE 'development:%' ORDER BY id")
    return [r["key"] for r in rows]


async def secretary(store: Store) -> Actor:
    [member] = await store.members.named("王书记")
    await store.members.link(member.id, SECRETARY)
    linked = await store.members.get(member.id)
    assert linked is not None
    return Actor(SECRETARY, linked)


async def record(store: Store, settings: Settings, person: Actor, day: str, line: str) -> None:
    result = await development_command(Deps(store, settings), Call(person, at(day), "zh"), f"王小明 | {line}")
    assert result.replies and (result.replies[0].html or "").startswith("已登记"), result


async def test_each_timer_once_in_its_window_and_after_a_restart(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "d.sqlite3"
    store = await open_store(path)
    try:
        await load_roster(store, SMALL_ROSTER)
        me = await secretary(store)
        sid = me.member.id if me.member else 0
        await record(store, settings, me, "2026-03-02", "入党申请 | 2026-03-02 | 出生 2001-05-16")
        [person] = await store.development.in_units(None)
        pid = person.id
        await core.sweep(store, settings, at("2026-03-25"))  # the talk is due 04-02: the window opens 03-26
        assert await keys(store) == []
        await core.sweep(store, settings, at("2026-03-26"))
        assert await keys(store) == [f"development:talk:{pid}:2026-04-02:{sid}"]
        row = await store.db.fetchone("SELECT text FROM digest_items WHERE key LIKE 'development:talk:%'")
        assert row is not None and "王小明" in row[0] and "2001-05-16" not in row[0]
        digest = await store.outbox.by_key(f"digest:{sid}:2026-03-26")  # the day's digest carries it, one line
        assert digest is not None and "发展党员要办的事（1 件）" in digest.text
        assert "王小明（一村党支部）：4月2日（周四） 前要派人谈话" in digest.text and "2001-05-16" not in digest.text
        await core.sweep(store, settings, at("2026-04-20"))  # late now: still the same one, not repeated
        assert len(await keys(store)) == 1
        await record(store, settings, me, "2026-04-20", "谈话 | 2026-04-20")
        await record(store, settings, me, "2026-04-21", "积极分子 | 2026-04-21 | 李联络")
    finally:
        await store.close()
    store = await open_store(path)  # a restart
    try:
        me = await secretary(store)
        await core.sweep(store, settings, at("2026-04-22"))
        assert len(await keys(store)) == 1
        await core.sweep(store, settings, at("2026-10-13"))  # 考察 due 10-21: a week before, not earlier
        assert len(await keys(store)) == 1
        await core.sweep(store, settings, at("2026-10-14"))
        assert (await keys(store))[1:] == [f"development:review:{pid}:2026-10-21:{sid}"]
        await record(store, settings, me, "2026-10-20", "考察 | 2026-10-20 | 表现良好")
        await core.sweep(store, settings, at("2026-10-21"))  # the next 考察 is 2027-04-20
        assert len(await keys(store)) == 2
        await record(store, settings, me, "2027-04-21", "发展对象 | 2027-04-21 | 李联络、赵巡逻")
        await record(store, settings, me, "2027-05-01", "政审 | 2027-05-01 | 合格")
        await record(store, settings, me, "2027-05-10", "培训 | 2027-05-10 | 3天")
        await record(store, settings, me, "2027-06-01", "支部大会 | 2027-06-01 | 应到5 实到4 赞成4")
        await core.sweep(store, settings, at("2027-09-01"))  # three months end 09-01: not late yet
        assert len(await keys(store)) == 2
        await core.sweep(store, settings, at("2027-09-02"))
        assert (await keys(store))[2:] == [f"development:approval:{pid}:2027-09-01:{sid}"]
        await record(store, settings, me, "2027-09-05", "审批 | 2027-09-05")
        await core.sweep(store, settings, at("2028-04-30"))  # 预备期 ends 2028-06-01; a month before is 05-01
        assert [k.split(":")[1] for k in await keys(store)] == ["talk", "review", "approval", "review"]
        await core.sweep(store, settings, at("2028-05-01"))
        assert (await keys(store))[-1] == f"development:probation:{pid}:2028-06-01:{sid}"
        count = len(await keys(store))
        await core.sweep(store, settings, at("2028-05-02"))
        assert len(await keys(store)) == count
    finally:
        await store.close()
