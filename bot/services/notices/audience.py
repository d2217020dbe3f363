"""Who attends which meeting (《中国共产党支部工作条例（试行）》, 三会一课), as pure rules over the unit tree and the
members: the units a meeting type may be called for, who may call it there, and who is expected.

- `general` 支部党员大会, `life` 组织生活会: a branch; every member of it (probationary members and members
  whose relation is elsewhere attend without a vote).
- `committee` 支委会: a branch; its committee members only. `party_committee` 党委会: the community committee;
  its committee members only.
- `group` 党小组会: one Party group or activity group; its members. Its leader (党小组长 / 活动小组长) may call
  it too, not only a secretary.
- `lecture` 党课, `partyday` 主题党日: a branch, a group or the whole community.
- `other`: any unit; everyone of it and the units under it.
- `hearing` 民情恳谈会: a branch or the community; its members meet residents, whose issues the record turns into
  requests (`bot.services.minutes.hearing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bot.domain.models import ACTIVITY_GROUP_KIND, BRANCH_KIND, COMMITTEE_KIND, GROUP_KIND, Member, Unit
from bot.domain.rights import Actor, OrgTree, managed_units
from bot.services.members.organisation import committee_of
from bot.store.notices_publish import Among


class MeetingKind(StrEnum):
    """A meeting type a notice may be for (the value a `NoticeKind` button carries)."""

    GENERAL = "general"
    COMMITTEE = "committee"
    GROUP = "group"
    LECTURE = "lecture"
    PARTYDAY = "partyday"
    LIFE = "life"
    PARTY_COMMITTEE = "party_committee"
    OTHER = "other"
    HEARING = "hearing"  # 民情恳谈会 (issue 28): talks with residents; each issue raised becomes a request


KINDS: tuple[MeetingKind, ...] = tuple(MeetingKind)
#: 三会一课: the three meetings and the lecture, first on the type buttons.
THREE_AND_ONE = ("general", "committee", "group", "lecture")
_GROUPS = frozenset({GROUP_KIND, ACTIVITY_GROUP_KIND})
_ANY = frozenset({COMMITTEE_KIND, BRANCH_KIND, GROUP_KIND, ACTIVITY_GROUP_KIND})
TARGETS: dict[str, frozenset[str]] = {
    "general": frozenset({BRANCH_KIND}),
    "committee": frozenset({BRANCH_KIND}),
    "group": _GROUPS,
    "lecture": frozenset({BRANCH_KIND, COMMITTEE_KIND}) | _GROUPS,
    "partyday": frozenset({BRANCH_KIND, COMMITTEE_KIND}) | _GROUPS,
    "life": frozenset({BRANCH_KIND}),
    "party_committee": frozenset({COMMITTEE_KIND}),
    "other": _ANY,
    "hearing": frozenset({BRANCH_KIND, COMMITTEE_KIND}),
}
#: Meetings of a committee: only its members are expected, and the quorum counts them.
COMMITTEE_ONLY = frozenset({"committee", "party_committee"})
#: Meetings that stay private (支委会, 党委会): never posted to a bound group, whatever it is.
PRIVATE = COMMITTEE_ONLY
#: Meetings that vote (表决): the quorum counts members with a vote.
VOTING = frozenset({"general"})


def audience(kind: str) -> str:
    """`committee` (the unit's committee members) or `members` (everyone of the unit)."""
    return "committee" if kind in COMMITTEE_ONLY else "members"


def group_copy(kind: str, bound: bool, wanted: bool) -> bool:
    """Whether a bound group gets a copy of the notice: never for a 支委会 or 党委会 (their topics are often
    confidential); for the other types unless the convener chose to skip it on the preview."""
    return bound and wanted and kind not in PRIVATE


def fits(kind: str, unit: Unit | None) -> bool:
    """Whether a meeting of this type may be called for this unit."""
    return unit is not None and unit.kind in TARGETS.get(kind, frozenset())


def callable_units(person: Actor, kind: str, tree: OrgTree) -> set[int]:
    """The units this person may call a meeting of this type for: a secretary's (or an admin's) units that
    fit the type, and for a 党小组会 also the group a member leads."""
    units = {u for u in managed_units(person, tree) if fits(kind, tree.units.get(u))}
    if kind == "group" and person.member is not None:
        units |= {g for g in person.member.led_group_ids if fits(kind, tree.units.get(g))}
    return units


def any_callable(person: Actor, tree: OrgTree) -> set[int]:
    """Every unit the person may call some meeting for (to tell "no such unit" from "not for this type")."""
    out: set[int] = set()
    for kind in KINDS:
        out |= callable_units(person, kind, tree)
    return out


def kinds_for(person: Actor, tree: OrgTree) -> list[str]:
    """The meeting types this person may call somewhere, in the order of KINDS."""
    return [k for k in KINDS if callable_units(person, k, tree)]


def scope(kind: str, unit_id: int, tree: OrgTree) -> Among:
    """Who is expected, as the store finds them: for a 支委会 / 党委会, the members holding a seat on the unit's
    committee (of any unit); otherwise the active members of the unit and the units under it (their own unit,
    Party group or activity group: a group's own members)."""
    if kind in COMMITTEE_ONLY:
        return Among(frozenset(), seated_on=unit_id)
    unit = tree.units.get(unit_id)
    if unit is not None and unit.kind in _GROUPS:
        return Among(frozenset({unit_id}))
    return Among(frozenset(tree.subtree(unit_id)))


def expected(kind: str, unit_id: int, tree: OrgTree, members: Iterable[Member]) -> list[Member]:
    """Who is expected (`scope`), among these members; a committee by office (书记 first)."""
    pool = [m for m in members if m.active]
    among = scope(kind, unit_id, tree)
    if among.seated_on is not None:
        return committee_of(among.seated_on, pool)
    below = among.units
    return [m for m in pool if m.unit_id in below or m.group_id in below or m.activity_group_id in below]
