"""The organisation of a unit as the rules see it (issue 12): its committee (支委), the leader of a Party
group (党小组长), who votes (表决权) and who takes part without a vote.

A member belongs to one branch — their organisational home (`unit_id`, and `group_id` within it): votes,
支部党员大会, thought reports and ledgers are there. They may also belong to one activity group
(`activity_group_id`, 活动小组: a community-wide group by building or trade) for daily activities; an
activity group never gives a vote. Pure functions over members, and one use case that loads a unit's roll.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.models import Member, Unit
from bot.domain.organisation import SEAT_OFFICES, has_vote, party_years
from bot.store import Store

__all__ = [
    "UnitRoll",
    "committee_of",
    "group_leader_of",
    "has_vote",
    "members_of",
    "party_years",
    "unit_roll",
    "voters_of",
]


def members_of(unit_id: int, members: Iterable[Member]) -> list[Member]:
    """The active members whose organisational home is this unit: its own members and those of its Party
    groups, or the members of this group; for an activity group, its members (who vote in their branch)."""
    return [m for m in members if m.active and unit_id in (m.unit_id, m.group_id, m.activity_group_id)]


def committee_of(unit_id: int, members: Iterable[Member]) -> list[Member]:
    """The unit's committee (支委会, 党委会): the members holding a seat on it — of any unit (issue 23) —, by office
    (书记 first), then by id."""
    found = [m for m in members if m.active and m.sits_on(unit_id)]
    return sorted(found, key=lambda m: (SEAT_OFFICES.index(m.office_in(unit_id) or "member"), m.id))


def group_leader_of(group_id: int, members: Iterable[Member]) -> Member | None:
    """The leader (党小组长) of this Party group or activity group, if the roster names one."""
    return next((m for m in members if m.active and group_id in m.led_group_ids), None)


def voters_of(unit_id: int, members: Iterable[Member]) -> list[Member]:
    """Who votes in this unit: full members whose relation is here, organisationally in the unit (a
    branch, or a Party group of it). Nobody votes in an activity group: decisions stay with the branch."""
    return [m for m in members if m.active and unit_id in (m.unit_id, m.group_id) and m.votes]


@dataclass(frozen=True)
class UnitRoll:
    """A unit's people as a meeting or a ledger needs them."""

    unit: Unit
    members: list[Member]
    committee: list[Member]
    voters: list[Member]
    leader: Member | None  # of a Party group or an activity group

    @property
    def without_vote(self) -> list[Member]:
        """They take part, they do not vote: probationary members and members whose relation is elsewhere
        (and, in an activity group, everyone)."""
        voting = {m.id for m in self.voters}
        return [m for m in self.members if m.id not in voting]


async def unit_roll(store: Store, unit_id: int) -> UnitRoll | None:
    """The roll of one unit (None when there is no such unit)."""
    unit = await store.units.get(unit_id)
    if unit is None:
        return None
    members = await store.members.in_units({unit_id})
    return UnitRoll(
        unit=unit,
        members=members_of(unit_id, members),
        committee=committee_of(unit_id, await store.members.seated(unit_id)),
        voters=voters_of(unit_id, members),
        leader=group_leader_of(unit_id, members),
    )
