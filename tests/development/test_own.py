"""The person's own record (issue 24): an 入党申请人 or 积极分子 the roster gave a Telegram id — not a member, so
nothing else of the bot is open to them — sends /development in the private chat and sees their steps and what
comes next; a 预备党员 sees when the 预备期 ends and when to hand in the 转正 application, on both sides of the
day; someone with no record is told how one begins; nobody sees another's record; never in a group."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.harness import PLAIN, SECRETARY, STRANGER, Harness

TZ = ZoneInfo("Asia/Shanghai")
APPLICANT = 5001


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TZ)


async def step(harness: Harness, today: str, line: str, expect: str = "已登记") -> None:
    harness.at(at(today))
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/development 王小明 | {line}")
    await secretary.expect(expect)


async def give_id(harness: Harness, telegram_id: int) -> None:
    """As the roster does for an 入党申请人 it lists with a TelegramID."""
    async with harness.store.db.transaction() as conn:
        await conn.execute("UPDATE development SET telegram_id = ? WHERE name = '王小明'", (telegram_id,))


async def test_an_applicant_sees_their_own_steps_and_what_comes_next(harness: Harness) -> None:
    await step(harness, "2026-03-02", "入党申请 | 2026-03-02 | 出生 2001-05-16")
    await give_id(harness, APPLICANT)
    applicant = harness.user(APPLICANT, "王小明")
    harness.at(at("2026-03-05"))
    await applicant.send("/development")
    own = (await applicant.expect("我的入党进程")).text
    assert "入党申请人" in own and "3月2日（周一） 递交入党申请书" in own
    assert "4月2日（周四） 前派人同您谈话" in own  # within a month of the application
    assert "2001-05-16" not in own and "王书记" not in own
    await applicant.send("/development 李联络")  # another name: still only their own record
    assert "我的入党进程" in (await applicant.next_message()).text
    await applicant.send("/report")  # an applicant writes no 思想汇报 yet
    await applicant.expect("现在还不用交思想汇报")
    await applicant.send("/members")  # nothing else of the bot: they are not a member
    assert "我的入党进程" not in (await applicant.expect("党务助手")).text

    await step(harness, "2026-03-20", "谈话 | 2026-03-20")
    await step(harness, "2026-04-10", "积极分子 | 2026-04-10 | 李联络、赵巡逻", "入党积极分子")
    await applicant.send("/development")
    own = (await applicant.expect("我的入党进程")).text
    assert "入党积极分子，4月10日（周五） 起" in own and "确定为入党积极分子：李联络、赵巡逻" in own
    assert "2027年4月10日（周六） 起可以讨论列为发展对象" in own and "思想汇报" in own

    secretary = harness.user(SECRETARY)  # the quarter's 思想汇报: due, then recorded
    harness.at(at("2026-04-12"))
    await secretary.send("/development")
    assert "本季度还没交思想汇报（6月30日（周二） 前）" in (await secretary.expect("发展党员名单")).text
    await step(harness, "2026-04-20", "思想汇报 | 2026-04-20", "已登记")
    harness.at(at("2026-04-21"))
    await secretary.send("/development")
    assert "思想汇报" not in (await secretary.expect("发展党员名单")).text


async def test_a_probationary_member_sees_when_to_ask_for_confirmation(harness: Harness) -> None:
    for today, line in (
        ("2025-01-11", "入党申请 | 2025-01-11 | 出生 2000-01-11"),
        ("2025-02-01", "谈话 | 2025-02-01"),
        ("2025-03-01", "积极分子 | 2025-03-01 | 李联络"),
        ("2026-03-01", "发展对象 | 2026-03-01 | 李联络、赵巡逻"),
        ("2026-03-10", "政审 | 2026-03-10 | 合格"),
        ("2026-03-15", "培训 | 2026-03-15 | 3天"),
        ("2026-03-20", "支部大会 | 2026-03-20 | 应到6 实到4 赞成4"),
    ):
        await step(harness, today, line)
    await give_id(harness, APPLICANT)
    person = harness.user(APPLICANT)
    harness.at(at("2026-04-01"))
    await person.send("/development")
    assert "6月20日（周六） 前" in (await person.expect("上级党委")).text  # 审批 within three months
    await step(harness, "2026-05-01", "审批 | 2026-05-01", "预备党员")
    await harness.store.members.link((await harness.store.members.named("王小明"))[0].id, 5002)
    member = harness.user(5002)
    harness.at(at("2027-03-19"))  # the day before the 预备期 ends
    await member.send("/development")
    own = (await member.expect("我的入党进程")).text
    assert "预备期 3月20日（周六） 满" in own and "2月20日（周六） 前后" in own
    harness.at(at("2027-03-20"))
    await member.send("/development")
    assert "已满，支部将讨论您的转正" in (await member.expect("我的入党进程")).text


async def test_no_record_no_group_no_stranger(harness: Harness) -> None:
    plain = harness.user(PLAIN)
    await plain.send("/development")
    assert "递交入党申请书" in (await plain.expect("发展党员名单里没有您")).text
    group = harness.emu.add_group(-100950, "二村党支部群")
    await plain.send("/development", chat=group)
    await group.expect("私聊")
    stranger = harness.user(STRANGER)
    await stranger.send("/development")
    assert "我的入党进程" not in (await stranger.expect("党务助手")).text


async def test_an_applicant_cannot_record_a_step(harness: Harness) -> None:
    await step(harness, "2026-03-02", "入党申请 | 2026-03-02 | 出生 2001-05-16")
    await give_id(harness, APPLICANT)
    applicant = harness.user(APPLICANT)
    await applicant.send("/development 王小明 | 谈话 | 2026-03-02")
    await applicant.expect("只有")
    row = await harness.store.db.fetchone("SELECT count(*) FROM development_steps")
    assert row is not None and row[0] == 1
