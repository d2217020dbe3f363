"""Free text from people is stored without control, bidi-override or zero-width characters, and a field that
holds nothing visible is refused like an empty one (issue 10, item 10)."""

from __future__ import annotations

from tests.support.harness import LIAISON, MIGRANT, PATROL, SECRETARY, Harness


async def test_a_status_place_is_stored_without_invisible_characters(harness: Harness) -> None:
    member = harness.user(MIGRANT)
    await member.send("/status away_work | \u202e广东\u200b东莞\x07 | 电子厂\x00上班")
    reply = await member.expect("已报备")
    assert "广东东莞" in reply.text and "\u202e" not in reply.text
    rows = await harness.store.db.fetchall("SELECT location, note FROM status_reports")
    assert [tuple(r) for r in rows] == [("广东东莞", "电子厂上班")]


async def test_a_notice_place_of_only_invisible_characters_is_refused_as_empty(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/notice 党课 | 明天 15:00 | \u200b\u2066 | 学习党章")
    await secretary.expect("地点")
    rows = await harness.store.db.fetchall("SELECT count(*) FROM notices")
    assert rows[0][0] == 0


async def test_a_patrol_area_keeps_only_what_can_be_seen(harness: Harness) -> None:
    patrol = harness.user(PATROL)
    await patrol.send("/patrol 3号楼\u202e | 45 | 正常\u2067")
    await patrol.expect("巡逻已记录")
    rows = await harness.store.db.fetchall("SELECT area, findings FROM duty_logs")
    assert [tuple(r) for r in rows] == [("3号楼", "正常")]


async def test_a_name_is_found_whatever_invisible_characters_it_carries(harness: Harness) -> None:
    """Names are compared cleaned (issue 30 item 8): a liaison's name pasted with a bidi mark, a soft hyphen and a
    tag character finds the member; a name of only invisible characters is refused like no name."""
    liaison = harness.user(LIAISON)
    await liaison.send("/contact 张\u200e流\u00ad动\U000e0041 | 电话联系，一切正常")
    await liaison.expect("已登记")
    rows = await harness.store.db.fetchall("SELECT m.name, c.note FROM contacts c JOIN members m ON m.id = c.member_id")
    assert [tuple(r) for r in rows] == [("张流动", "电话联系，一切正常")]
    secretary = harness.user(SECRETARY)
    await secretary.send("/invite \u3164\u2800\u061c")
    await secretary.expect("请写上党员姓名")
    await secretary.send("/invite 张\u00ad流\u034f动\u200f")
    link = await secretary.expect("张流动")
    assert "start=" in link.text and "\u00ad" not in link.text
