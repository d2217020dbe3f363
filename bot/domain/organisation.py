"""The organisation's derived facts as pure rules: who votes, how long someone has been a Party member.

This module imports nothing of the project, so the store's `Member` model can expose the same rules as
properties without the store depending on the rest of the services.
"""

from __future__ import annotations

from datetime import date

FULL = "full"  # 正式党员
PROBATIONARY = "probationary"  # 预备党员
MEMBERSHIPS = (FULL, PROBATIONARY)

HERE = "here"  # 组织关系在本支部
ELSEWHERE = "elsewhere"  # 组织关系在外（外来党员）
RELATIONS = (HERE, ELSEWHERE)

#: Roles kept in `member_roles` since the first version.
BASE_ROLES = frozenset({"secretary", "liaison", "admin"})
#: Organisational offices: member of their unit's committee (支委), leader of their branch's Party group
#: (党小组长), leader of their activity group (活动小组长).
COMMITTEE = "committee"
GROUP_LEADER = "group_leader"
ACTIVITY_LEADER = "activity_leader"
OFFICES = frozenset({COMMITTEE, GROUP_LEADER, ACTIVITY_LEADER})


def has_vote(membership: str, relation: str) -> bool:
    """表决权: full members whose organisational relation is with this organisation vote. Probationary
    members (预备党员) take part but have no vote (党章第七条), and members whose relation is with another
    organisation (外来, 组织关系在外) vote there, not here."""
    return membership == FULL and relation == HERE


def party_years(joined: date | None, confirmed: date | None, membership: str, today: date) -> int | None:
    """党龄 in whole years on `today`, or None when it cannot be told.

    By the Party's rule (党章第七条) 党龄 counts from the day the member became a full member (转正), so
    it counts from `confirmed` when the roster gives it. Many old ledgers record only 入党时间; then it
    counts from `joined` (we do not guess the 转正 date: the probation may have been extended). A
    probationary member has no 党龄 yet (None), whatever the dates say.
    """
    if membership != FULL:
        return None
    start = confirmed or joined
    if start is None or start > today:
        return None
    years = today.year - start.year
    if (today.month, today.day) < (start.month, start.day):
        years -= 1
    return years


def is_committee(roles: frozenset[str]) -> bool:
    """A member of their unit's committee (支委); the secretary is one too."""
    return COMMITTEE in roles or "secretary" in roles
