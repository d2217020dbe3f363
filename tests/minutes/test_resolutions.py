"""Resolutions decided by the record (issue 23 item 1), through the emulator: a 支部党员大会 of 白庙村党支部 with 24
members with a vote. 7 赞成 of 24 is 未通过 with the threshold shown, 13 is 通过; a 转正 vote counts the written
opinions handed in before the meeting (never more than those absent); an election with 19 of 24 present is
refused and one with 20 accepted; the outcome is kept, shown again and exported."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.services.exports.export import export_files
from bot.store import Store
from tests.support.harness import Harness, load_roster
from tests.support.ledger import at, meeting
from tests.support.notices import link

SECRETARY = 5000
#: 24 members of 白庙村党支部, every one a full member with a vote; the secretary is the first.
NAMES = ["彭书记", *(f"党员{n:02d}" for n in range(1, 24))]
START = at(3, 20, 15)


def roster(path: Path) -> Path:
    lines = ["name,branch,roles,telegram_id"]
    lines += [f"{name},白庙村党支部,{'secretary' if i == 0 else ''},{SECRETARY + i}" for i, name in enumerate(NAMES)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def assembly(harness_factory: Any, tmp_path: Path, present: int, topic: str = "党员大会") -> Harness:
    """A 支部党员大会 of the 24, held (the clock an hour after its start) with `present` of them checked in."""
    store = await Store.open(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, roster(tmp_path / "baimiao.csv"))
        await meeting(store, "白庙村党支部", "general", START, present=present, topic=topic, minutes=False)
    finally:
        await store.close()
    harness: Harness = await harness_factory(load=False)
    harness.at(START + timedelta(hours=1))
    await link(harness, SECRETARY)
    return harness


async def to_resolutions(harness: Harness) -> None:
    """/minutes 1 up to 添加决议: host and recorder pressed, the content typed, 已记 0 条决议 shown."""
    secretary = harness.user(SECRETARY)
    await secretary.send("/minutes 1")
    await secretary.expect("会议 #1 的记录")
    await secretary.press("彭书记", await secretary.expect("主持人"))
    await secretary.press("党员01", await secretary.expect("记录人"))
    await secretary.expect("会议内容")
    await secretary.send("讨论刘海涛同志转正。")
    await secretary.press("内容写完了", await secretary.expect("已记下"))
    await secretary.expect("已记 0 条决议")


async def resolution(harness: Harness, kind: str, text: str, votes: str, written: str | None = None) -> str:
    """添加决议 of this kind with its votes (and written opinions, or none): the line recorded."""
    secretary = harness.user(SECRETARY)
    await secretary.press("添加决议")  # under 已记 N 条决议, or under the line just recorded
    await secretary.press(kind, await secretary.expect("哪一类"))
    await secretary.expect("决议的内容")
    await secretary.send(text)
    ask = (await secretary.expect("赞成 反对 弃权")).text
    assert "通过的条件：" in ask
    await secretary.send(votes)
    if kind in ("接收预备党员", "预备党员转正"):
        asked = await secretary.expect("书面意见")
        if written is None:
            await secretary.press("没有书面意见", asked)
        else:
            await secretary.send(written)
    recorded = await secretary.expect("已记下这条决议")
    return recorded.text


async def test_seven_of_twenty_four_fails_and_thirteen_passes(harness_factory: Any, tmp_path: Path) -> None:
    harness = await assembly(harness_factory, tmp_path, present=14)
    secretary = harness.user(SECRETARY)
    await to_resolutions(harness)
    seven = await resolution(harness, "预备党员转正", "同意刘海涛同志转为正式党员", "7 0 6")
    assert "未通过" in seven and "须超过应到会有表决权党员半数，至少 13 票" in seven
    twelve = await resolution(harness, "一般事项", "同意修缮党员活动室", "12 1 1")
    assert "未通过" in twelve and "至少 13 票" in twelve
    thirteen = await resolution(harness, "一般事项", "同意开展冬季送温暖", "13 0 1")
    assert "通过" in thirteen and "未通过" not in thirteen and "至少 13 票" in thirteen
    await secretary.press("完成")
    preview = await secretary.expect("请核对")
    assert "同意刘海涛同志转为正式党员〔预备党员转正〕（赞成 7 票，反对 0 票，弃权 6 票） —— 未通过" in preview.text
    await secretary.press("保存", preview)
    await secretary.expect("决议 3 条")
    saved = await harness.store.minutes.get(1)
    assert saved is not None
    assert [(r.kind, r.passed, r.rule, r.base, r.needed) for r in saved.resolutions] == [
        ("confirm", False, "expected_voters", 24, 13),
        ("ordinary", False, "expected_voters", 24, 13),
        ("ordinary", True, "expected_voters", 24, 13),
    ]
    await secretary.send("/minutes 1")
    shown = (await secretary.expect("会议 #1 的记录")).text
    assert shown.count("未通过") == 2 and "同意开展冬季送温暖（赞成 13 票，反对 0 票，弃权 1 票） —— 通过" in shown
    files = await export_files(harness.store)
    rows = list(csv.DictReader(io.StringIO(files["resolutions.csv"].decode("utf-8-sig"))))
    assert [(r["kind"], r["outcome"], r["needed"]) for r in rows] == [
        ("confirm", "failed", "13"),
        ("ordinary", "failed", "13"),
        ("ordinary", "passed", "13"),
    ]


async def test_a_confirmation_counts_the_written_opinions(harness_factory: Any, tmp_path: Path) -> None:
    harness = await assembly(harness_factory, tmp_path, present=14)
    secretary = harness.user(SECRETARY)
    await to_resolutions(harness)
    await secretary.press("添加决议")
    await secretary.press("预备党员转正", await secretary.expect("哪一类"))
    await secretary.expect("决议的内容")
    await secretary.send("同意刘海涛同志转为正式党员")
    assert "书面意见计入" in (await secretary.expect("赞成 反对 弃权")).text
    await secretary.send("11 1 2")
    await secretary.expect("书面意见")
    await secretary.send("9 2 0")  # ten absent with a vote: eleven written opinions cannot be
    over = (await secretary.expect("书面意见对不上")).text
    assert "加起来 11 份" in over and "只有 10 人" in over
    await secretary.expect("书面意见")
    await secretary.send("2 0 0")
    line = (await secretary.expect("已记下这条决议")).text
    assert "书面意见：赞成 2、反对 0、弃权 0" in line and "—— 通过" in line
    await secretary.press("完成")
    await secretary.press("保存", await secretary.expect("请核对"))
    await secretary.expect("决议 1 条")
    saved = await harness.store.minutes.get(1)
    assert saved is not None
    (only,) = saved.resolutions
    assert (only.kind, only.yes, only.written_yes, only.passed) == ("confirm", 11, 2, True)


async def test_an_election_needs_twenty_of_twenty_four(harness_factory: Any, tmp_path: Path) -> None:
    harness = await assembly(harness_factory, tmp_path, present=19, topic="选举支部委员会")
    secretary = harness.user(SECRETARY)
    await secretary.send("/minutes 1")
    template = (await secretary.expect("会议 #1 的记录")).text
    assert "选举须有超过五分之四有选举权的党员到会（应到 24 人，至少 20 人）：实到 19 人，不能进行选举" in template
    await secretary.expect("主持人")
    await secretary.send("/cancel")
    await secretary.expect("已取消")
    await to_resolutions(harness)
    await secretary.press("添加决议")
    await secretary.press("选举", await secretary.expect("哪一类"))
    refusal = (await secretary.expect("不能进行选举")).text
    assert "应到 24 人，至少要 20 人，实到只有 19 人" in refusal
    assert (await harness.store.minutes.get(1)) is None


async def test_an_election_with_twenty_present_elects_with_more_than_half_of_them(
    harness_factory: Any, tmp_path: Path
) -> None:
    harness = await assembly(harness_factory, tmp_path, present=20, topic="选举支部委员会")
    await to_resolutions(harness)
    ten = await resolution(harness, "选举", "选举党员02为支部委员", "10 8 2")
    assert "未通过" in ten and "须超过实到会有选举权党员半数，至少 11 票" in ten
    eleven = await resolution(harness, "选举", "选举党员03为支部委员", "11 8 1")
    assert "—— 通过" in eleven and "至少 11 票" in eleven
