"""The organisation's derived facts (issue 12, item 3): who votes, 党龄, a unit's committee, the leader of a
group, the voters of a unit — pure rules, the Member model's properties, and a unit's roll from the store."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.models import Member
from bot.domain.organisation import has_vote, party_years, party_years_unknown, whole_years
from bot.services.members.organisation import committee_of, group_leader_of, members_of, unit_roll, voters_of
from bot.services.members.roster import apply_roster
from bot.store import Store
from tests.support.roster import COMMUNITY, ORG, rows_of


def names(members: list[Member] | Member | None) -> list[str]:
    if members is None:
        return []
    return [m.name for m in (members if isinstance(members, list) else [members])]


@pytest.mark.parametrize(
    ("membership", "relation", "votes"),
    [
        ("full", "here", True),
        ("probationary", "here", False),
        ("full", "elsewhere", False),
        ("probationary", "elsewhere", False),
    ],
)
def test_only_full_members_whose_relation_is_here_vote(membership: str, relation: str, votes: bool) -> None:
    assert has_vote(membership, relation) is votes
    assert Member(id=1, name="甲", unit_id=1, membership=membership, relation=relation).votes is votes


def test_a_member_votes_by_default() -> None:
    """Every member of a roster without the new columns (and of every database before them) votes."""
    assert Member(id=1, name="甲", unit_id=1).votes


@pytest.mark.parametrize(
    ("confirmed", "membership", "years", "unknown"),
    [
        (date(2001, 6, 20), "full", 25, False),  # from 转正 (confirmed)
        (None, "full", None, True),  # only 入党时间 known: 党龄 cannot be told (issue 23), never counted from joining
        (date(2001, 12, 1), "full", 24, False),
        (date(2001, 11, 30), "full", 25, False),  # the anniversary itself counts
        (None, "probationary", None, False),  # 预备党员 have no 党龄 yet: nothing unknown about it
        (date(2026, 3, 1), "full", 0, False),
        (date(2027, 1, 1), "full", None, True),  # a date after today tells nothing
    ],
)
def test_party_years(confirmed: date | None, membership: str, years: int | None, unknown: bool) -> None:
    today = date(2026, 11, 30)
    assert party_years(confirmed, membership, today) == years
    assert party_years_unknown(confirmed, membership, today) is unknown


def test_whole_years() -> None:
    assert whole_years(date(2000, 6, 20), date(2026, 6, 19)) == 25
    assert whole_years(date(2000, 6, 20), date(2026, 6, 20)) == 26
    assert whole_years(None, date(2026, 6, 20)) is None


def test_committee_and_group_leaders_on_the_model() -> None:
    secretary = Member(id=1, name="书记", unit_id=2, roles=frozenset({"secretary"}))
    member = Member(id=2, name="委员", unit_id=2, roles=frozenset({"committee"}))
    leader = Member(
        id=3,
        name="组长",
        unit_id=2,
        group_id=5,
        activity_group_id=7,
        roles=frozenset({"group_leader", "activity_leader"}),
    )
    plain = Member(id=4, name="党员", unit_id=2, group_id=5, activity_group_id=7)
    assert secretary.is_committee and member.is_committee and not leader.is_committee
    assert leader.led_group_ids == {5, 7} and plain.led_group_ids == frozenset()
    assert Member(id=5, name="无组", unit_id=2, roles=frozenset({"group_leader"})).led_group_ids == frozenset()


async def test_a_units_committee_leaders_and_voters(store: Store) -> None:
    await apply_roster(store, rows_of(ORG.read_text(encoding="utf-8")), COMMUNITY)
    units = {u.name: u.id for u in await store.units.all()}
    members = await store.members.all()
    one, two = units["一村党支部"], units["二村党支部"]
    building, trade = units["幸福家园3号楼党小组"], units["物业服务党小组"]
    assert names(committee_of(one, members)) == ["王书记", "李委员"]  # the secretary first
    assert names(committee_of(two, members)) == ["吴书记", "周组长"]
    assert names(committee_of(units[COMMUNITY], members)) == ["社区书记"]
    assert names(group_leader_of(units["一组"], members)) == ["赵组长"]
    assert names(group_leader_of(building, members)) == ["周组长"]
    assert group_leader_of(trade, members) is None
    assert names(voters_of(one, members)) == ["王书记", "李委员", "赵组长", "张流动"]  # not 钱预备, not 孙外来
    assert names(voters_of(units["一组"], members)) == ["王书记", "李委员", "赵组长"]
    assert voters_of(building, members) == []  # an activity group decides nothing
    assert names(members_of(building, members)) == ["赵组长", "钱预备", "周组长"]

    roll = await unit_roll(store, one)
    assert roll is not None and roll.unit.name == "一村党支部" and roll.leader is None
    assert names(roll.committee) == ["王书记", "李委员"]
    assert names(roll.without_vote) == ["钱预备", "孙外来"]
    group = await unit_roll(store, building)
    assert group is not None and names(group.leader) == ["周组长"]
    assert names(group.without_vote) == ["赵组长", "钱预备", "周组长"]
    assert await unit_roll(store, 9999) is None
