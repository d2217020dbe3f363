"""The daily digest (issue 12 §8): a secretary with many overdue members gets ONE message at 09:00, nothing
before; illness and hardship still go at once; an escalation goes into exactly one digest — after a restart
and a second sweep too; what is recorded after today's digest waits for tomorrow's; a long list stays within
Telegram's limit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.services import registry as core
from bot.services.kernel import digest, reminders
from bot.services.kernel.reminders import Due
from bot.store import Store
from bot.store.digest import DigestItem
from bot.store.outbox import Outgoing
from tests.support.db import open_store
from tests.support.harness import (
    LIAISON,
    MIGRANT,
    OTHER_SECRETARY,
    SECRETARY,
    SMALL_ROSTER,
    Harness,
    load_roster,
    make_settings,
)

TZ = ZoneInfo("Asia/Shanghai")
MANY = 30


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def roster(count: int, tmp_path: Path) -> Path:
    """The small roster and `count` more mobile members of 一村党支部 (李联络 their liaison), none linked,
    every one of them owing October's report since 1 November."""
    extra = "".join(
        f"流动党员{i:03d},一村党支部,流动党员党小组,流动,,{50000 + i},李联络,,monthly,2025-08-01,139{i:08d},\n"
        for i in range(count)
    )
    path = tmp_path / "many.csv"
    path.write_text(SMALL_ROSTER.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


async def outbox_keys(store: Store, like: str = "%") -> list[str]:
    return [r[0] for r in await store.db.fetchall("SELECT key FROM outbox WHERE key LIKE ? ORDER BY id", (like,))]


async def waiting(store: Store) -> int:
    """Escalations waiting for a digest. (These long-away migrants also owe their secretaries the six-month
    transfer reminder, issue 12 §5, a digest item of its own kind: not counted here.)"""
    row = await store.db.fetchone(
        "SELECT count(*) FROM digest_items WHERE digest_key IS NULL AND key NOT LIKE 'mobile:transfer:%'"
    )
    assert row is not None
    return int(row[0])


async def link(store: Store, *telegram_ids: int) -> dict[int, int]:
    ids = {}
    for telegram_id in telegram_ids:
        member = await store.members.by_telegram_id(telegram_id)
        assert member is not None
        await store.members.link(member.id, telegram_id)
        ids[telegram_id] = member.id
    return ids


# --- the grouping and the text ------------------------------------------------------------------------------


def item(i: int, kind: str, name: str, **params: str) -> DigestItem:
    return DigestItem(i, f"k{i}", 7, 1001, kind, name, dict(params))


def test_items_are_grouped_by_kind_in_order_with_names_and_counts() -> None:
    items = [
        item(1, digest.NO_CONTACT, "李四", days="45"),
        item(2, digest.REPORT_OVERDUE, "张三", period="2026年10月", deadline="2026-10-31 23:59"),
        item(3, digest.REPORT_OVERDUE, "Tom & <Jerry>", period="2026年10月", deadline="2026-10-31 23:59"),
    ]
    assert [(kind, [i.id for i in group]) for kind, group in digest.grouped(items)] == [
        (digest.REPORT_OVERDUE, [2, 3]),
        (digest.NO_CONTACT, [1]),
    ]
    text = digest.render("zh", date(2026, 11, 27), items)
    assert text.startswith("📋 <b>11月27日 待办汇总</b>\n有 3 件事需要您跟进：")
    assert (
        text.index("思想汇报逾期未交（2 份）")
        < text.index("· 张三：2026年10月")
        < text.index("30 天以上没有联系记录（1 人）")
    )
    assert "· Tom &amp; &lt;Jerry&gt;：2026年10月" in text  # names are escaped (the message is HTML)
    assert "· 李四：已 45 天" in text and "另有" not in text
    english = digest.render("en", date(2026, 11, 27), items)
    assert "Thought reports overdue (2)" in english and "No contact for 30 days or more (1)" in english


def test_a_kind_of_another_capability_comes_after_the_known_ones() -> None:
    items = [item(1, "zz.other", "甲"), item(2, digest.NO_CONTACT, "乙", days="31")]
    assert [kind for kind, _ in digest.grouped(items)] == [digest.NO_CONTACT, "zz.other"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_long_digest_stays_within_telegrams_limit_and_counts_the_rest(lang: str) -> None:
    items = [
        item(i, digest.REPORT_OVERDUE, f"很长的名字𠮷{i:04d}" * 3, period="2026年第三季度", deadline="2026-09-30 23:59")
        for i in range(300)
    ]  # 𠮷 counts two for Telegram
    items += [item(1000 + i, digest.NO_CONTACT, f"联系人{i}", days="400") for i in range(50)]
    text = digest.render(lang, date(2026, 11, 27), items)
    assert len(text.encode("utf-16-le")) // 2 <= digest.LIMIT
    shown = text.count("\n· ")
    assert 0 < shown < len(items)
    more = digest.render(lang, date(2026, 11, 27), items).rsplit("\n", 1)[1]
    assert str(len(items) - shown) in more and "/reports" in more
    assert "(300)" in text or "（300 份）" in text  # the group's title counts them all


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_only_the_items_whose_lines_are_shown_get_a_button(lang: str) -> None:
    """Found by review: the buttons were the first 20 of all items, some of them cut from the text by the limit."""
    day = date(2026, 11, 27)
    items = [item(i, digest.NO_CONTACT, f"联系人{i}", days="400") for i in range(60)]
    items += [
        item(100 + i, "mobile.digest_transfer", f"流动{i}", since="2026年1月", months="10", button=f"t:{i}")
        for i in range(5)
    ]
    shown_all = digest.buttons(lang, day, items)
    assert shown_all is not None and [row[0]["data"] for row in shown_all] == [f"t:{i}" for i in range(5)]

    limit = len(digest.render(lang, day, items[:62]).encode("utf-16-le")) // 2 + 40  # room for 流动0, 流动1 only
    text = digest.render(lang, day, items, limit)
    named = [i for i in range(5) if f"流动{i}" in text]
    assert named and len(named) < 5
    rows = digest.buttons(lang, day, items, limit)
    assert rows is not None and [row[0]["data"] for row in rows] == [f"t:{i}" for i in named]
    short = len(digest.render(lang, day, items[:60]).encode("utf-16-le")) // 2 + 10  # no transfer line fits
    assert "流动0" not in digest.render(lang, day, items, short) and digest.buttons(lang, day, items, short) is None


def test_digest_time_must_be_a_time() -> None:
    assert Settings(_env_file=None).digest_at.isoformat() == "09:00:00"  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Settings(_env_file=None, digest_time="9点")  # type: ignore[call-arg]


# --- through the real Application ---------------------------------------------------------------------------


async def test_a_secretary_with_many_overdue_members_gets_one_digest_at_nine(
    harness_factory: Any, tmp_path: Path
) -> None:
    harness: Harness = await harness_factory(load=False, quiet_hours="21:00-08:00")
    await load_roster(harness.store, roster(MANY, tmp_path))
    for telegram_id in (SECRETARY, LIAISON, OTHER_SECRETARY, MIGRANT):
        await harness.user(telegram_id).send("/start")
        await harness.user(telegram_id).next_message()
    secretary, liaison = harness.user(SECRETARY), harness.user(LIAISON)

    harness.at(at(27, 0, 30))  # quiet hours: nothing is looked at for the leaders
    await harness.sweep()
    harness.at(at(27, 8, 30))  # the escalations are recorded, but it is not nine yet
    await harness.sweep()
    await harness.settle()
    # secretary: MANY + 张流动; liaison: twice that (no contact too); 二村's secretary: 陈外出; and in the
    # last quarter each linked secretary's missing 谈心谈话 pairs (issue 26), and a 谈心谈话 prompt to the secretary
    # of each mobile member two report periods behind (MANY + 张流动, 陈外出)
    assert await waiting(harness.store) == 3 * (MANY + 1) + 1 + 2 + (MANY + 1) + 1
    assert await outbox_keys(harness.store, "digest:%") == []
    await harness.nothing_more(secretary)
    await harness.nothing_more(liaison)

    # hardship is urgent: it goes at once, before the digest
    harness.at(at(27, 8, 40))
    await harness.user(MIGRANT).send("/status hardship | | 家里老人住院")
    await harness.user(MIGRANT).expect("已告知", skipping=("思想汇报还没有提交",))  # his own reminder came first
    assert "生活困难" in (await secretary.expect("张流动")).text
    assert "生活困难" in (await liaison.expect("张流动")).text

    harness.at(at(27, 9, 0))
    assert await harness.sweep() == 3  # one digest each for the secretaries and the liaison
    told = await secretary.expect("待办汇总")
    # away since 2025-08-01, monthly: each owes the fifteen reports of August 2025 to October 2026, and the
    # title counts reports, not members (issue 23); the months away are counted too, not a fixed six
    owed = 15 * (MANY + 1)
    assert f"思想汇报逾期未交（{owed} 份）" in told.text and "没有联系记录" not in told.text
    assert "· 张流动：2025年8月至2026年10月共 15 份（截止 10月31日" in told.text
    assert "· 张流动：从 2025年8月1日（周五） 外出，已满 15 个月" in told.text
    assert told.labels()[0] == "办理转出：张流动" and len(told.labels()) == digest.BUTTONS_MAX  # 31 due, 20 shown
    assert all(f"流动党员{i:03d}" in told.text for i in range(MANY)) and "张流动" in told.text
    theirs = await liaison.expect("待办汇总")
    assert f"思想汇报逾期未交（{owed} 份）" in theirs.text
    assert f"30 天以上没有联系记录（{MANY + 1} 人）" in theirs.text
    other = await harness.user(OTHER_SECRETARY).expect("待办汇总")  # another branch: only their own member
    assert "陈外出" in other.text and "张流动" not in other.text and "流动党员000" not in other.text
    assert await waiting(harness.store) == 0

    # a second sweep, later the same day, sends nothing again
    harness.at(at(27, 9, 5))
    assert await harness.sweep() == 0
    harness.at(at(27, 15, 0))
    assert await harness.sweep() == 0
    await harness.settle()
    await harness.nothing_more(secretary)
    await harness.nothing_more(liaison)
    await harness.nothing_more(harness.user(OTHER_SECRETARY))
    assert not harness.emu.internal_errors


async def test_a_restart_between_recording_and_sending_loses_nothing_and_repeats_nothing(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "restart.sqlite3"
    first = await open_store(path)
    try:
        await load_roster(first, roster(5, tmp_path))
        ids = await link(first, SECRETARY, LIAISON)
        await core.sweep(first, settings, at(27, 8, 30))  # recorded, not sent
        # + the secretary's missing 谈心谈话 pairs, and a 谈心谈话 prompt for each of the six (issue 26)
        assert await waiting(first) == 18 + 1 + 6
    finally:
        await first.close()
    second = await open_store(path)
    try:
        assert await core.sweep(second, settings, at(27, 9, 1)) == 2
        assert await outbox_keys(second, "digest:%") == [
            f"digest:{ids[SECRETARY]}:2026-11-27",
            f"digest:{ids[LIAISON]}:2026-11-27",
        ]
        carried = await second.digest.carried_by(f"digest:{ids[SECRETARY]}:2026-11-27")
        assert len([k for k in carried if k.startswith("report:escalate:")]) == 6
        assert len([k for k in carried if k.startswith("mobile:transfer:")]) == 6  # six months away, too
        assert len(await second.digest.carried_by(f"digest:{ids[LIAISON]}:2026-11-27")) == 12
    finally:
        await second.close()
    third = await open_store(path)
    try:
        assert await core.sweep(third, settings, at(27, 9, 2)) == 0
        assert await core.sweep(third, settings, at(28, 9, 0)) == 0  # nothing new: no digest tomorrow
        # no escalation key was ever queued on its own
        assert await outbox_keys(third, "report:escalate:%") == [] and await outbox_keys(third, "contact:%") == []
    finally:
        await third.close()


async def test_what_comes_after_todays_digest_waits_for_tomorrows(store: Store, settings: Settings) -> None:
    """Another capability's source routes its items into the digest through `Due(digest=...)`."""
    await load_roster(store, SMALL_ROSTER)
    ids = await link(store, SECRETARY)
    opened: list[str] = []

    async def requests_open(_: Store, __: Settings, now: datetime) -> list[Due]:
        return [
            Due(
                Outgoing(
                    key=f"request:open:{ids[SECRETARY]}:{name}",
                    kind="alert",
                    member_id=ids[SECRETARY],
                    chat_id=SECRETARY,
                    text=f"{name}的诉求已 15 天未办结",
                ),
                digest=digest.entry(digest.NO_CONTACT, name, days=15),
            )
            for name in opened
        ]

    sources = (requests_open, digest.daily_digests)
    opened.append("甲")
    assert await reminders.sweep(store, settings, at(27, 9, 0), sources) == 1
    opened.append("乙")
    assert await reminders.sweep(store, settings, at(27, 12, 0), sources) == 0  # today's went: 乙 waits
    assert await waiting(store) == 1
    assert await reminders.sweep(store, settings, at(28, 8, 59), sources) == 0
    assert await reminders.sweep(store, settings, at(28, 9, 0), sources) == 1
    rows = await store.db.fetchall("SELECT key, text FROM outbox WHERE key LIKE 'digest:%' ORDER BY id")
    assert [r[0] for r in rows] == [f"digest:{ids[SECRETARY]}:2026-11-27", f"digest:{ids[SECRETARY]}:2026-11-28"]
    assert "甲" in rows[0][1] and "乙" not in rows[0][1]
    assert "乙" in rows[1][1] and "甲" not in rows[1][1]  # never repeated
    assert await reminders.sweep(store, settings, at(29, 9, 0), sources) == 0


async def test_an_escalation_already_sent_alone_is_not_gathered_again(store: Store, settings: Settings) -> None:
    """A database from before the digest: what went alone under a key is not recorded for a digest."""
    await load_roster(store, SMALL_ROSTER)
    ids = await link(store, SECRETARY, LIAISON)
    migrant = await store.members.by_telegram_id(MIGRANT)
    assert migrant is not None
    sent = f"report:escalate:{ids[SECRETARY]}:{migrant.id}:2026-10"
    await store.outbox.enqueue(
        [Outgoing(key=sent, kind="alert", chat_id=SECRETARY, text="旧的提醒", member_id=ids[SECRETARY])]
    )
    await core.sweep(store, settings, at(27, 10, 0))
    assert sent not in [r[0] for r in await store.db.fetchall("SELECT key FROM digest_items")]
    # nothing else about reports for them (their digest, if any, holds only the six-month transfer reminders)
    mine = await store.outbox.by_key(f"digest:{ids[SECRETARY]}:2026-11-27")
    assert mine is None or "思想汇报逾期未交" not in mine.text
    assert f"digest:{ids[LIAISON]}:2026-11-27" in await outbox_keys(store)


async def test_digest_time_setting_moves_the_digest(store: Store, tmp_path: Path, emulator: BotApiEmulator) -> None:
    await load_roster(store, SMALL_ROSTER)
    await link(store, SECRETARY, LIAISON)
    later = make_settings(tmp_path, emulator, digest_time="17:30")
    assert await core.sweep(store, later, at(27, 17, 29)) == 0
    assert await outbox_keys(store, "digest:%") == []
    assert await core.sweep(store, later, at(27, 17, 29) + timedelta(minutes=1)) == 2
