"""为民服务代理 and 来信来访 (issue 28 item 3): a request records its source; a 代办 (paperwork a member does for a
resident) has a deadline and an agent, progress notes, and a 回访 (the resident's satisfaction) at the end; its agent
is reminded of the deadline once per stage. Through the emulator, plus the rules on both sides of each threshold."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.households.requests import Asked, asked_request
from bot.services.households.requests_rules import AGENCY_AHEAD, agency_stage, deadline_of, source_of
from tests.support.harness import LIAISON, SECRETARY, Harness
from tests.support.households import link, load_households
from tests.support.ledger import at

TODAY = date(2026, 11, 20)


def test_sources_in_chinese_and_english() -> None:
    assert [source_of(w) for w in ("联户走访", "恳谈会", "来信", "来访", "电话")] == [
        "visit",
        "hearing",
        "letter",
        "walkin",
        "call",
    ]
    assert source_of("letter") == "letter" and source_of("来访/电话") == "call" and source_of("路灯") is None


def test_a_deadline_today_or_within_a_year() -> None:
    assert deadline_of("2026-11-20", TODAY) == TODAY
    assert deadline_of("2026-11-19", TODAY) == "requests.err.deadline_past"
    assert deadline_of((TODAY + AGENCY_AHEAD).isoformat(), TODAY) == TODAY + AGENCY_AHEAD
    assert deadline_of((TODAY + AGENCY_AHEAD + timedelta(days=1)).isoformat(), TODAY) == "requests.err.deadline_far"
    assert deadline_of("11月30日", TODAY) == "requests.err.deadline" == deadline_of("2026-02-30", TODAY)


def test_the_stages_of_a_deadline() -> None:
    deadline = date(2026, 12, 10)
    assert agency_stage(deadline, deadline - timedelta(days=3)) is None
    assert agency_stage(deadline, deadline - timedelta(days=2)) == "soon"
    assert agency_stage(deadline, deadline - timedelta(days=1)) == "soon"
    assert agency_stage(deadline, deadline) == "due" == agency_stage(deadline, deadline + timedelta(days=6))
    assert agency_stage(deadline, deadline + timedelta(days=7)) == "overdue-1"


def test_the_one_line_forms() -> None:
    assert asked_request("李大爷 | 路灯坏了", TODAY) == Asked("李大爷", "路灯坏了", "visit")
    assert asked_request("李大爷 | 路灯坏了 | 来信", TODAY) == Asked("李大爷", "路灯坏了", "letter", named=True)
    assert asked_request("李大爷 | 代办 | 养老认证 | 2026-12-10", TODAY) == Asked(
        "李大爷", "养老认证", "visit", "agency", date(2026, 12, 10)
    )
    short = asked_request("李大爷 | 代办 | 养老认证", TODAY)
    assert not isinstance(short, Asked) and short.key == "requests.agency_usage"
    late = asked_request("李大爷 | 代办 | 养老认证 | 2026-11-01", TODAY)
    assert not isinstance(late, Asked) and late.key == "requests.err.deadline_past"


async def test_a_letter_is_recorded_with_its_source(harness: Harness) -> None:
    await load_households(harness.store)
    member = harness.user(LIAISON)
    await member.send("/request 王奶奶 | 想问低保复核的事 | 来信")
    assert "来源：来信" in (await member.expect("诉求已受理，编号 #1")).text
    row = await harness.store.db.fetchone("SELECT source, kind, deadline FROM requests WHERE id = 1")
    assert row is not None and tuple(row) == ("letter", "request", None)


async def test_an_agency_with_progress_and_a_follow_up_by_the_secretary(harness: Harness) -> None:
    await load_households(harness.store)
    secretary = harness.user(SECRETARY)
    await secretary.send("/start")
    await secretary.next_message()
    harness.at(at(11, 20))
    member = harness.user(LIAISON)
    await member.send("/request 李大爷 | 代办 | 养老保险资格认证 | 2026-11-30 | 电话")
    logged = await member.expect("代办已登记，编号 #1")
    assert "11月30日（周一）前办好" in logged.text
    await member.send("/requests")
    listed = await member.expect("待办民情诉求")
    await member.press("#1", listed)
    view = await member.expect("民情诉求 #1", kind="message")
    assert "来源：电话" in view.text and "代办：11月30日（周一）前办好，代办员 李联络" in view.text
    assert view.labels() == ["开始办理", "办结", "上报支部书记", "记进展"]
    await member.press("记进展", view)
    await member.expect("现在办到哪一步", kind="message")
    await member.send("材料已交社保所，等审核")
    await member.expect("代办 #1 的进展记下了")
    await member.press("办结", view)
    await member.expect("是怎么办的", kind="message")
    await member.send("认证已通过，告诉了老人")
    resolved = await member.expect("已办结")
    # the 回访 is not the agent's own: no rating for them, the branch secretary is asked
    assert "回访不由代办员自己做" in resolved.text and not resolved.buttons
    await member.press("#1", listed)
    done = await member.expect("民情诉求 #1", kind="message")
    assert "满意" not in " ".join(done.labels())
    asked = await secretary.expect("代办 #1 已办结，请您回访")
    assert "认证已通过" in asked.text
    await secretary.press("#1", asked)
    view = await secretary.expect("民情诉求 #1", kind="message")
    await secretary.press("基本满意", view)
    await secretary.expect("满意度：基本满意")
    await member.press("#1", listed)
    again = await member.expect("民情诉求 #1", kind="message")
    assert "回访：群众基本满意" in again.text and "记进展：材料已交社保所，等审核" in again.text
    row = await harness.store.db.fetchone("SELECT state, satisfaction, kind, deadline, source FROM requests")
    assert row is not None and tuple(row) == ("resolved", "basic", "agency", "2026-11-30", "call")


async def agency_texts(harness: Harness) -> list[str]:
    rows = await harness.store.db.fetchall("SELECT key, text FROM outbox WHERE key LIKE 'agency:%' ORDER BY id")
    return [f"{r[0]} {r[1]}" for r in rows]


async def test_the_agent_is_reminded_once_per_stage(harness: Harness) -> None:
    await load_households(harness.store)
    await link(harness.store, LIAISON, SECRETARY)
    harness.at(at(11, 20))
    member = harness.user(LIAISON)
    await member.send("/request 李大爷 | 代办 | 办残疾证 | 2026-11-30")
    await member.expect("代办已登记")
    harness.at(at(11, 27))  # three days before: nothing yet
    await harness.sweep()
    assert await agency_texts(harness) == []
    harness.at(at(11, 28))
    await harness.sweep()
    await harness.sweep()  # the same stage again: not twice
    (soon,) = await agency_texts(harness)
    assert soon.startswith("agency:soon:1:2026-11-30 ") and "快到期了" in soon and "李大爷：办残疾证" in soon
    harness.at(at(11, 30))
    await harness.sweep()
    due = (await agency_texts(harness))[1:]
    assert len(due) == 1 and due[0].startswith("agency:due:1:2026-11-30 ") and "今天11月30日（周一）是截止日" in due[0]
    await harness.settle()
    while "今天11月30日（周一）是截止日" not in (reminded := await member.next_message()).text:
        pass  # the 7-day reminder, the digest and the first stage came before it
    assert reminded.labels() == ["#1"]
    await member.press("#1", reminded)
    await member.press("办结", await member.expect("民情诉求 #1", kind="message"))
    await member.expect("是怎么办的", kind="message")
    await member.send("办好了")
    await member.expect("已办结")
    harness.at(at(12, 7))  # a week late, but resolved: nothing more
    await harness.sweep()
    assert len(await agency_texts(harness)) == 2


async def test_a_secretary_names_the_agent_who_is_told(harness: Harness) -> None:
    await load_households(harness.store)
    await link(harness.store, LIAISON, SECRETARY)
    harness.at(at(11, 20))
    secretary, member = harness.user(SECRETARY), harness.user(LIAISON)
    await secretary.send("/request 李大爷 | 代办 | 办残疾证 | 2026-12-01 | 孙书记")  # a secretary of 二村: not theirs
    assert "代办员「孙书记」不在您管的支部党员里" in (await secretary.next_message()).text
    await member.send("/request 王奶奶 | 代办 | 办低保 | 2026-12-01 | 赵巡逻")  # a member names nobody but themselves
    assert "代办员「赵巡逻」不在" in (await member.next_message()).text
    await secretary.send("/request 李大爷 | 代办 | 办残疾证 | 2026-12-01 | 李联络 | 来访")
    assert "请 李联络 代办" in (await secretary.expect("代办已登记，编号 #1")).text
    told = await member.expect("代办 #1")
    assert "王书记 请您替 李大爷 办：办残疾证" in told.text and told.labels() == ["#1"]
    row = await harness.store.db.fetchone(
        "SELECT m.name, r.source, r.kind FROM requests r JOIN members m ON m.id = r.handler_id WHERE r.id = 1"
    )
    assert row is not None and tuple(row) == ("李联络", "walkin", "agency")
    await harness.nothing_more(secretary, member)
