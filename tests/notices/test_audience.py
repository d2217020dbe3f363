"""The pure rules of who attends which meeting (issue 13): targets by type, who may call it, who is expected;
the 补学 date; the one-line form's target by the name the refusals list."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.models import Member, Unit
from bot.domain.rights import Actor, OrgTree
from bot.services.notices import audience
from bot.services.notices import common as rules
from bot.services.notices.common import NoticeError

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=SH)
TREE = OrgTree.of(
    [
        Unit(id=1, parent_id=None, kind="committee", name="社区党委"),
        Unit(id=2, parent_id=1, kind="branch", name="白庙村党支部"),
        Unit(id=3, parent_id=2, kind="group", name="2号楼党小组"),
        Unit(id=4, parent_id=1, kind="activity_group", name="物业服务党小组"),
        Unit(id=5, parent_id=1, kind="branch", name="李庄村党支部"),
    ]
)
# committees are the seats held (issue 23): what the roster import gives a secretary and a 支委
SECRETARY = Member(
    id=1, name="彭国华", unit_id=2, group_id=3, roles=frozenset({"secretary"}), seats=((2, "secretary"),)
)
COMMITTEE = Member(id=2, name="顾振华", unit_id=2, group_id=3, roles=frozenset({"committee"}), seats=((2, "member"),))
LEADER = Member(id=3, name="贾美玲", unit_id=2, group_id=3, roles=frozenset({"group_leader"}))
PROBATIONARY = Member(id=4, name="丁美玲", unit_id=2, membership="probationary", activity_group_id=4)
TOP = Member(id=5, name="江建军", unit_id=1, roles=frozenset({"secretary"}), seats=((1, "secretary"),))
OTHER = Member(id=6, name="唐永刚", unit_id=5, roles=frozenset({"secretary"}), seats=((5, "secretary"),))
EVERYONE = [SECRETARY, COMMITTEE, LEADER, PROBATIONARY, TOP, OTHER]


@pytest.mark.parametrize(
    ("kind", "units"),
    [
        ("general", {2}),
        ("committee", {2}),
        ("life", {2}),
        ("group", {3}),
        ("lecture", {2, 3}),
        ("partyday", {2, 3}),
        ("party_committee", set()),
        ("other", {2, 3}),
    ],
)
def test_a_branch_secretary_calls_each_type_for_the_fitting_units(kind: str, units: set[int]) -> None:
    assert audience.callable_units(Actor(1001, SECRETARY), kind, TREE) == units


def test_the_community_secretary_calls_the_party_committee_and_community_wide_lectures() -> None:
    top = Actor(3001, TOP)
    assert audience.callable_units(top, "party_committee", TREE) == {1}
    assert audience.callable_units(top, "lecture", TREE) == {1, 2, 3, 4, 5}
    assert audience.callable_units(top, "group", TREE) == {3, 4}


def test_a_group_leader_calls_their_group_meeting_only() -> None:
    leader = Actor(1003, LEADER)
    assert audience.kinds_for(leader, TREE) == ["group"]
    assert audience.callable_units(leader, "group", TREE) == {3}
    assert audience.kinds_for(Actor(1004, PROBATIONARY), TREE) == []


def test_who_is_expected() -> None:
    names = {
        kind: [m.name for m in audience.expected(kind, unit, TREE, EVERYONE)]
        for kind, unit in (("general", 2), ("committee", 2), ("group", 4), ("party_committee", 1))
    }
    assert names == {
        "general": ["彭国华", "顾振华", "贾美玲", "丁美玲"],
        "committee": ["彭国华", "顾振华"],
        "group": ["丁美玲"],
        "party_committee": ["江建军"],
    }
    assert len(audience.expected("lecture", 1, TREE, EVERYONE)) == 6


def test_a_mismatch_is_refused_naming_the_right_targets() -> None:
    with pytest.raises(NoticeError) as caught:
        rules.choose_target(Actor(1001, SECRETARY), "group", "白庙村党支部", TREE)
    assert caught.value.key == "notice.err.target" and caught.value.params["units"] == ["白庙村党支部 2号楼党小组"]
    with pytest.raises(NoticeError) as caught:
        rules.choose_target(Actor(1003, LEADER), "general", None, TREE)
    assert caught.value.key == "notice.err.no_target"


@pytest.mark.parametrize(
    "value", ["白庙村党支部 2号楼党小组", "白庙村党支部2号楼党小组", "2号楼党小组", " 2号楼党小组 "]
)
def test_a_group_is_found_by_the_name_the_refusal_lists(value: str) -> None:
    assert rules.choose_target(Actor(1001, SECRETARY), "group", value, TREE) == 3


def test_a_makeup_day_is_between_the_meeting_and_today() -> None:
    start = datetime(2026, 3, 12, 15, 0, tzinfo=SH)
    assert rules.parse_makeup_day("03-15", start, NOW, SH) == date(2026, 3, 15)
    assert rules.parse_makeup_day("2026-03-12", start, NOW, SH) == date(2026, 3, 12)
    for bad, key in (
        ("03-11", "notice.err.day_range"),
        ("03-21", "notice.err.day_range"),
        ("昨天", "notice.err.day"),
        ("02-30", "notice.err.day"),
    ):
        with pytest.raises(NoticeError) as caught:
            rules.parse_makeup_day(bad, start, NOW, SH)
        assert caught.value.key == key, bad


def test_a_meeting_in_some_minutes() -> None:
    assert rules.parse_when("20分钟后", NOW, SH) == datetime(2026, 3, 20, 9, 20, tzinfo=SH)
    assert rules.parse_when("in 45 min", NOW, SH) == datetime(2026, 3, 20, 9, 45, tzinfo=SH)
