"""Hostile user text through the real bot (docs/PRODUCT.md §4 "all user text shown back is escaped", §8): in each
place where the bot shows user text back — a status place and note (the reply, /members, the alert), a
thought report (the preview, /reports and its text), a contact note, a patrol area, mediation parties,
a notice's place and topic (the preview, the notice, /notices), names from the roster — the bot answers
(no apology, no refused send in the emulator) and the text appears literally. Text longer than a field
allows gets the field's clear message, also without a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.rights import Capability
from bot.emulator import BotMessage, EmuUser
from bot.services.kernel.commands import COMMANDS
from bot.services.members.roster import apply_roster, parse_roster
from tests.support.harness import (
    LIAISON,
    MEDIATOR,
    MIGRANT,
    OTHER_SECRETARY,
    PATROL,
    SECRETARY,
    TOM,
    Harness,
)
from tests.support.notices import saw

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, 0, tzinfo=SH)
APOLOGY = "出了点问题"
HOSTILE = [
    "<b>粗体</b>",
    "A & B",
    "<script>alert('x')</script>",
    "</i>",
    "🙂👨‍👩‍👧🇨🇳❤️",
    "&amp; &lt; &#60;",
    "Tom & <Jerry>",
]
#: All of it in one string (no `|`, single spaces: the one-line forms and whitespace folding keep it as is).
MIXED = "<b>粗体</b> A & B <script>alert('x')</script> </i> 🙂👨‍👩‍👧 &amp; &lt; Tom & <Jerry>"
REPORT = "本月学习情况：" + MIXED + "，按时参加组织生活。"
LONG = ("<汇报&>🙂" * 1000)[:5000]  # 5000 characters


def no_failure(harness: Harness) -> None:
    """Nobody got the apology, and the emulator refused nothing as malformed."""
    for user in harness.users.values():
        apologies = [m for m in user.received if APOLOGY in m.text]
        assert not apologies, apologies
    assert not harness.emu.internal_errors
    assert not harness.emu.stats.get("400"), [p for m, p in harness.emu.calls if m == "sendmessage"][-3:]


async def link(harness: Harness, *ids: int) -> None:
    for telegram_id in ids:
        user = harness.user(telegram_id)
        await user.send("/start")
        await user.next_message()


# --------------------------------------------------------------------------------------------- status


@pytest.mark.parametrize("text", [*HOSTILE, MIXED])
async def test_status_place_and_note_in_the_reply_the_alert_and_members(harness: Harness, text: str) -> None:
    await link(harness, LIAISON, SECRETARY, MIGRANT)
    migrant = harness.user(MIGRANT)
    await migrant.send(f"/status hardship | {text} | {text}")
    assert text in (await migrant.expect("已报备")).text
    for telegram_id in (LIAISON, SECRETARY):
        alert = await harness.user(telegram_id).expect("张流动")
        assert alert.text.count(text) >= 2, alert.text  # the place and the note
    secretary = harness.user(SECRETARY)
    await secretary.send("/members")
    assert f"张流动（流动党员党小组） · 生活困难（{text}）" in (await secretary.expect("一村党支部")).text
    no_failure(harness)


async def test_status_step_by_step_with_hostile_place_and_note(harness: Harness) -> None:
    member = harness.user(MIGRANT)
    await member.send("/status")
    await member.expect("请选择")
    await member.press("外出务工")
    await member.expect("您在哪里")
    await member.send(MIXED)
    await member.expect("补充")
    await member.send(MIXED)
    assert MIXED in (await member.expect("已报备")).text
    rows = await harness.store.db.fetchall("SELECT location, note FROM status_reports")
    assert [(r[0], r[1]) for r in rows] == [(MIXED, MIXED)]
    no_failure(harness)


async def test_status_too_long_is_refused_cleanly(harness: Harness) -> None:
    member = harness.user(MIGRANT)
    await member.send(f"/status away_work | {LONG} | x")
    await member.expect("太长")
    await member.send(f"/status ill | | {LONG}")
    await member.expect("太长")
    assert await harness.store.db.fetchone("SELECT 1 FROM status_reports") is None
    no_failure(harness)


# -------------------------------------------------------------------------------------------- reports


async def parts_until(user: EmuUser, complete: Callable[[list[BotMessage]], bool]) -> list[BotMessage]:
    """The messages of a text that comes in parts, up to the one that `complete` recognises as its last (a
    condition on what arrived, not a moment of silence, which a loaded machine could stretch)."""
    out = [await user.next_message(kind="message")]
    while not complete(out):
        out.append(await user.next_message(kind="message"))
    return out


async def submit(harness: Harness, telegram_id: int, text: str) -> str:
    """The member sends the report and presses Send; the preview's text (all its parts)."""
    user = harness.user(telegram_id)
    await user.send(f"/report {text}")
    parts = await parts_until(user, lambda got: bool(got[-1].buttons))  # the buttons come with the last part
    assert "预览" in parts[0].text and parts[-1].labels() == ["发送", "取消"]
    await user.press("发送", parts[-1])
    await user.expect("已提交", kind="message")
    return "".join(p.text for p in parts)


