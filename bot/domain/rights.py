"""Who may do what (docs/PRODUCT.md §3), in one place. Pure functions over the unit tree and the actor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from bot.domain.models import COMMITTEE_KIND, Member, Unit


class Capability(StrEnum):
    """What a command needs of the person using it."""

    ANYONE = "anyone"
    MEMBER = "member"
    LIAISON = "liaison"
    SECRETARY = "secretary"
    LEADER = "leader"  # secretary or liaison
    PATROL = "patrol"
    MEDIATION = "mediation"
    POST = "post"  # any duty post
    ADMIN = "admin"  # ADMIN_IDS or the admin role: operations (/health)
    CONVENER = "convener"  # calls meetings: a secretary, or a group leader (党小组会 of their group)
    ORGANISER = "organiser"  # 发展党员: a secretary, or the 组织委员 of a committee
    REVIEWER = "reviewer"  # reviews duty entries: a secretary (an admin), or a committee member named reviewer
    COMMITTEE = "committee"  # a member of a committee (支委会: the secretary, the 支委), or an admin: 述职 ratings
    READER = "reader"  # reads ledgers and figures: a secretary, an admin, or a reader from above (上级党委)
    COLLECTOR = "collector"  # records dues paid (/pay): a secretary, or the 收缴人 a secretary named for a branch


#: What a read-only reader (上级党委, issue 28) may use: commands that only show. Every other capability is refused
#: them in `Actor.can`, in this one place: a command that writes never needs a check of its own.
READ_ONLY = frozenset({Capability.ANYONE, Capability.READER})


@dataclass(frozen=True)
class OrgTree:
    """The units of the community, with parent links."""

    units: dict[int, Unit] = field(default_factory=dict)

    @classmethod
    def of(cls, units: Iterable[Unit]) -> OrgTree:
        return cls({u.id: u for u in units})

    @cached_property
    def _below(self) -> dict[int | None, list[Unit]]:
        """Each unit's children, in the order of `units`: worked out once per tree (a tree is built per update, and
        `subtree` asks `children` of every unit: at 600 units, 360 000 comparisons a call without it)."""
        below: dict[int | None, list[Unit]] = {}
        for unit in self.units.values():
            below.setdefault(unit.parent_id, []).append(unit)
        return below

    def children(self, unit_id: int) -> list[Unit]:
        return list(self._below.get(unit_id, ()))

    def subtree(self, unit_id: int) -> set[int]:
        """The unit and every unit under it."""
        out, todo = set(), [unit_id]
        while todo:
            current = todo.pop()
            if current in out or current not in self.units:
                continue
            out.add(current)
            todo.extend(u.id for u in self.children(current))
        return out

    def path(self, unit_id: int | None) -> list[Unit]:
        """From the top unit down to this one."""
        out: list[Unit] = []
        while unit_id is not None and unit_id in self.units and len(out) < 10:
            unit = self.units[unit_id]
            out.append(unit)
            unit_id = unit.parent_id
        return list(reversed(out))

    def name(self, unit_id: int | None) -> str:
        unit = self.units.get(unit_id) if unit_id is not None else None
        return unit.name if unit else ""

    def find(self, name: str, within: set[int] | None = None) -> list[Unit]:
        """Units whose name is `name` (or ends with it, so 白庙村 finds 白庙村党支部)."""
        name = name.strip()
        pool = [u for u in self.units.values() if within is None or u.id in within]
        exact = [u for u in pool if u.name == name]
        if exact or not name:
            return exact
        return [u for u in pool if u.name.startswith(name) or u.name.endswith(name)]


@dataclass(frozen=True)
class Actor:
    """The person behind an update: a roster member, an admin, or an unknown Telegram user."""

    telegram_id: int
    member: Member | None
    admin: bool = False

    @property
    def known(self) -> bool:
        return self.member is not None or self.admin

    @property
    def read_only(self) -> bool:
        """A reader from above (上级党委): sees, never sends, changes or reads private records. An admin is not."""
        return not self.admin and self.member is not None and self.member.is_inspector

    @property
    def is_secretary(self) -> bool:
        return self.admin or (self.member is not None and self.member.is_secretary and not self.read_only)

    @property
    def is_liaison(self) -> bool:
        return self.member is not None and self.member.is_liaison

    @property
    def is_organiser(self) -> bool:
        """组织委员: a committee member whose division of work (职务说明) is 组织委员."""
        m = self.member
        return m is not None and m.is_committee and "组织委员" in (m.duty or "")

    def has_post(self, post: str) -> bool:
        return self.member is not None and post in self.member.posts

    def can(self, capability: Capability) -> bool:
        if self.read_only and capability not in READ_ONLY:
            return False
        match capability:
            case Capability.ANYONE:
                return True
            case Capability.MEMBER:
                return self.member is not None
            case Capability.LIAISON:
                return self.is_liaison
            case Capability.SECRETARY:
                return self.is_secretary
            case Capability.LEADER:
                return self.is_secretary or self.is_liaison
            case Capability.PATROL:
                return self.has_post("patrol")
            case Capability.MEDIATION:
                return self.has_post("mediation")
            case Capability.POST:
                return self.member is not None and bool(self.member.posts)
            case Capability.ADMIN:
                return self.admin
            case Capability.CONVENER:
                return self.is_secretary or (self.member is not None and bool(self.member.led_group_ids))
            case Capability.ORGANISER:
                return self.is_secretary or self.is_organiser
            case Capability.COMMITTEE:
                return self.is_secretary or (self.member is not None and self.member.is_committee)
            case Capability.REVIEWER:
                return self.is_secretary or (self.member is not None and self.member.reviews)
            case Capability.READER:
                return self.is_secretary or self.read_only
            case Capability.COLLECTOR:
                return self.is_secretary or (self.member is not None and self.member.collector)
        return False


def is_admin(telegram_id: int, member: Member | None, admin_ids: Iterable[int]) -> bool:
    return telegram_id in set(admin_ids) or (member is not None and "admin" in member.roles)


def managed_units(actor: Actor, tree: OrgTree) -> set[int]:
    """The units a secretary manages: their own unit and those under it; everything for admins."""
    if actor.admin:
        return set(tree.units)
    if actor.member is not None and actor.member.is_secretary and not actor.read_only:
        return tree.subtree(actor.member.unit_id)
    return set()


def visible_units(actor: Actor, tree: OrgTree) -> set[int]:
    """The units whose ledgers and figures the actor may read: those they manage, or for a reader from above
    (上级党委) the unit they oversee and every unit under it."""
    member = actor.member
    if actor.read_only and member is not None and member.oversees is not None:
        return tree.subtree(member.oversees)
    return managed_units(actor, tree)


def can_manage(actor: Actor, unit_id: int, tree: OrgTree) -> bool:
    return unit_id in managed_units(actor, tree)


def manages_catalogue(actor: Actor, tree: OrgTree) -> bool:
    """Whether the actor may change the community's catalogue of duty posts (add, edit, close a post): an admin,
    or the secretary of a community committee (社区党委书记). A branch secretary only chooses which posts the
    branch uses."""
    if actor.admin:
        return True
    member = actor.member
    if member is None or not member.is_secretary:
        return False
    unit = tree.units.get(member.unit_id)
    return unit is not None and unit.kind == COMMITTEE_KIND


def can_see_member(actor: Actor, target: Member, tree: OrgTree) -> bool:
    """Self; the liaison who keeps contact with them; a secretary over their unit; an admin."""
    if actor.admin:
        return True
    me = actor.member
    if me is None or actor.read_only:
        return False
    if me.id == target.id or target.liaison_id == me.id:
        return True
    return can_manage(actor, target.unit_id, tree)
