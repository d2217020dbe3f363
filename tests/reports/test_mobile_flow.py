"""Going away is noticed (issue 12, item 5), through the emulator: a member who is not mobile reports 外出务工,
is asked whether for more than a month; on yes their branch secretary gets one message with a button to
register them as a mobile member, chooses the liaison with buttons, and the member becomes mobile from
that day with REPORT_CADENCE_DEFAULT. Six months later the secretary is reminded once to consider
组织关系转接. Refusals: another branch's secretary, a plain member, forged and stale buttons."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.domain import periods
from bot.emulator import EmuUser
from bot.services import registry as core
from bot.services.members.roster import parse_roster
from bot.services.reports.buttons import MobileLiaison, MobileRegister, StatusLong
from tests.support.db import open_store
from tests.support.harness import (
    MIGRANT,
    OTHER_LIAISON,
    OTHER_SECRETARY,
    PLAIN,
    SECRETARY,
    SMALL_ROSTER,
    Harness,
    load_roster,
)

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, tzinfo=TZ)


async def started(harness: Harness, *ids: int, lang: str = "zh") -> list[EmuUser]:
    users = []
    for telegram_id in ids:
        user = harness.user(telegram_id, lang=lang)
        await user.send("/start")
        await user.next_message()
        users.append(user)
    return users


async def member_row(harness: Harness, telegram_id: int) -> tuple[str, str | None, str | None, int | None]:
    row = await harness.store.db.fetchone(
        "SELECT category, report_cadence, migrant_since, liaison_id FROM members WHERE telegram_id = ?", (telegram_id,)
    )
    assert row is not None
    return row[0], row[1], row[2], row[3]


async def member_id(harness: Harness, telegram_id: int) -> int:
    member = await harness.store.members.by_telegram_id(telegram_id)
    assert member is not None
    return member.id


SENT_OR_GATHERED = (
    "SELECT key FROM outbox WHERE key LIKE ? UNION ALL "
    "SELECT key FROM digest_items WHERE key LIKE ?"
)  # the transfer reminder is a digest item


async def keys_like(harness: Harness, pattern: str) -> list[str]:
    return [r[0] for r in await harness.store.db.fetchall(SENT_OR_GATHERED, (pattern, pattern))]


async def test_away_for_more_than_a_month_the_secretary_registers_a_mobile_member(harness: Harness) -> None:
    harness.at(T0)
    member, secretary, liaison = await started(harness, PLAIN, OTHER_SECRETARY, OTHER_LIAISON)
    before = await member_row(harness, PLAIN)
    await member.send("/status away_work | 广东东莞 | 电子厂上班")
    await member.expect("已报备：外出务工")
    asked = await member.expect("超过一个月")
    assert asked.labels() == ["会，超过一个月", "不会"]
    await member.press("会，超过一个月")
    await member.expect("已告诉支部书记", kind="message")

    proposal = await secretary.expect("周普通")
    assert "外出务工（广东东莞）" in proposal.text and "流动党员" in proposal.text and "每季度" in proposal.text
    assert proposal.labels() == ["登记为流动党员"]
    # a second press of Yes (the buttons went; a stale copy) sends the secretary nothing more
    await member.press_data(asked.button("会").callback_data or "", asked)
    await member.next_message(kind=("message", "alert"))
    await harness.nothing_more(secretary)
    assert len(await keys_like(harness, "mobile:propose:%")) == 1
    assert await member_row(harness, PLAIN) == before  # nothing changes until the secretary registers

    await secretary.press("登记为流动党员")
    choice = await secretary.expect("请为流动党员 周普通 选一位联系人", kind="message")
    assert choice.labels()[0] == "冯联络" and choice.labels()[-1] == "暂不指定"
    assert "周普通" not in choice.labels()
    await secretary.press("冯联络", choice)
    done = await secretary.expect("已把 周普通 登记为流动党员", kind="message")
    assert "外出时间 11月10日（周二）" in done.text and "每季度" in done.text and "联系人：冯联络" in done.text
    assert "外出时间 11月10日（周二）" in (await member.expect("支部已把您登记为流动党员")).text
    assert "周普通" in (await liaison.expect("请您联系流动党员")).text
    category, cadence, since, liaison_id = await member_row(harness, PLAIN)
    assert (category, cadence, since, liaison_id) == (
        "migrant",
        "quarterly",
        "2026-11-10",
        await member_id(harness, OTHER_LIAISON),
    )
    # registered once: the button again, or the old choice, says so and changes nothing
    await secretary.press("登记为流动党员", proposal)
    assert "已经登记为流动党员" in (await secretary.next_message(kind="alert")).text
    await secretary.press_data(MobileLiaison(await member_id(harness, PLAIN), 0).pack(), choice)  # buttons went
    assert "已经登记为流动党员" in (await secretary.next_message(kind="alert")).text
    assert (await member_row(harness, PLAIN))[3] == await member_id(harness, OTHER_LIAISON)

    # a mobile member going away again is not asked
    await member.send("/status away_business | 浙江义乌")
    await member.expect("已报备：外出经商")
    await harness.nothing_more(member)
    # a mobile member's report now has a deadline (the current quarter's)
    await member.send("/report")
    assert "截止时间 12月31日（周四）晚上11:59" in (await member.expect("思想汇报")).text


async def test_not_for_long_nobody_is_told(harness: Harness) -> None:
    harness.at(T0)
    member, secretary = await started(harness, PLAIN, OTHER_SECRETARY)
    await member.send("/status")
    await member.press("外出经商", await member.expect("情况"))
    await member.expect("在哪里", kind="message")
    await member.send("县城")
    await member.press("跳过", await member.expect("补充"))
    await member.expect("已报备：外出经商", kind="message")
    await member.press("不会", await member.expect("超过一个月", kind="message"))
    await member.expect("一路平安", kind="message")
    await harness.nothing_more(secretary)
    assert await keys_like(harness, "mobile:%") == []
    # other states ask nothing
    await member.send("/status study | 武汉")
    await member.expect("已报备：外出求学")
    await harness.nothing_more(member)


async def test_in_english(harness: Harness) -> None:
    harness.at(T0)
    member, secretary = await started(harness, PLAIN, OTHER_SECRETARY, lang="en")
    for telegram_id in (PLAIN, OTHER_SECRETARY):  # messages queued for them are in the language they chose
        await harness.store.members.set_language(await member_id(harness, telegram_id), "en")
    await member.send("/status away_work | Dongguan")
    await member.expect("Working away")
    await member.press("Yes, more than a month", await member.expect("more than a month"))
    await member.expect("secretary has been told", kind="message")
    await secretary.press("Register as mobile member", await secretary.expect("every quarter"))
    await secretary.press("None for now", await secretary.expect("Choose a liaison", kind="message"))
    done = await secretary.expect("registered as a mobile member", kind="message")
    assert "liaison: none" in done.text
    assert "every quarter" in (await member.expect("registered you as a mobile member")).text


async def test_only_a_secretary_of_the_branch_may_register(harness: Harness) -> None:
    harness.at(T0)
    member, other_secretary, plain_member = await started(harness, PLAIN, SECRETARY, MIGRANT)
    target = await member_id(harness, PLAIN)
    before = await member_row(harness, PLAIN)
    await member.send("/status away_work | 广东东莞")
    await member.expect("超过一个月", skipping=("已报备",))
    for user in (other_secretary, plain_member, member):
        await user.press_data(MobileRegister(target).pack())
        assert "只有这位党员所在支部的书记" in (await user.next_message(kind="alert")).text
        await user.press_data(MobileLiaison(target, 0).pack())
        assert "只有这位党员所在支部的书记" in (await user.next_message(kind="alert")).text
    assert await member_row(harness, PLAIN) == before
    # forged or stale answers: another person's status, an old status, a value no button carries
    status_id = (await harness.store.reports.latest_status([target]))[target].id
    await plain_member.press_data(StatusLong(status_id, "yes").pack())
    assert "失效" in (await plain_member.next_message(kind="alert")).text
    await member.press_data(StatusLong(status_id + 100, "yes").pack())
    assert "失效" in (await member.next_message(kind="alert")).text
    await member.press_data("mob:reg:abc")
    assert "失效" in (await member.next_message(kind="alert")).text
    await member.press_data(f"st:long:{status_id}:maybe")
    assert "失效" in (await member.next_message(kind="alert")).text
    assert await keys_like(harness, "mobile:%") == []


async def test_six_months_on_the_secretary_is_reminded_once_of_the_transfer(harness: Harness) -> None:
    harness.at(T0)
    member, secretary = await started(harness, PLAIN, OTHER_SECRETARY)
    await member.send("/status away_work | 广东东莞")
    await member.press("会，超过一个月", await member.expect("超过一个月", skipping=("已报备",)))
    await secretary.press("登记为流动党员", await secretary.expect("周普通"))
    await secretary.press("暂不指定", await secretary.expect("联系人", kind="message"))
    await secretary.expect("登记为流动党员", kind="message")
    target = await member_id(harness, PLAIN)
    pattern = f"mobile:transfer:%:{target}:%"
    harness.at(datetime(2027, 5, 10, 8, 59, tzinfo=TZ))
    await harness.sweep()
    assert await keys_like(harness, pattern) == []
    harness.at(datetime(2027, 5, 10, 9, 0, tzinfo=TZ))
    await harness.sweep()
    secretary_id = await member_id(harness, OTHER_SECRETARY)
    assert await keys_like(harness, pattern) == [f"mobile:transfer:{secretary_id}:{target}:2026-11-10"]
    await harness.settle()
    texts = [m.text for m in secretary.drain()]
    assert any("周普通" in text and "组织关系转接" in text and "2026年11月10日" in text for text in texts), texts
    for later in (timedelta(hours=1), timedelta(days=40)):
        harness.at(datetime(2027, 5, 10, 9, 0, tzinfo=TZ) + later)
        await harness.sweep()
    assert len(await keys_like(harness, pattern)) == 1


def test_six_months_after_is_the_same_day_or_the_months_last() -> None:
    assert periods.months_after(date(2026, 11, 10), 6) == date(2027, 5, 10)
    assert periods.months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert periods.months_after(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert periods.transfer_moment(None, TZ) is None
    assert periods.transfer_moment(date(2026, 7, 1), TZ) == datetime(2027, 1, 1, 9, tzinfo=TZ)


def test_report_cadence_default_is_quarterly_and_the_roster_still_wins() -> None:
    assert Settings(_env_file=None).report_cadence_default == "quarterly"  # type: ignore[call-arg]
    assert Settings(_env_file=None, report_cadence_default="monthly").report_cadence_default == "monthly"  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Settings(_env_file=None, report_cadence_default="weekly")  # type: ignore[call-arg]
    text = SMALL_ROSTER.read_text(encoding="utf-8").replace("周普通,二村党支部,,在家", "周普通,二村党支部,,流动")
    for cadence in ("quarterly", "monthly"):
        rows, errors = parse_roster(text, cadence=cadence)
        assert not errors
        by_name = {r.name: r.report_cadence for r in rows}
        assert by_name["周普通"] == cadence  # no 汇报周期 given: the default
        assert by_name["张流动"] == "monthly" and by_name["陈外出"] == "quarterly"  # the roster's own
        assert by_name["王书记"] is None  # not mobile: no cadence


async def test_the_transfer_reminder_is_not_sent_again_after_a_restart(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, bot_token="1:x", quiet_hours="")  # type: ignore[call-arg]
    first = await open_store(tmp_path / "r.sqlite3")
    try:
        await load_roster(first, SMALL_ROSTER)
        for telegram_id in (SECRETARY, OTHER_SECRETARY):
            secretary = await first.members.by_telegram_id(telegram_id)
            assert secretary is not None
            await first.members.link(secretary.id, telegram_id)
        await core.sweep(first, settings, T0)
        found = [r[0] for r in await first.db.fetchall(SENT_OR_GATHERED, ("mobile:transfer:%",) * 2)]
        # 张流动 away since 2025-08-01 (一村), 陈外出 since 2026-01-10 (二村): each branch's secretary, once
        assert len(found) == 2 and any(k.endswith(":2025-08-01") for k in found)
    finally:
        await first.close()
    second = await open_store(tmp_path / "r.sqlite3")
    try:
        await core.sweep(second, settings, T0 + timedelta(minutes=5))
        await core.sweep(second, settings, T0 + timedelta(days=3))
        again = [r[0] for r in await second.db.fetchall(SENT_OR_GATHERED, ("mobile:transfer:%",) * 2)]
        assert again == found
    finally:
        await second.close()