async def test_report_text_in_the_preview_and_in_reports(harness: Harness) -> None:
    harness.at(T0)
    assert REPORT in await submit(harness, MIGRANT, REPORT)
    secretary = harness.user(SECRETARY)
    await secretary.send("/reports 2026-10")
    await secretary.expect("已交 1 人")
    await secretary.press("查看 张流动")
    assert REPORT in (await secretary.expect("思想汇报", kind="message")).text
    no_failure(harness)


async def test_a_5000_character_report_is_previewed_cut_and_shown_in_full(harness: Harness) -> None:
    harness.at(T0)
    preview = await submit(harness, MIGRANT, LONG)
    assert LONG[:1500] in preview and LONG[:1501] not in preview
    assert "预览只显示前 1500 字" in preview
    secretary = harness.user(SECRETARY)
    await secretary.send("/reports 2026-10")
    await secretary.expect("已交 1 人")
    await secretary.press("查看 张流动")
    parts = await parts_until(secretary, lambda got: "".join(p.text for p in got).endswith(LONG))  # split
    assert len(parts) > 1 and "".join(p.text for p in parts).endswith(LONG)
    no_failure(harness)


async def test_reports_period_in_lower_case_quarter_form(harness: Harness) -> None:
    harness.at(T0)
    secretary = harness.user(SECRETARY)
    await secretary.send("/reports 2026-q4")  # parse_period takes it; the period's name is shown
    await secretary.expect("2026年第四季度")
    await secretary.send("/reports 9999-12")
    await secretary.expect("9999-12")
    no_failure(harness)


async def test_hostile_roster_name_in_reports_and_its_button(harness: Harness) -> None:
    name = "<i>Ann & Bob</i>"
    csv = (
        f"name,branch,category,telegram_id,report_cadence,migrant_since\n"
        f"{name},二村党支部,流动,2006,monthly,2026-01-10\n"
    )
    rows, errors = parse_roster(csv)
    assert not errors
    await apply_roster(harness.store, rows, "测试社区党委")
    harness.at(T0)
    await submit(harness, 2006, REPORT)
    secretary = harness.user(OTHER_SECRETARY)
    await secretary.send("/reports 2026-10")
    overview = await secretary.expect("已交 1 人")
    assert f"✅ {name}（二村党支部）" in overview.text
    assert f"查看 {name}" in overview.labels()  # button labels are plain text: not escaped
    await secretary.press(f"查看 {name}")
    shown = await secretary.expect("思想汇报", kind="message")
    assert name in shown.text and REPORT in shown.text
    no_failure(harness)


# -------------------------------------------------------------------------------------------- contact


async def test_contact_note_and_name_echoed_literally(harness: Harness) -> None:
    liaison = harness.user(LIAISON)
    await liaison.send(f"/contact 张流动 | {MIXED}")
    await liaison.expect("已登记")
    rows = await harness.store.db.fetchall("SELECT note FROM contacts")
    assert [r[0] for r in rows] == [MIXED]
    await liaison.send(f"/contact {MIXED} | 电话")
    assert f"「{MIXED}」不在您负责联系的党员里" in (await liaison.expect("不在")).text
    await liaison.send(f"/contact 张流动 | {LONG}")
    await liaison.expect("太长")
    assert len(await harness.store.db.fetchall("SELECT note FROM contacts")) == 1
    no_failure(harness)


# ----------------------------------------------------------------------------------------------- duty


async def test_patrol_area_and_mediation_parties_shown_literally(harness: Harness) -> None:
    patrol = harness.user(PATROL)
    await patrol.send(f"/patrol {MIXED} | 45 | {MIXED}")
    assert MIXED in (await patrol.expect("巡逻已记录")).text
    await patrol.send("/patrol")
    await patrol.expect("第 1 步")
    await patrol.send("<b>东区</b> & 🙂")
    await patrol.expect("第 2 步")
    await patrol.send("30")
    await patrol.expect("第 3 步")
    await patrol.send(MIXED)
    await patrol.expect("照片")
    await patrol.press("跳过")
    assert "<b>东区</b> & 🙂" in (await patrol.expect("巡逻已记录", kind="message")).text
    await patrol.send(f"/patrol {LONG} | 45 | 正常")
    await patrol.expect("太长")
    mediator = harness.user(MEDIATOR)
    await mediator.send(f"/mediate {MIXED} | 邻里 | resolved | {MIXED}")
    assert MIXED in (await mediator.expect("调解已记录")).text
    no_failure(harness)


# -------------------------------------------------------------------------------------------- notices


