"""组织关系转接 and the member file through the emulator (issue 27): a secretary issues a 转出 letter, is reminded
before it runs out, after it ran out, and while the 回执 is missing, and the member leaves the active roster only
when the 回执 is recorded (their file keeps it all); a 转入 is placed in a Party group at once or reminded about;
a member, a liaison and an unknown user get nothing; bad input is
answered with an example; the member file never goes to a group."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.support.harness import LIAISON, PATROL, PLAIN, SECRETARY, STRANGER, Harness

TZ = ZoneInfo("Asia/Shanghai")
OUT = "/transfer 转出 | 赵巡逻 | 中共东莞市长安镇委员会 | 2026-015 | 2026-03-02"


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TZ)


async def keys(harness: Harness) -> list[str]:
    rows = await harness.store.db.fetchall("SELECT key FROM outbox WHERE key LIKE 'transfers:%' ORDER BY id")
    return [r["key"] for r in rows]


async def swept(harness: Harness, day: str) -> list[str]:
    """The secretary's messages after a sweep on `day`."""
    harness.at(at(day))
    await harness.sweep()
    await harness.settle()
    return [m.text for m in harness.user(SECRETARY).drain()]


async def count(harness: Harness, table: str) -> int:
    row = await harness.store.db.fetchone(f"SELECT count(*) FROM {table}")
    assert row is not None
    return int(row[0])


@pytest.mark.slow  # waits out the sender's real pace (or builds every schema)
async def test_transfer_out_reminded_until_the_receipt_then_off_the_roster(harness: Harness) -> None:
    harness.at(at("2026-03-02"))
    secretary = harness.user(SECRETARY)
    await secretary.send(OUT + " | 4个月")
    await secretary.expect("最长 3 个月")
    await secretary.send(OUT)
    await secretary.expect("已登记转出：赵巡逻")
    await secretary.send(OUT)
    await secretary.expect("正在办理")
    assert await count(harness, "transfers") == 1
    await secretary.send("/transfer")
    listed = (await secretary.expect("在途")).text
    assert "赵巡逻" in listed and "2026-015" in listed and "有效期到 6月1日（周一）" in listed
    assert not any("赵巡逻" in t for t in await swept(harness, "2026-05-24"))
    assert any("6月1日（周一） 就到期了" in t for t in await swept(harness, "2026-05-25"))
    assert any("已经过期" in t for t in await swept(harness, "2026-06-02"))
    assert not any("赵巡逻" in t for t in await swept(harness, "2026-06-03"))  # once a week, not daily
    harness.at(at("2026-06-05"))
    await secretary.send("/transfer 接收 | 赵巡逻 | 2026-06-05")
    await secretary.expect("已被对方党组织接收")
    assert not any("赵巡逻" in t for t in await swept(harness, "2026-07-05"))
    assert any("回执应在 7月5日（周日） 前收回" in t for t in await swept(harness, "2026-07-06"))
    [still] = await harness.store.members.named("赵巡逻")
    assert still.active
    await secretary.send("/transfer 回执 | 赵巡逻 | 2026-06-04")
    await secretary.expect("不能早于")
    await secretary.send("/transfer 回执 | 赵巡逻 | 2026-07-06")
    await secretary.expect("已办结")
    assert await harness.store.members.named("赵巡逻") == []
    [gone] = await harness.store.members.named("赵巡逻", include_inactive=True)
    assert not gone.active and gone.deactivated_at is not None
    before = len(await keys(harness))
    await swept(harness, "2026-07-20")
    assert len(await keys(harness)) == before  # closed: no more reminders
    await secretary.send("/transfer")
    await secretary.expect("没有正在办理")
    await secretary.send("/member 赵巡逻")
    file = (await secretary.expect("党员档案：赵巡逻")).text
    assert "已不在党员名单上" in file and "开具介绍信" in file and "回执" in file and "13800000005" in file


