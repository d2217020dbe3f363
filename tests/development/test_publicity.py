"""公示 as a step of the 发展党员 register (issue 24): `/publicity 发展 王小明` posted to the bound group is recorded
on his record with its 公示期 (from the posting day, five working days); put up on the notice board, the secretary
records it with `/development 王小明 | 公示 | 日期`, a Saturday starting it on Monday; an 积极分子 has no 公示."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.support.harness import SECRETARY, Harness
from tests.support.openness import bound_group

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TZ)


async def step(harness: Harness, today: str, line: str, expect: str = "已登记") -> str:
    harness.at(at(today))
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/development 王小明 | {line}")
    return (await secretary.expect(expect)).text


async def to_candidate(harness: Harness) -> None:
    for today, line in (
        ("2025-01-11", "入党申请 | 2025-01-11 | 出生 2001-05-16"),
        ("2025-02-01", "谈话 | 2025-02-01"),
        ("2025-03-01", "积极分子 | 2025-03-01 | 李联络、赵巡逻"),
    ):
        await step(harness, today, line)
    refused = await step(harness, "2025-03-02", "公示 | 2025-03-02", "还不能登记「公示」")  # an 积极分子: none
    assert "入党积极分子" in refused
    await step(harness, "2026-03-02", "发展对象 | 2026-03-02 | 李联络、赵巡逻")


async def publicity_steps(harness: Harness) -> list[tuple[date, date | None]]:
    [person] = await harness.store.development.in_units(None)
    return [(s.on, s.ends_on) for s in person.steps if s.step == "publicity"]


async def test_a_posted_publicity_is_the_records_step(harness: Harness) -> None:
    await to_candidate(harness)
    harness.at(at("2026-03-11"))  # a Wednesday: five working days end on Tuesday 17 March
    secretary = harness.user(SECRETARY)
    group = await bound_group(harness)
    await secretary.send("/publicity 发展 王小明")
    preview = await secretary.expect("拟发展党员公示")
    assert await publicity_steps(harness) == []  # a preview records nothing
    await secretary.press("发布到群", preview)
    await secretary.expect("公示已发布", kind="message")
    await group.expect("王小明")
    assert await publicity_steps(harness) == [(date(2026, 3, 11), date(2026, 3, 17))]
    await secretary.send("/development 王小明")
    record = (await secretary.expect("发展对象")).text
    assert "公示期 3月11日（周三） 至 3月17日（周二）" in record


async def test_a_notice_board_publicity_is_recorded_by_hand(harness: Harness) -> None:
    await to_candidate(harness)
    done = await step(harness, "2026-03-14", "公示 | 2026-03-14")  # a Saturday: it starts on Monday
    assert "公示" in done
    assert await publicity_steps(harness) == [(date(2026, 3, 16), date(2026, 3, 20))]
    await step(harness, "2026-03-14", "公示 | 2026-03-14 | 7个工作日")  # a second one, longer: 16 to 24 March
    assert (await publicity_steps(harness))[-1] == (date(2026, 3, 16), date(2026, 3, 24))


async def test_too_many_working_days_are_refused_with_the_limit(harness: Harness) -> None:
    await to_candidate(harness)
    refused = await step(harness, "2026-03-14", "公示 | 2026-03-14 | 100个工作日", "工作日")
    assert "100" in refused and "60" in refused and "例如" in refused
    assert await publicity_steps(harness) == []
    await step(harness, "2026-03-14", "公示 | 2026-03-14 | 60个工作日")  # the limit itself is allowed
    assert len(await publicity_steps(harness)) == 1
