"""Typed records returned by the repositories."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.organisation import (
    ACTIVITY_LEADER,
    FULL,
    GROUP_LEADER,
    HERE,
    PROBATIONARY,
    has_vote,
    is_committee,
)

#: Unit kinds. An activity group (活动小组, e.g. 幸福家园3号楼党小组) is a community-wide group by building or
#: trade under the community committee: members of any branch take part in its daily activities.
COMMITTEE_KIND, BRANCH_KIND, GROUP_KIND, ACTIVITY_GROUP_KIND = "committee", "branch", "group", "activity_group"
#: The township (乡镇党委, issue 28): the unit above the community committees when one deployment serves several.
TOWNSHIP_KIND = "township"
#: The role of a reader from the township (上级党委, read-only): sees ledgers and figures, changes nothing.
INSPECTOR = "inspector"


class Unit(BaseModel):
    """A unit of the organisation: the township (乡镇党委) above the communities, a community committee (社区党委),
    a branch (党支部), a Party group (党小组) of a branch, or an activity group (活动小组) of the community."""

    model_config = ConfigDict(frozen=True)

    id: int
    parent_id: int | None
    kind: str
    name: str
    chat_id: int | None = None
    term_start: date | None = None  # 任期 of its committee (issue 23), set with /term


class Member(BaseModel):
    """A Party member (党员) as the roster and the bot know them."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    unit_id: int
    group_id: int | None = None
    category: str | None = None
    roles: frozenset[str] = frozenset()
    posts: frozenset[str] = frozenset()
    liaison_id: int | None = None
    report_cadence: str | None = None
    migrant_since: date | None = None
    mobile_recorded_at: str | None = None  # when the roster first said mobile (or the record was made)
    phone: str | None = None
    building: str | None = None
    telegram_id: int | None = None
    linked_at: str | None = None
    language: str | None = None
    unreachable: bool = False
    active: bool = True  # False once a roster import deactivated them (left the roster): history only
    deactivated_at: str | None = None
    membership: str = FULL  # 正式党员 / 预备党员 (probationary)
    joined: date | None = None  # 入党时间
    confirmed: date | None = None  # 转正时间
    relation: str = HERE  # 组织关系: here, or elsewhere (外来党员 whose relation is with another organisation)
    note: str | None = None  # 备注: for a relation elsewhere, the home organisation
    duty: str | None = None  # 职务说明, e.g. 组织委员
    activity_group_id: int | None = None  # 活动小组 (a unit of kind activity_group)
    reviewer: bool = False  # named a reviewer of duty entries by a secretary (/posts 审核人)
    collector: bool = False  # named 党费收缴人 of their own branch by a secretary (/dues 收缴人), while they stay in it

    #: The committee seats held (issue 23): (unit, office) — a unit's committee may seat members of other units.
    seats: tuple[tuple[int, str], ...] = ()
    #: 上级党委 (issue 28): the unit this reader oversees (with the role `inspector`), read-only.
    oversees: int | None = None

    @property
    def reviews(self) -> bool:
        """Reviews duty entries (/review): a secretary, or a committee member (支委) named reviewer."""
        return self.is_secretary or (self.reviewer and self.is_committee)

    @property
    def linked(self) -> bool:
        return self.linked_at is not None and self.telegram_id is not None

    @property
    def votes(self) -> bool:
        """表决权 (`bot.domain.organisation.has_vote`): full members whose relation is here."""
        return has_vote(self.membership, self.relation)

    @property
    def is_probationary(self) -> bool:
        return self.membership == PROBATIONARY

    @property
    def is_committee(self) -> bool:
        """On their unit's committee (支委); a secretary is."""
        return is_committee(self.roles) or self.sits_on(self.unit_id)

    def sits_on(self, unit_id: int) -> bool:
        """Holds a seat on this unit's committee (党委委员, 支部委员)."""
        return any(unit == unit_id for unit, _ in self.seats)

    def office_in(self, unit_id: int) -> str | None:
        """Their office on this unit's committee, if they sit on it."""
        return next((office for unit, office in self.seats if unit == unit_id), None)

    @property
    def led_group_ids(self) -> frozenset[int]:
        """The groups they lead: their Party group as 党小组长, their activity group as 活动小组长."""
        led = set()
        if GROUP_LEADER in self.roles and self.group_id is not None:
            led.add(self.group_id)
        if ACTIVITY_LEADER in self.roles and self.activity_group_id is not None:
            led.add(self.activity_group_id)
        return frozenset(led)

    @property
    def is_secretary(self) -> bool:
        return "secretary" in self.roles

    @property
    def is_liaison(self) -> bool:
        return "liaison" in self.roles

    @property
    def is_inspector(self) -> bool:
        """上级党委 (read-only): a reader of the unit they oversee."""
        return INSPECTOR in self.roles and self.oversees is not None


class RosterRecord(BaseModel):
    """What the roster says of one member, with their unit and group resolved: what an import writes."""

    model_config = ConfigDict(frozen=True)

    name: str
    unit_id: int
    group_id: int | None = None
    category: str | None = None
    report_cadence: str | None = None
    migrant_since: date | None = None
    phone: str | None = None
    building: str | None = None
    telegram_id: int | None = None
    roles: frozenset[str] = frozenset()
    posts: frozenset[str] = frozenset()
    membership: str = FULL
    joined: date | None = None
    confirmed: date | None = None
    relation: str = HERE
    note: str | None = None
    duty: str | None = None
    activity_group_id: int | None = None
    details: tuple[tuple[str, str], ...] = ()  # the member file's fields (issue 27): member_details


class MemberState(StrEnum):
    """Where a member is, as /status records it (the value a `StatusState` button carries)."""

    HOME = "home"
    AWAY_WORK = "away_work"
    AWAY_BUSINESS = "away_business"
    STUDY = "study"
    WITH_CHILDREN = "with_children"
    MEDICAL = "medical"
    ILL = "ill"
    HARDSHIP = "hardship"


class Change(StrEnum):
    """What an import did to one member."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class RosterEntry(BaseModel):
    """A member as the roster import matches them: by unit and name; `active` or left the roster."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    unit_id: int
    group_id: int | None = None
    telegram_id: int | None = None
    active: bool = True
