"""Presence proven where the meeting is (issue 23 item 2), through the emulator with the product's default
CHECKIN_PROOF=code (and code,location): a press of 签到 without a code or location is refused for a meeting held
现场; the convener's /checkin gives a code and a QR image of its `start=ci_` link; the current code and the one
before it are accepted, an older one refused; a meeting held 线上 takes the plain button; a location within the
radius of the venue checks in, one farther away does not; 书记登记 needs a reason, and for a member whose status
says away or ill the secretary's confirmation; all of it is shown on the record and in the workbook."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.presence import code_at, distance_m, minute_of, normal_code, parse_proof
from bot.domain.rights import OrgTree
from bot.services.exports.workbook import LedgerOrder, write_ledger
from tests.support.harness import LIAISON, MEDIATOR, MIGRANT, PATROL, SECRETARY, Harness
from tests.support.notices import got, link, notices_of, saw, send_notice
from tests.support.xlsx_data import open_book, rows

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=SH)
START = datetime(2026, 3, 12, 15, 0, tzinfo=SH)
MEETING = "2026-03-12 15:00"
BRANCH_ONE = (SECRETARY, LIAISON, MIGRANT, PATROL, MEDIATOR)
HALL = (34.7466, 113.6253)  # 村委会会议室
NEAR = (34.7475, 113.6260)  # about 120 m away
FAR = (34.7700, 113.6253)  # about 2.6 km away


def test_proofs_codes_and_distances() -> None:
    assert parse_proof("code") == {"code"} and parse_proof("code,location") == {"code", "location"}
    assert parse_proof("none") == frozenset()
    for bad in ("", "qr", "code,none"):
        try:
            parse_proof(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
    moment = datetime(2026, 3, 12, 14, 50, 30, tzinfo=SH)
    code = code_at("secret", minute_of(moment))
    assert len(code) == 6 and code.isdigit()
    assert code_at("secret", minute_of(moment + timedelta(seconds=29))) == code  # the same minute
    assert normal_code(f" {code[:3]} {code[3:]} ") == code and normal_code(f"ci_{code}") == code
    assert normal_code("12345") is None and normal_code("12") is None
    assert 100 < distance_m(*HALL, *NEAR) < 140 and 2400 < distance_m(*HALL, *FAR) < 2700


async def _meeting(harness: Harness, args: str = f"党课 | {MEETING} | 村委会会议室 | 学习党章") -> int:
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    notice_id = await send_notice(harness, SECRETARY, args)
    for member in BRANCH_ONE:
        await saw(harness.user(member), "会议通知")
        harness.user(member).drain()
    return notice_id


def _code(message_text: str) -> str:
    match = re.search(r"签到码：(\d{6})", message_text)
    assert match is not None, message_text
    return match.group(1)


async def test_a_code_from_the_convener_proves_presence_on_site(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(checkin_proof="code")
    notice_id = await _meeting(harness)
    member = harness.user(LIAISON)
    notice = notices_of(member)[-1]
    assert "地点：村委会会议室（现场）" in notice.text and "扫会场的签到二维码" in notice.text
    at_door = START - timedelta(minutes=10)
    harness.at(at_door)
    await member.press("签到", notice)
    await saw(member, "现场会议要在会场签到", kind="alert")
    member.drain()
    assert await harness.store.notices.checkins(notice_id) == {}
    # the convener's code: six digits and the QR image of its deep link, sent as a photo
    secretary = harness.user(SECRETARY)
    await secretary.send(f"/checkin {notice_id}")
    shown = await secretary.expect("签到码", kind="photo")
    first = _code(shown.text)
    assert shown.document_bytes is not None and shown.document_bytes.startswith(b"\x89PNG")
    assert shown.labels() == ["刷新签到码"]
    await member.send(f"/checkin {first}")
    await member.expect("签到成功：党课「学习党章」（扫码签到）")
    # a minute later the code changed: the one before is still taken, by the deep link too
    harness.at(at_door + timedelta(minutes=1))
    await secretary.press("刷新签到码", shown)
    second = _code((await secretary.expect("签到码", kind="photo")).text)
    assert second != first
    patrol = harness.user(PATROL)
    await patrol.send(f"/start ci_{first}")
    await patrol.expect("签到成功")
    mediator = harness.user(MEDIATOR)
    await mediator.send(f"/checkin {second}")
    await mediator.expect("签到成功")
    # two minutes after it was shown, the first code is refused
    harness.at(at_door + timedelta(minutes=2))
    migrant = harness.user(MIGRANT)
    await migrant.send(f"/checkin {first}")
    await migrant.expect(f"签到码「{first}」不对，或者已经过期了")
    await migrant.send("/checkin 12")
    await migrant.expect("没有编号为 12 的会议通知")
    ins = await harness.store.notices.checkins(notice_id)
    assert {m.proof for m in ins.values()} == {"code"} and len(ins) == 3
    await secretary.send(f"/attendance {notice_id}")
    report = (await saw(secretary, "已签到：3 人")).text
    assert "（扫码）" in report


async def test_an_online_meeting_takes_the_plain_button(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(checkin_proof="code")
    harness.at(T0)
    await link(harness, *BRANCH_ONE)
    secretary = harness.user(SECRETARY)
    secretary.drain()
    await secretary.send(f"/notice 党课 | {MEETING} | 腾讯会议 123 456 | 学习党章")
    preview = await secretary.expect("预览")
    assert "（现场）" in preview.text
    await secretary.press("改为线上会议", preview)
    online = await secretary.expect("预览", kind="edit")  # the preview shown again in its place
    assert "（线上）" in online.text and "改为现场会议" in online.labels()
    await secretary.press("发送", online)
    await saw(secretary, "通知发送完毕")
    member = harness.user(LIAISON)
    notice = notices_of(member)[-1]
    assert "（线上）" in notice.text and "这是线上会议" in notice.text
    harness.at(START - timedelta(minutes=5))
    await member.press("签到", notice)
    await saw(member, "签到成功", kind="alert")
    (only,) = (await harness.store.notices.checkins(1)).values()
    assert only.proof == "button"
    secretary.drain()
    await secretary.send("/checkin 1")
    await secretary.expect("线上会议，不用签到码")


async def test_a_location_near_the_venue_proves_presence(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(checkin_proof="code,location", checkin_radius_m=300)
    notice_id = await _meeting(harness)
    secretary = harness.user(SECRETARY)
    await secretary.send("/venue 村委会会议室")
    ask = await secretary.expect("点下面的按钮发送位置")
    assert ask.reply_keyboard == [["📍 发送会场位置"]]
    await secretary.send("会场在村委会二楼")
    await secretary.expect("这一步要发送位置")
    await secretary.expect("点下面的按钮发送位置")
    await secretary.send_location(*HALL)
    await secretary.expect("已记下会场「村委会会议室」的位置")
    harness.at(START - timedelta(minutes=10))
    member = harness.user(LIAISON)
    await member.press("签到", notices_of(member)[-1])
    await saw(member, "这是现场会议，要在会场签到", kind="alert")
    asked = await member.expect("点下面的按钮发送位置", kind="message")
    assert asked.reply_keyboard == [["📍 发送我的位置签到"]]
    await member.send_location(*FAR)
    too_far = (await member.expect("要在 300 米以内才能签到")).text
    assert "大约 2.6 km" in too_far
    assert await harness.store.notices.checkins(notice_id) == {}
    await member.send_location(*NEAR)
    await member.expect("签到成功：党课「学习党章」（位置签到）")
    (only,) = (await harness.store.notices.checkins(notice_id)).values()
    assert only.proof == "location"


async def test_a_secretary_registers_with_a_reason_and_confirms_an_ill_member(harness_factory: Any) -> None:
    harness: Harness = await harness_factory(checkin_proof="code")
    notice_id = await _meeting(harness)
    ill = await harness.store.members.by_telegram_id(PATROL)
    away = await harness.store.members.by_telegram_id(MEDIATOR)
    assert ill is not None and away is not None
    await harness.store.reports.add_status(ill.id, "ill", None, "县人民医院", T0)
    await harness.store.reports.add_status(away.id, "away_work", "浙江宁波", "在厂里上班", T0)
    harness.at(START - timedelta(minutes=10))
    secretary = harness.user(SECRETARY)
    secretary.drain()
    await secretary.send(f"/attendance {notice_id} | 登记 | 赵巡逻")
    refusal = (await secretary.expect("书记登记要写明原因")).text
    assert "无智能手机、未绑定、年老体弱" in refusal
    await secretary.send(f"/attendance {notice_id} | 登记 | 赵巡逻 | 年老体弱")
    away_text = (await secretary.expect("现在报备的状态是「生病」")).text
    assert "县人民医院" in away_text and "确认" in away_text
    await secretary.send(f"/attendance {notice_id} | 登记 | 钱调解 | 无智能手机")
    await secretary.expect("现在报备的状态是「外出务工」（浙江宁波）")
    assert await harness.store.notices.checkins(notice_id) == {}
    await secretary.send(f"/attendance {notice_id} | 登记 | 赵巡逻 | 年老体弱 | 确认：昨天出院，家人送到会场")
    await secretary.expect("已登记赵巡逻到会")
    await secretary.send(f"/attendance {notice_id} | 登记 | 李联络 | 未绑定")
    await secretary.expect("已登记李联络到会")
    await secretary.send(f"/attendance {notice_id}")
    report = (await saw(secretary, "已签到：2 人")).text
    registered = "赵巡逻 下午2:50（书记登记：王书记，年老体弱：确认：昨天出院，家人送到会场；当时报备生病，书记确认）"
    assert registered in report
    assert "李联络 下午2:50（书记登记：王书记，未绑定）" in report
    harness.at(START + timedelta(hours=3))
    folder = Path(harness.settings.database_path).parent / "book"
    folder.mkdir()
    tree = OrgTree.of(await harness.store.units.all())
    order = LedgerOrder(tree, None, "zh", START + timedelta(hours=3))
    path = await write_ledger(harness.store, harness.settings, folder, order)
    seats = rows(open_book(path)["会议考勤明细"])
    header = seats[0]
    by_name = {r[header.index("姓名")]: r for r in seats[1:]}
    patrol = by_name["赵巡逻"]
    assert patrol[header.index("签到方式")] == "书记登记"
    assert patrol[header.index("登记原因")] == "年老体弱：确认：昨天出院，家人送到会场；当时报备生病，书记确认"
    assert by_name["李联络"][header.index("登记原因")] == "未绑定"
    assert got(harness.user(PATROL), "已签到", kind="edit")
