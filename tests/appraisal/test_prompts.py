"""谈心谈话 prompts through the emulator (issue 26): a member who falls ill, or is rated 不合格, is to be talked
with within 15 days — the secretary is told why, in private; the 支部委员 who visits them is told whom and by
when, not why; nothing reaches a group; the prompt is sent once, again once late, and clears when the talk is
logged."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.store.db import Statement
from tests.support.harness import LIAISON, MIGRANT, PATROL, SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")


async def link(harness: Harness, *ids: int) -> None:
    for telegram_id in ids:
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()


async def prompts(harness: Harness) -> int:
    """Sweep; how many talk prompts it recorded (for the daily digest, or queued)."""
    sql = (
        "SELECT (SELECT count(*) FROM outbox WHERE key LIKE 'talks:prompt:%') "
        "+ (SELECT count(*) FROM digest_items WHERE key LIKE 'talks:prompt:%')"
    )
    before = await harness.store.db.fetchone(sql)
    await harness.sweep()
    after = await harness.store.db.fetchone(sql)
    assert before is not None and after is not None
    return int(after[0]) - int(before[0])


async def on_committee(harness: Harness, telegram_id: int) -> None:
    member = await harness.store.members.by_telegram_id(telegram_id)
    assert member is not None
    await harness.store.db.write(
        [
            Statement(
                "INSERT INTO committee_seats (unit_id, member_id, office) VALUES (?, ?, 'organisation')",
                (member.unit_id, member.id),
            )
        ]
    )


def prompt_texts(harness: Harness, chat_id: int) -> list[str]:
    return [m.text for m in harness.emu.chat_messages(chat_id) if "要找谈心的" in m.text]


def months(first: str, last: str) -> list[str]:
    """The month labels from `first` to `last`, both included."""
    year, month = (int(p) for p in first.split("-"))
    out = []
    while (label := f"{year:04d}-{month:02d}") <= last:
        out.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


async def test_illness_prompts_the_secretary_with_the_reason_and_the_visitor_without(harness: Harness) -> None:
    harness.at(datetime(2026, 5, 4, 10, 0, tzinfo=TZ))
    await on_committee(harness, LIAISON)  # 李联络, 张流动's liaison, is the 组织委员
    await link(harness, LIAISON, SECRETARY, PATROL)
    await reported(harness, MIGRANT, *months("2025-08", "2026-04"))  # no lapse of reports beside the illness
    group = harness.emu.add_group(-100501, "一村党员群")
    migrant = harness.user(MIGRANT)
    await migrant.send("/status ill | | 住院了")
    await migrant.expect("已告知")
    assert await prompts(harness) == 2
    assert await prompts(harness) == 0  # once
    # in the daily digest (10:00, after DIGEST_TIME: this sweep's)
    await harness.user(SECRETARY).expect("要找谈心的", skipping=("动态",))
    await harness.user(LIAISON).expect("要找谈心的", skipping=("动态",))
    secretary, liaison = prompt_texts(harness, SECRETARY), prompt_texts(harness, LIAISON)
    assert len(secretary) == 1 and "张流动：生病了，请在5月19日" in secretary[0]
    assert len(liaison) == 1 and "生病" not in liaison[0] and "张流动：请在5月19日" in liaison[0]
    assert not [m for m in harness.emu.chat_messages(group.chat_id) if "谈心" in m.text]
    # /talks: the secretary sees why, the visitor whom and by when, another member nothing
    for user in (harness.user(SECRETARY), harness.user(LIAISON), harness.user(PATROL)):
        user.drain()
    await harness.user(SECRETARY).send("/talks")
    seen = await harness.user(SECRETARY).expect("谈心谈话")
    assert "要找谈心的（1 人）" in seen.text and "张流动：生病了" in seen.text
    await harness.user(LIAISON).send("/talks")
    seen = await harness.user(LIAISON).expect("谈心谈话")
    assert "要找谈心的（1 人）" in seen.text and "张流动" in seen.text and "生病" not in seen.text
    await harness.user(PATROL).send("/talks")
    seen = await harness.user(PATROL).expect("谈心谈话")
    assert "要找谈心的" not in seen.text and "生病" not in seen.text
    # due on 19 May: nothing more on the day, the late prompt the day after, once
    harness.at(datetime(2026, 5, 19, 10, 0, tzinfo=TZ))
    assert await prompts(harness) == 0
    harness.at(datetime(2026, 5, 20, 10, 0, tzinfo=TZ))
    assert await prompts(harness) == 2
    assert await prompts(harness) == 0
    await harness.settle()
    assert "原定5月19日（周二）前，还没登记" in prompt_texts(harness, SECRETARY)[-1]
    # the visitor logs the talk (by phone): cleared for everyone
    await harness.user(LIAISON).send("/talk 电话 张流动 | 2026-05-20 | 问了病情，安排人去医院看望")
    await harness.user(LIAISON).expect("（电话）", skipping=("谈心谈话", "动态", "待办汇总"))
    harness.user(SECRETARY).drain()
    await harness.user(SECRETARY).send("/talks")
    seen = await harness.user(SECRETARY).expect("谈心谈话")
    assert "要找谈心的" not in seen.text and "（电话）" in seen.text


async def test_an_unqualified_rating_prompts_a_talk_cleared_by_a_later_talk_only(harness: Harness) -> None:
    harness.at(datetime(2026, 12, 1, 10, 0, tzinfo=TZ))
    await link(harness, PATROL)
    await reported(harness, MIGRANT, *months("2025-08", "2026-11"))
    secretary = harness.user(SECRETARY)
    # a talk held before the rating does not count for it
    await secretary.send("/talk 赵巡逻 | 2026-11-30 | 年底谈心")
    await secretary.expect("已登记")
    await secretary.send("/appraisal 开始 2026-12-01 2026-12-20")
    await secretary.expect("已开始")
    await secretary.send("/appraisal 评定 赵巡逻 | 不合格 | 2027-03-31")
    await secretary.expect("限期2027年3月31日（周三）前改正")
    assert await prompts(harness) == 1
    harness.at(datetime(2026, 12, 2, 10, 0, tzinfo=TZ))  # today's digest went already: tomorrow's
    await harness.sweep()
    await harness.settle()
    told = [m.text for m in harness.emu.chat_messages(SECRETARY) if "要找谈心的" in m.text]
    assert told and "赵巡逻：民主评议评为不合格，请在12月16日" in told[-1]
    # the patrol member is not told about a prompt on himself
    assert not [m for m in harness.emu.chat_messages(PATROL) if "谈心" in m.text]
    await secretary.send("/talk 赵巡逻 | 2026-12-02 | 谈了评定结果和改正打算")
    await secretary.expect("已登记", skipping=("民主评议", "待办汇总", "承诺", "限期"))
    harness.at(datetime(2026, 12, 17, 10, 0, tzinfo=TZ))
    assert await prompts(harness) == 0  # cleared: no late prompt


async def test_a_talk_form_word_must_be_one_of_the_forms(harness: Harness) -> None:
    harness.at(datetime(2026, 5, 4, 10, 0, tzinfo=TZ))
    secretary = harness.user(SECRETARY)
    await secretary.send("/talk 短信 赵巡逻 | 2026-05-04 | 问候")
    await secretary.expect("没有找到「短信 赵巡逻」")
    await secretary.send("/talk 上门 赵巡逻 | 2026-05-04 | 问候")
    await secretary.expect("（上门）")


async def reported(harness: Harness, telegram_id: int, *labels: str) -> None:
    member = await harness.store.members.by_telegram_id(telegram_id)
    assert member is not None
    for label in labels:
        await harness.store.reports.save_thought(member.id, label, "思想汇报", datetime(2026, 5, 1, 9, 0, tzinfo=TZ))


#: 张流动 is mobile since 2025-08-01, monthly: the periods he owes up to February 2026.
UNTIL_FEBRUARY = months("2025-08", "2026-02")


async def test_one_period_without_a_thought_report_prompts_no_talk(harness: Harness) -> None:
    harness.at(datetime(2026, 5, 4, 10, 0, tzinfo=TZ))
    await link(harness, SECRETARY, LIAISON)
    await reported(harness, MIGRANT, *UNTIL_FEBRUARY, "2026-03")  # April alone is late: the reports chain's
    assert await prompts(harness) == 0


async def test_two_periods_in_a_row_without_a_report_prompt_the_secretary_until_a_report(harness: Harness) -> None:
    harness.at(datetime(2026, 5, 4, 10, 0, tzinfo=TZ))
    await link(harness, SECRETARY, LIAISON)
    await reported(harness, MIGRANT, *UNTIL_FEBRUARY)  # March and April missing: a lapse since 1 May
    assert await prompts(harness) == 1  # the secretary only: the reason is private, no care visitor
    assert await prompts(harness) == 0  # once
    await harness.user(SECRETARY).expect("要找谈心的", skipping=("动态", "思想汇报"))
    told = prompt_texts(harness, SECRETARY)
    assert told and "张流动：连续两期没交思想汇报，请在5月16日" in told[-1]
    assert not [m for m in harness.emu.chat_messages(MIGRANT) if "谈心" in m.text]
    # the same lapse in May does not prompt again; late once after the due day
    harness.at(datetime(2026, 5, 17, 10, 0, tzinfo=TZ))
    assert await prompts(harness) == 1
    assert await prompts(harness) == 0
    # a report for April breaks the run: nothing open any more, nothing more in June
    await reported(harness, MIGRANT, "2026-04")
    harness.user(SECRETARY).drain()
    await harness.user(SECRETARY).send("/talks")
    seen = await harness.user(SECRETARY).expect("谈心谈话")
    assert "连续两期" not in seen.text
    harness.at(datetime(2026, 6, 2, 10, 0, tzinfo=TZ))
    assert await prompts(harness) == 0
