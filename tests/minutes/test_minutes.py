"""Minutes from the record (issue 13 item 6), through the emulator on tests/data/org.csv: the template is
prefilled with the meeting and its attendance; 主持人 and 记录人 are chosen (a member the record shows absent is
refused); a resolution whose votes exceed those present with a vote is refused, a correct one saved; no
resolution without a quorum; a meeting not yet held and a member without the right are refused; the saved
minutes are shown; a restart mid-minutes continues; the exports carry the fields."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import running
from bot.domain.rights import OrgTree
from bot.emulator import BotApiEmulator
from bot.services.exports.export import export_files
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.services.minutes.rules import check_votes, parse_votes
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import SMALL_ROSTER, Harness, build_app, load_roster, stop_sweep_job
from tests.support.meetings import BRANCH_ONE, COMMUNITY, LI, MEETING, QIAN, START, SUN, T0, WANG, WU, ZHANG, ZHAO
from tests.support.notices import link, notices_of, saw, send_notice
from tests.support.roster import ORG
from tests.support.xlsx_data import NOW, SETTINGS, open_book, rows, seed


async def _harness(harness_factory: Any, tmp_path: Path) -> Harness:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, ORG)
    finally:
        await store.close()
    harness: Harness = await harness_factory(load=False)
    await _meeting(harness)
    return harness


async def _meeting(harness: Harness, *present: int, kind: str = "支部党员大会", topic: str = "选举支部委员") -> int:
    """A meeting of 一村党支部 held: those `present` checked in (王书记, 李委员, 赵组长, 钱预备 by default: three
    of the four with a vote), the clock two hours after its start."""
    harness.at(T0)
    await link(harness, COMMUNITY, *BRANCH_ONE, WU)
    notice_id = await send_notice(harness, WANG, f"{kind} | {MEETING} | 村委会 | {topic}")
    harness.at(START - timedelta(minutes=10))
    for member in present or (WANG, LI, ZHAO, QIAN):
        await harness.user(member).press("签到", notices_of(harness.user(member))[-1])
        await saw(harness.user(member), "签到成功", kind="alert")
    harness.at(START + timedelta(hours=2))
    harness.user(WANG).drain()
    return notice_id


def test_votes_are_three_whole_numbers_and_never_more_than_may_vote() -> None:
    assert parse_votes("3 0 1") == (3, 0, 1)
    assert parse_votes("赞成３，反对0，弃权1") == (3, 0, 1)
    assert parse_votes("3 0") is None and parse_votes("三票") is None and parse_votes("1 2 3 4") is None
    assert check_votes((3, 0, 1), 4) is None
    problem = check_votes((4, 0, 1), 4)
    assert problem is not None and problem.key == "over" and problem.params == {"cast": 5, "limit": 4}
    none = check_votes((0, 0, 0), 4)
    assert none is not None and none.key == "none"


async def test_minutes_from_the_record_step_by_step(harness_factory: Any, tmp_path: Path) -> None:
    harness = await _harness(harness_factory, tmp_path)
    secretary = harness.user(WANG)
    await secretary.send("/minutes 1")
    template = (await secretary.expect("会议 #1 的记录")).text
    assert "支部党员大会" in template and "村委会" in template and "议题：选举支部委员" in template
    assert "应到 6 人、实到 4 人、请假 0 人、缺席 2 人" in template
    assert "实到：王书记、李委员、赵组长、钱预备" in template and "缺席：孙外来、张流动" in template
    assert "有表决权的党员应到 4 人、实到 3 人，超过半数，可以进行表决" in template
    ask = await secretary.expect("主持人")
    assert ask.labels() == ["王书记", "李委员", "赵组长", "钱预备"]
    await secretary.press("王书记", ask)
    await secretary.expect("记录人")
    await secretary.send("孙外来")  # absent by the record
    await secretary.expect("孙外来这次缺席")
    await secretary.press("李委员", await secretary.expect("记录人"))
    await secretary.expect("会议内容")
    await secretary.send_photo()
    await secretary.expect("这一步请打字写会议内容，或者发一段语音")
    await secretary.expect("会议内容")
    await secretary.send("一、学习党章。\n二、选举支部委员。")
    await secretary.press("内容写完了", await secretary.expect("已记下"))
    await secretary.press("添加决议", await secretary.expect("已记 0 条决议"))
    kinds = await secretary.expect("哪一类")
    assert kinds.labels() == ["一般事项", "接收预备党员", "预备党员转正", "选举", "处分"]
    await secretary.press("选举", kinds)  # 3 of the 4 with a vote: an election needs more than four fifths
    refusal = (await secretary.expect("不能进行选举")).text
    assert "应到 4 人，至少要 4 人，实到只有 3 人" in refusal
    await secretary.press("添加决议", await secretary.expect("已记 0 条决议"))
    await secretary.press("一般事项", await secretary.expect("哪一类"))
    await secretary.expect("决议的内容")
    await secretary.send("同意李委员任组织委员")
    await secretary.expect("最多 3 人可以投票")
    await secretary.send("4 0 0")
    refusal = (await secretary.expect("票数对不上")).text
    assert "加起来 4 票" in refusal and "有表决权的只有 3 人" in refusal and "3 0 0" in refusal
    await secretary.expect("赞成 反对 弃权")  # asked again
    await secretary.send("赞成2 反对0 弃权1")
    await secretary.press("完成", await secretary.expect("已记 1 条决议"))
    preview = await secretary.expect("请核对")
    assert "主持人：王书记" in preview.text and "记录人：李委员" in preview.text
    assert "1. 同意李委员任组织委员（赞成 2 票，反对 0 票，弃权 1 票） —— 未通过" in preview.text
    assert "须超过应到会有表决权党员半数，至少 3 票" in preview.text
    assert "二、选举支部委员" in preview.text
    await secretary.press("保存", preview)
    await secretary.expect("会议 #1 的记录已保存（决议 1 条）")
    saved = await harness.store.minutes.get(1)
    assert saved is not None and (saved.host, saved.recorder, saved.saved_by) == ("王书记", "李委员", "王书记")
    assert [(r.text, r.yes, r.no, r.abstain) for r in saved.resolutions] == [("同意李委员任组织委员", 2, 0, 1)]
    # shown when asked again, with 重新填写
    await secretary.send("/minutes 1")
    shown = await secretary.expect("会议 #1 的记录")
    assert "主持人：王书记" in shown.text and "赞成 2 票" in shown.text and shown.labels() == ["重新填写"]
    await secretary.press("重新填写", shown)
    await secretary.expect("会议 #1 的记录")
    await secretary.expect("主持人")
    await secretary.send("/cancel")
    await secretary.expect("已取消")
    # the exports carry the minutes' fields
    files = await export_files(harness.store)
    notices = list(csv.DictReader(io.StringIO(files["notices.csv"].decode("utf-8-sig"))))
    assert (notices[0]["host"], notices[0]["recorder"], notices[0]["resolutions"]) == ("王书记", "李委员", "1")
    resolutions = list(csv.DictReader(io.StringIO(files["resolutions.csv"].decode("utf-8-sig"))))
    assert [(r["notice_id"], r["number"], r["resolution"], r["yes"], r["no"], r["abstain"]) for r in resolutions] == [
        ("1", "1", "同意李委员任组织委员", "2", "0", "1")
    ]


async def test_no_resolution_without_a_quorum(harness_factory: Any, tmp_path: Path) -> None:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, ORG)
    finally:
        await store.close()
    harness: Harness = await harness_factory(load=False)
    await _meeting(harness, WANG, QIAN, SUN)  # one of the four with a vote
    secretary = harness.user(WANG)
    await secretary.send("/minutes 1")
    assert "不到半数，不能进行表决" in (await secretary.expect("会议 #1 的记录")).text
    await secretary.expect("主持人")
    await secretary.send("钱预备")
    await secretary.expect("记录人")
    await secretary.send("王书记")
    await secretary.expect("会议内容")
    await secretary.send("学习党章")
    await secretary.press("内容写完了", await secretary.expect("已记下"))
    await secretary.press("添加决议", await secretary.expect("已记 0 条决议"))
    refusal = (await secretary.expect("不能形成决议")).text
    assert "应到 4 人、实到 1 人" in refusal and "达不到法定人数" in refusal
    await secretary.press("完成", await secretary.expect("已记 0 条决议"))
    await secretary.press("保存", await secretary.expect("请核对"))
    await secretary.expect("决议 0 条")
    saved = await harness.store.minutes.get(1)
    assert saved is not None and saved.resolutions == () and saved.host == "钱预备"


async def test_not_held_not_yours_and_the_quick_note(harness_factory: Any, tmp_path: Path) -> None:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, ORG)
    finally:
        await store.close()
    harness: Harness = await harness_factory(load=False)
    harness.at(T0)
    await link(harness, COMMUNITY, *BRANCH_ONE, WU)
    await send_notice(harness, WANG, f"党课 | {MEETING} | 村委会 | 学习党章 | 一村党支部 | 李委员")
    secretary = harness.user(WANG)
    await secretary.send("/minutes 1")
    await secretary.expect("会议 #1 还没有开")
    harness.at(START - timedelta(minutes=5))
    for present in (LI, ZHAO):
        await harness.user(present).press("签到", notices_of(harness.user(present))[-1])
        await saw(harness.user(present), "签到成功", kind="alert")
    harness.at(START + timedelta(hours=1))
    member = harness.user(ZHANG)
    member.drain()
    await member.send("/minutes 1")
    await member.expect("只有")  # the command's refusal: secretaries only
    await harness.nothing_more(member)
    other = harness.user(WU)  # the secretary of another branch
    other.drain()
    await other.send("/minutes 1")
    await other.expect("没有编号为 1 的会议通知")
    await secretary.send("/minutes 1 | 学习了党章第一章")
    await secretary.expect("会议内容已更新")
    await secretary.send("/minutes 1")
    shown = (await secretary.expect("会议 #1 的记录")).text
    assert "主题：学习党章" in shown and "授课人：李委员" in shown and "学习了党章第一章" in shown
    assert await harness.store.minutes.get(1) is not None
    # a 党课 counts no quorum: votes cannot exceed 实到; a typed name the record shows absent is refused
    await secretary.press("重新填写")
    await secretary.expect("会议 #1 的记录")
    assert (await secretary.expect("主持人")).labels() == ["李委员", "赵组长"]
    await secretary.send("孙外来")
    await secretary.expect("孙外来这次缺席")
    await secretary.expect("主持人")
    await secretary.send("镇党委王干事")
    await secretary.expect("记录人")
    await secretary.send_sticker()
    await secretary.expect("这一步要打字回复")
    await secretary.expect("记录人")
    await secretary.send("镇党委王干事")
    await secretary.expect("会议内容")
    await secretary.send("学习党章第一章")
    await secretary.press("内容写完了", await secretary.expect("已记下"))
    await secretary.press("添加决议", await secretary.expect("已记 0 条决议"))
    await secretary.expect("决议的内容")
    await secretary.send("大家写心得")
    await secretary.expect("最多 2 人可以投票")
    await secretary.send("3 0 0")
    assert "可实到只有 2 人" in (await secretary.expect("票数对不上")).text
    await secretary.expect("最多 2 人可以投票")
    await secretary.send("/cancel")
    await secretary.expect("已取消")
    kept = await harness.store.minutes.get(1)
    assert kept is not None and kept.host is None and kept.content == "学习了党章第一章"  # 重新填写 saved nothing


async def test_a_restart_mid_minutes_continues(emulator: BotApiEmulator, store: Store, settings: Any) -> None:
    await load_roster(store, ORG)
    app = build_app(settings, store, emulator)
    async with running(app, poll_timeout=1):
        stop_sweep_job(app)
        harness = Harness(emulator, store, settings, app)
        await _meeting(harness)
        secretary = harness.user(WANG)
        await secretary.send("/minutes 1")
        await secretary.expect("会议 #1 的记录")
        await secretary.press("赵组长", await secretary.expect("主持人"))
        await secretary.expect("记录人")
    secretary.drain()
    app = build_app(settings, store, emulator)
    async with running(app, poll_timeout=1):
        stop_sweep_job(app)
        harness = Harness(emulator, store, settings, app)
        harness.at(START + timedelta(hours=3))
        await secretary.send("李委员")
        await secretary.expect("会议内容")
        await secretary.send("学习党章")
        await secretary.press("内容写完了", await secretary.expect("已记下"))
        await secretary.press("完成", await secretary.expect("已记 0 条决议"))
        preview = await secretary.expect("请核对")
        assert "主持人：赵组长" in preview.text and "记录人：李委员" in preview.text


async def test_the_workbook_names_host_and_recorder(store: Store, tmp_path: Path) -> None:
    """三会一课台账: 主持人 and 记录人 come from the saved minutes (only those two cells are this issue's)."""
    await load_roster(store, SMALL_ROSTER)
    await seed(store)
    row = await store.db.fetchone(  # the first 支部党员大会 held (the ledger lists held meetings only)
        "SELECT n.id FROM notices n WHERE n.cancelled_at IS NULL AND n.kind = 'general' "
        "AND EXISTS (SELECT 1 FROM checkins k WHERE k.notice_id = n.id) ORDER BY n.starts_at LIMIT 1"
    )
    assert row is not None
    await store.minutes.save(row[0], "王书记", "李联络", "学习党章", [], None, datetime(2026, 3, 11, tzinfo=UTC))
    tree = OrgTree.of(await store.units.all())
    (tmp_path / "book").mkdir()
    book = await write_ledger(store, SETTINGS, tmp_path / "book", LedgerOrder(tree, None, "zh", NOW))
    table = rows(open_book(book)["三会一课台账"])
    host, recorder = table[0].index("主持人"), table[0].index("记录人")
    meetings = [r for r in table[1:] if r[1] == "支部党员大会"]
    assert len(meetings) >= 2
    assert (meetings[0][host], meetings[0][recorder]) == ("王书记", "李联络")
    assert (meetings[1][host], meetings[1][recorder]) == (None, None)  # no minutes: blank, as on paper


async def test_no_resolution_when_nobody_checked_in(harness_factory: Any, tmp_path: Path) -> None:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, ORG)
    finally:
        await store.close()
    harness: Harness = await harness_factory(load=False)
    harness.at(T0)
    await link(harness, COMMUNITY, *BRANCH_ONE, WU)
    await send_notice(harness, WANG, f"主题党日 | {MEETING} | 村委会 | 打扫村道")
    harness.at(START + timedelta(hours=3))
    secretary = harness.user(WANG)
    await secretary.send("/minutes 1")
    assert "应到 6 人、实到 0 人、请假 0 人、缺席 6 人" in (await secretary.expect("会议 #1 的记录")).text
    await secretary.expect("主持人")
    await secretary.send("王书记")
    await secretary.expect("王书记这次缺席")
    await secretary.expect("主持人")
    await secretary.send("镇党委李干事")
    await secretary.expect("记录人")
    await secretary.send("镇党委李干事")
    await secretary.expect("会议内容")
    await secretary.send("打扫了村道")
    await secretary.press("内容写完了", await secretary.expect("已记下"))
    await secretary.press("添加决议", await secretary.expect("已记 0 条决议"))
    await secretary.expect("没有人到会，没人能表决")
    await secretary.press("完成", await secretary.expect("已记 0 条决议"))
    await secretary.press("保存", await secretary.expect("请核对"))
    await secretary.expect("决议 0 条")