async def test_notice_place_and_topic_in_the_preview_the_notice_and_notices(harness: Harness) -> None:
    harness.at(T0)
    await link(harness, LIAISON)
    secretary = harness.user(SECRETARY)
    place, topic = "<b>村委会</b> & 🙂", MIXED
    await secretary.send(f"/notice 党课 | 2026-11-20 15:00 | {place} | {topic}")
    preview = await secretary.expect("预览")
    assert place in preview.text and topic in preview.text
    await secretary.press("发送", preview)
    await secretary.expect("已开始发送", kind="message", skipping=("会议通知",))
    await secretary.expect("通知发送完毕", kind="message", skipping=("会议通知",))  # own copy may come first
    liaison = harness.user(LIAISON)
    notice = await liaison.expect("会议通知")
    assert place in notice.text and topic in notice.text
    await liaison.send("/notices")
    assert place in (await liaison.expect("近期会议")).text
    secretary.drain()
    await liaison.press("请假", notice)
    await liaison.expect("请假原因", kind="message")
    await liaison.send(MIXED)
    assert MIXED in (await liaison.expect("已请假", kind="message")).text
    request = await saw(secretary, "请假申请")  # the leave goes to the convener to approve (issue 13)
    assert f"李联络：{MIXED}" in request.text
    secretary.drain()
    await secretary.send("/attendance")
    assert f"李联络（{MIXED}，待批）" in (await secretary.expect("请假")).text
    harness.at(datetime(2026, 11, 20, 18, 0, tzinfo=SH))  # minutes once the meeting was held (issue 13 item 6)
    await secretary.send(f"/minutes 1 | {MIXED}")
    await secretary.expect("已保存")
    await secretary.send("/minutes 1")
    assert MIXED in (await secretary.expect("的记录")).text
    harness.at(T0)
    await secretary.send(f"/notice 党课 | 2026-11-20 15:00 | 村委会 | {LONG}")
    await secretary.expect("太长")
    await secretary.send(f"/notice 党课 | {LONG} | 村委会 | 学习")
    await secretary.expect("太长")
    no_failure(harness)


# -------------------------------------------------------------------------------------- roster names


async def test_roster_name_with_html_characters_everywhere_it_is_shown(harness: Harness) -> None:
    name = "Tom & <Jerry>"
    harness.at(T0)
    secretary = harness.user(OTHER_SECRETARY)
    await secretary.send("/members")
    # not a mobile member: owes no status, so 「—」 (issue 12)
    assert f"{name} · 无需报备 · 未绑定" in (await secretary.expect("二村党支部")).text
    await secretary.send(f"/invite {name}")
    assert f"{name}（二村党支部）的专属邀请链接" in (await secretary.expect("邀请链接")).text
    await secretary.send("/notice 党课 | 2026-11-20 15:00 | 村委会 | 学习党章")
    assert name in (await secretary.expect("预览")).text  # not registered: named in the preview
    await secretary.send("/cancel")
    await secretary.expect("已取消")
    tom = harness.user(TOM)
    await tom.send("/start")
    assert name in (await tom.expect("您好")).text
    await tom.send("/status hardship | | 需要帮助")
    await tom.expect("已报备")
    alert = await secretary.expect("党员动态提醒")
    assert name in alert.text
    no_failure(harness)


# ------------------------------------------------------------------------- every command, odd arguments

#: Someone who may use each kind of command.
USER_FOR = {
    Capability.ANYONE: MIGRANT,
    Capability.MEMBER: MIGRANT,
    Capability.LIAISON: LIAISON,
    Capability.SECRETARY: SECRETARY,
    Capability.LEADER: SECRETARY,
    Capability.PATROL: PATROL,
    Capability.MEDIATION: MEDIATOR,
    Capability.POST: PATROL,
    Capability.CONVENER: SECRETARY,
    Capability.ORGANISER: SECRETARY,
    Capability.REVIEWER: SECRETARY,
    Capability.COMMITTEE: SECRETARY,
    Capability.READER: SECRETARY,  # a reader from the township: tests/members/test_township.py
    Capability.COLLECTOR: SECRETARY,  # a named 收缴人: tests/dues/test_collectors.py
    Capability.ADMIN: SECRETARY,  # no admin in the harness: the refusal must come without failing (test_health.py)
}
ODD_ARGS = [
    MIXED,
    "²",
    "٣",
    "99999999999999999999999",
    "#<b>1</b>",
    "a ｜ b ｜ c ｜ d ｜ e ｜ f",
    "|||",
    "｜",
    "&",
    "9999-12",
    "0000-Q1",
    "2026-q4",
    "2026年13月",
    "\x00\x1b",
    ("<&>🙂" * 1000)[:4000],
]


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda c: c.name)
async def test_every_command_with_odd_arguments_answers_without_failing(harness: Harness, spec: object) -> None:
    assert hasattr(spec, "name") and hasattr(spec, "capability")
    harness.at(T0)
    user = harness.user(USER_FOR[spec.capability])
    for args in ODD_ARGS:
        await user.send(f"/{spec.name} {args}")
        await user.next_message(kind=("message", "document"))
    await user.send("/cancel")
    await user.send("/help")  # updates are handled in order: once /help is answered, all the above were
    while "/help" not in (await user.next_message(kind="message")).text:
        pass
    no_failure(harness)
