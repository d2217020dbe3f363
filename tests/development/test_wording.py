"""What the register's record and its reports say, in both languages (issue 24): days in words (出生日期 with its
year, 提交 and 已交 as 5月5日（周二）), a report the person handed in marked （本人交）, the English lines with the
English punctuation, and the secretary told what to press."""

from __future__ import annotations

from tests.support.development import ACTIVIST, at, hand_in, steps
from tests.support.harness import SECRETARY, Harness

REPORT = "这个季度我跟着老党员学习党章，参加了村里清理河道的义务劳动，也帮五保户收了玉米。"


async def test_the_record_and_the_report_read_in_words(harness: Harness) -> None:
    await steps(harness.store, harness.settings)
    secretary = harness.user(SECRETARY)
    await secretary.send("/help")
    await secretary.next_message()
    harness.at(at("2026-05-05"))
    activist = harness.user(ACTIVIST, "王小明")
    await hand_in(activist, REPORT)
    told = await secretary.expect("交来了2026年第二季度的思想汇报")
    assert "请点「看汇报」，看过点「已阅」。" in told.text
    await secretary.press("看汇报", told)
    shown = (await secretary.expect(REPORT[:10])).text
    assert "（5月5日（周二） 提交）" in shown and "2026-05-05" not in shown
    await secretary.send("/reports")
    assert "已交 5月5日（周二）" in (await secretary.expect("2026年5月思想汇报")).text

    await secretary.send("/development 王小明")
    record = (await secretary.expect("出生日期")).text
    assert "出生日期：2001年5月16日" in record
    assert "5月5日（周二） 交思想汇报（本人交）" in record and "—" not in record
    await secretary.send("/lang en")
    await secretary.next_message()
    await secretary.send("/development 王小明")
    english = (await secretary.expect("Born")).text
    assert "Born: 16 May 2001" in english and "：" not in english and "；" not in english
    assert "chosen as activist: 李联络, 赵巡逻" in english
    assert "Tue 5 May thought report handed in (handed in by the person)" in english
