"""Committees as their own membership (issue 23 item 5), through the emulator: a 党委 of the five secretaries of
five branches (the roster's 委员 column) gets the 党委会's notice — and nobody else — and has its quorum at 3 of 5;
`/committee` shows and changes a committee (a member of another unit seated, an office, a removal); `/term`
records a term of five years and the sweep reminds the secretaries six months and one month before 换届, once
each. The roster's 委员 column is checked like any other."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.members.roster import parse_roster
from bot.store import Store
from tests.support.harness import Harness, load_roster
from tests.support.notices import got, link, notices_of, saw, until

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=SH)
START = datetime(2026, 4, 3, 15, 0, tzinfo=SH)
ADMIN = 7777  # ADMIN_IDS, not on the roster: calls the 党委会
COMMUNITY = "测试社区党委"
SECRETARIES = (4001, 4002, 4003, 4004, 4005)
VILLAGES = ("一村", "二村", "三村", "四村", "五村")
MEMBERS = (4101, 4102)  # 一村's other members: no seat


def roster(path: Path) -> Path:
    lines = ["name,branch,roles,telegram_id,committee"]
    for number, (village, telegram_id) in enumerate(zip(VILLAGES, SECRETARIES, strict=True)):
        office = "书记" if number == 0 else "委员"
        seats = f"{COMMUNITY}:{office};{village}党支部:书记"
        lines.append(f"{village}书记,{village}党支部,secretary,{telegram_id},{seats}")
    lines.append(f"一村党员甲,一村党支部,,{MEMBERS[0]},")
    lines.append(f"一村党员乙,一村党支部,committee,{MEMBERS[1]},")  # 支委 by role: a seat in 一村 only
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def _harness(harness_factory: Any, tmp_path: Path) -> Harness:
    store = await Store.open(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, roster(tmp_path / "roster.csv"), COMMUNITY)
    finally:
        await store.close()
    harness: Harness = await harness_factory(load=False, admin_ids=[ADMIN])
    harness.at(T0)
    await link(harness, ADMIN, *SECRETARIES, *MEMBERS)
    return harness


async def test_a_party_committee_of_five_branch_secretaries_has_quorum_three(
    harness_factory: Any, tmp_path: Path
) -> None:
    harness = await _harness(harness_factory, tmp_path)
    admin = harness.user(ADMIN)
    admin.drain()
    await admin.send(f"/notice 党委会 | 2026-04-03 15:00 | 社区会议室 | 研究换届工作 | {COMMUNITY}")
    preview = await admin.expect("预览")
    assert "党委会只由社区党委委员参加：应到 5 人" in preview.text
    assert "一村书记、二村书记、三村书记、四村书记、五村书记" in preview.text
    await admin.press("发送", preview)
    await saw(admin, "通知发送完毕")
    for secretary in SECRETARIES:
        assert len(notices_of(harness.user(secretary))) == 1, secretary
    for member in MEMBERS:
        assert notices_of(harness.user(member)) == [], member
    harness.at(START - timedelta(minutes=10))
    for secretary in SECRETARIES[:2]:
        user = harness.user(secretary)
        await user.press("签到", notices_of(user)[-1])
        await saw(user, "签到成功", kind="alert")
    await admin.send("/attendance 1")
    assert "委员应到 5 人、实到 2 人，不到半数" in (await saw(admin, "委员应到 5 人、实到 2 人")).text
    third = harness.user(SECRETARIES[2])
    await third.press("签到", notices_of(third)[-1])
    await saw(third, "签到成功", kind="alert")
    await admin.send("/attendance 1")
    assert "超过半数，会议有效" in (await saw(admin, "委员应到 5 人、实到 3 人")).text
    await admin.send(f"/committee {COMMUNITY}")
    listing = (await saw(admin, "测试社区党委委员会（5 人）")).text
    assert "书记：一村书记（一村党支部）" in listing and "委员：五村书记（五村党支部）" in listing
    assert "5 人里至少 3 人" in listing


async def test_a_committee_is_changed_by_command(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    first = harness.user(SECRETARIES[0])  # 一村's secretary: manages 一村党支部 only
    first.drain()
    await first.send("/committee")
    own = await first.expect("一村党支部委员会（2 人）")
    assert "书记：一村书记" in own.text and "委员：一村党员乙" in own.text and "至少 2 人" in own.text
    await first.send("/committee 一村党支部 | 一村党员甲 | 宣传委员")
    await first.expect("已把一村党员甲设为一村党支部宣传委员")
    await first.send("/committee 一村党支部 | 二村书记 | 纪检委员")  # a member of another unit
    await first.expect("已把二村书记设为一村党支部纪检委员")
    await first.send("/committee 一村党支部 | 一村党员乙 | 理事")
    await first.expect("职务「理事」不对")
    await first.send("/committee 一村党支部 | 一村党员乙 | 无")
    await first.expect("已免去一村党员乙在一村党支部委员会的职务")
    await first.send("/committee 一村党支部")
    listing = (await first.expect("一村党支部委员会（3 人）")).text
    assert "纪检委员：二村书记（二村党支部）" in listing and "一村党员乙" not in listing
    await first.send(f"/committee {COMMUNITY}")
    await first.expect("没有找到「测试社区党委」")  # not a unit they manage
    member = harness.user(MEMBERS[0])
    member.drain()
    await member.send("/committee")
    await member.expect("只有党组织书记可以使用")


async def test_the_term_is_recorded_and_reminded_before_the_election(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    first = harness.user(SECRETARIES[0])
    first.drain()
    await first.send("/term 一村党支部 | 2027-01-01")
    refused = (await first.expect("不能晚于今天")).text
    assert "2027-01-01" in refused and "2026-" not in refused.replace("2027-01-01", "")  # today in words
    await first.send("/term 一村党支部 | 2021-11-01")
    saved = (await first.expect("已记下")).text  # dates in words, with the year: they are years apart
    assert "2021年11月1日（周一） 至 2026年10月31日（周六）（5 年）" in saved
    assert "2026年4月30日（周四） 和 2026年9月30日（周三）" in saved and "2021-11-01" not in saved
    admin = harness.user(ADMIN)
    admin.drain()
    harness.at(datetime(2026, 4, 30, 8, 59, tzinfo=SH))  # before the six months' window
    await harness.sweep()
    await harness.settle()
    harness.at(datetime(2026, 4, 30, 9, 0, tzinfo=SH))
    await harness.sweep()
    await harness.sweep()  # once, whatever the sweeps
    await harness.settle()
    await until(lambda: got(first, "还有大约半年到期"))
    assert len(got(first, "换届提醒")) == 1
    [six] = got(first, "还有大约半年到期")
    assert "任期 2021年11月1日（周一） 至 10月31日（周六）" in six.text  # the end is this year: no year
    harness.at(datetime(2026, 9, 30, 10, 0, tzinfo=SH))
    await harness.sweep()
    await harness.settle()
    await until(lambda: got(first, "只剩大约一个月了"))
    assert len(got(first, "换届提醒")) == 2
    [one] = got(first, "只剩大约一个月了")
    assert "任期 10月31日（周六） 到期" in one.text
    keys = [r[0] for r in await harness.store.db.fetchall("SELECT key FROM outbox WHERE kind = 'term' ORDER BY key")]
    assert [k.rsplit(":", 1)[0] for k in keys] == ["term:1m:2:2026-10-31", "term:6m:2:2026-10-31"]
    harness.at(datetime(2026, 11, 2, 10, 0, tzinfo=SH))  # the term is over: no late reminder
    await harness.sweep()
    await harness.settle()
    assert len(got(first, "换届提醒")) == 2


def test_the_roster_committee_column_is_checked() -> None:
    good = "name,branch,committee\n甲,一村党支部,测试社区党委:委员；一村党支部：组织委员\n"
    rows, errors = parse_roster(good)
    assert not errors and rows[0].committee == (("测试社区党委", "member"), ("一村党支部", "organisation"))
    chinese = "姓名,支部,委员\n甲,一村党支部,测试社区党委:书记\n"
    rows, errors = parse_roster(chinese)
    assert not errors and rows[0].committee == (("测试社区党委", "secretary"),)
    _, errors = parse_roster("name,branch,committee\n甲,一村党支部,测试社区党委:理事\n")
    assert [(e.column, e.key) for e in errors] == [("committee", "roster.err.committee")]
    _, errors = parse_roster("name,branch,membership,committee\n甲,一村党支部,预备党员,一村党支部:委员\n")
    assert [(e.column, e.key) for e in errors] == [("committee", "roster.err.probationary_committee")]