async def test_a_host_is_present_or_outside_the_roster_never_another_branchs_member(
    harness_factory: Any, tmp_path: Path
) -> None:
    """Issue 30 item 9: a typed host or recorder is someone present, or someone the roster does not know (a
    township official); a member of another branch, or one the record shows absent, is refused."""
    harness = await _harness(harness_factory, tmp_path)
    secretary = harness.user(WANG)
    await secretary.send("/minutes 1")
    await secretary.expect("会议 #1 的记录")
    await secretary.expect("主持人")
    await secretary.send("吴书记")  # 二村党支部's secretary: on the roster, not at this meeting
    refused = await secretary.expect("吴书记是名册里的党员")
    assert "镇党委 李明" in refused.text
    await secretary.expect("主持人")  # asked again
    await secretary.send("社区书记")  # the community's secretary: not expected at a branch meeting
    await secretary.expect("社区书记是名册里的党员")
    await secretary.expect("主持人")
    await secretary.send("张流动")  # expected, absent
    await secretary.expect("张流动这次缺席")
    await secretary.expect("主持人")
    await secretary.send("镇党委 李明")  # a township official
    await secretary.expect("记录人")
    await secretary.send("赵 组长")  # present, typed with a space: the roster's spelling is kept
    await secretary.expect("会议内容")
    await secretary.send("学习党章。")
    await secretary.press("内容写完了", await secretary.expect("已记下"))
    await secretary.press("完成", await secretary.expect("已记 0 条决议"))
    preview = await secretary.expect("请核对")
    assert "主持人：镇党委 李明" in preview.text and "记录人：赵组长" in preview.text