async def test_transfer_in_placed_in_a_group_or_reminded(harness: Harness) -> None:
    harness.at(at("2026-03-02"))
    secretary = harness.user(SECRETARY)
    await secretary.send("/transfer 转入 | 刘新来 | 中共某某镇委员会 | 2026-088 | 2026-03-02 | 九组")
    await secretary.expect("不是一村党支部的党小组")
    await secretary.send("/transfer 转入 | 刘新来 | 中共某某镇委员会 | 2026-088 | 2026-03-02 | 一组")
    await secretary.expect("编入一村党支部一组")
    [member] = await harness.store.members.named("刘新来")
    units = {u.id: u.name for u in await harness.store.units.all()}
    assert member.relation == "here" and member.category == "incoming" and units[member.group_id or 0] == "一组"
    await secretary.send("/transfer 转入 | 钱新到 | 中共某某镇委员会 | 2026-089 | 2026-03-02")
    await secretary.expect("还没有编入党小组")
    assert not any("钱新到" in t for t in await swept(harness, "2026-03-02"))
    assert any("钱新到" in t and "还没编入党小组" in t for t in await swept(harness, "2026-03-03"))
    harness.at(at("2026-03-04"))
    await secretary.send("/transfer 编组 | 钱新到 | 一组")
    await secretary.expect("钱新到 编入一组")
    assert any("刘新来" in t and "寄回" in t for t in await swept(harness, "2026-03-26"))
    await secretary.send("/transfer 回执 | 刘新来 | 2026-03-26")
    await secretary.expect("回执已寄回")
    await secretary.send("/transfer 刘新来")
    record = (await secretary.expect("刘新来")).text
    assert "已办结" in record and "编入党小组" in record


async def test_bad_input_is_answered_with_an_example(harness: Harness) -> None:
    harness.at(at("2026-03-02"))
    secretary = harness.user(SECRETARY)
    for line, answer in (
        ("/transfer 调走 | 赵巡逻 | 2026-03-02", "不是组织关系转接的一步"),
        ("/transfer 转出 | 赵巡逻", "例如"),
        ("/transfer 转出 | 赵巡逻 | 某镇党委 | 1 | 三月二日", "看不明白"),
        ("/transfer 转出 | 赵巡逻 | 某镇党委 | 1 | 2026-03-09", "还没到"),
        ("/transfer 转出 | 赵巡逻 | 某镇党委 | 1 | 2026-03-02 | 很久", "有效期"),
        ("/transfer 转出 | 王老五 | 某镇党委 | 1 | 2026-03-02", "没有找到"),
        ("/transfer 转出 | 周普通 | 某镇党委 | 1 | 2026-03-02", "没有找到"),  # another branch's member
        ("/transfer 回执 | 赵巡逻 | 2026-03-02", "没有正在办理"),
        ("/transfer 回执", "例如"),
        ("/member", "例如"),
        ("/member 王老五", "没有找到"),
    ):
        await secretary.send(line)
        await secretary.expect(answer)
    assert await count(harness, "transfers") == 0


async def test_others_are_refused_and_the_file_never_goes_to_a_group(harness: Harness) -> None:
    harness.at(at("2026-03-02"))
    for telegram_id in (PLAIN, LIAISON, PATROL):
        user = harness.user(telegram_id)
        await user.send(OUT)
        await user.expect("只有")
        await user.send("/member 赵巡逻")
        await user.expect("只有")
    stranger = harness.user(STRANGER)
    await stranger.send("/transfer")
    await stranger.expect("还没有登记")
    assert await count(harness, "transfers") == 0
    group = harness.emu.add_group(-100777, "一村党支部群")
    secretary = harness.user(SECRETARY)
    await secretary.send("/member 赵巡逻", chat=group)
    reply = await group.expect("私聊")
    assert "13800000005" not in reply.text and "赵巡逻" not in reply.text
    await secretary.send("/member 赵巡逻")
    assert "13800000005" in (await secretary.expect("党员档案")).text


async def test_a_letter_across_the_year_end_names_its_years(harness: Harness) -> None:
    """Issued in December, valid into March: the list names the year of a day not this year's, in December and
    again in January (a bare 3月6日 read in December is this past March)."""
    harness.at(at("2026-12-10"))
    secretary = harness.user(SECRETARY)
    await secretary.send("/transfer 转出 | 赵巡逻 | 中共东莞市长安镇委员会 | 2026-031 | 2026-12-07")
    done = (await secretary.expect("已登记转出：赵巡逻")).text
    assert "12月7日（周一） 开具，有效期到 2027年3月6日（周六）" in done
    await secretary.send("/transfer")
    listed = (await secretary.expect("在途")).text
    assert "12月7日（周一） 开具，有效期到 2027年3月6日（周六）" in listed
    harness.at(at("2027-01-05"))
    await secretary.send("/transfer")
    listed = (await secretary.expect("在途")).text
    assert "2026年12月7日（周一） 开具，有效期到 3月6日（周六）" in listed
    await secretary.send("/transfer 赵巡逻")
    history = (await secretary.expect("2026-031")).text
    assert "2026年12月7日（周一）" in history and "有效期到 3月6日（周六）" in history