async def test_the_content_takes_several_messages_and_a_voice_and_drops_nothing(
    harness_factory: Any, tmp_path: Path
) -> None:
    """Issue 23 item 4: 会议内容 in three messages keeps all three, a voice message goes with it, and text typed
    later (while the resolutions are asked, before a kind is pressed, on the preview) is kept, never dropped."""
    harness = await _harness(harness_factory, tmp_path)
    secretary = harness.user(WANG)
    await secretary.send("/minutes 1")
    await secretary.expect("会议 #1 的记录")
    await secretary.press("王书记", await secretary.expect("主持人"))
    await secretary.press("李委员", await secretary.expect("记录人"))
    asked = await secretary.expect("会议内容")
    assert "可以分几条消息发" in asked.text and asked.labels() == []  # 内容写完了 once something is written
    for part in ("一、传达上级精神。", "二、讨论秋收安排。", "三、布置联户走访。"):
        await secretary.send(part)
        shown = await secretary.expect("已记下")
        assert shown.labels() == ["内容写完了"]
    assert "会议内容现在有 3 段" in shown.text
    await secretary.send_voice()
    assert "还有一段 5 秒的语音" in (await secretary.expect("已记下")).text
    await secretary.press("内容写完了")
    await secretary.expect("已记 0 条决议")
    await secretary.send("四、补充：下周检查消防。")  # after the content step: added, not dropped
    assert "现在 4 段" in (await secretary.expect("已经加到会议内容后面了")).text
    await secretary.press("添加决议", await secretary.expect("已记 0 条决议"))
    await secretary.expect("哪一类")
    await secretary.send("同意开展秋季消防检查")  # typed before the kind: kept
    await secretary.expect("决议的内容记下了")
    await secretary.press("一般事项", await secretary.expect("这条决议是哪一类"))
    await secretary.expect("同意开展秋季消防检查\n请填表决票数")  # straight to the vote: the text was kept
    await secretary.send("3 0 0")
    await secretary.press("完成", await secretary.expect("已记下这条决议"))
    preview = (await secretary.expect("请核对")).text
    for part in ("一、传达上级精神。", "二、讨论秋收安排。", "三、布置联户走访。", "四、补充：下周检查消防。"):
        assert part in preview
    assert "附会议录音：语音 5 秒" in preview and "同意开展秋季消防检查" in preview
    await secretary.press("保存")
    await secretary.expect("会议 #1 的记录已保存（决议 1 条）")
    saved = await harness.store.minutes.get(1)
    assert saved is not None and saved.voice_seconds == 5 and saved.voice_file_id
    assert saved.content.split("\n") == [
        "一、传达上级精神。",
        "二、讨论秋收安排。",
        "三、布置联户走访。",
        "四、补充：下周检查消防。",
    ]
