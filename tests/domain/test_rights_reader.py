"""The rights of a reader from above (上级党委, issue 28): one check in `Actor.can` — a read-only person passes only
`READ_ONLY` capabilities, whatever else their roster row says —, what they may read (`visible_units`) against what
they manage (nothing), and nobody's member file. Pure rules over the unit tree."""

from __future__ import annotations

from bot.domain.models import BRANCH_KIND, COMMITTEE_KIND, INSPECTOR, TOWNSHIP_KIND, Member, Unit
from bot.domain.rights import (
    READ_ONLY,
    Actor,
    Capability,
    OrgTree,
    can_see_member,
    managed_units,
    visible_units,
)

TREE = OrgTree.of(
    [
        Unit(id=1, parent_id=None, kind=TOWNSHIP_KIND, name="城关镇党委"),
        Unit(id=2, parent_id=1, kind=COMMITTEE_KIND, name="东湖社区党委"),
        Unit(id=3, parent_id=2, kind=BRANCH_KIND, name="东一村党支部"),
        Unit(id=4, parent_id=1, kind=COMMITTEE_KIND, name="西山社区党委"),
        Unit(id=5, parent_id=4, kind=BRANCH_KIND, name="西一村党支部"),
    ]
)
READER = Member(id=9, name="镇领导", unit_id=1, roles=frozenset({INSPECTOR}), posts=frozenset({"patrol"}), oversees=2)
SECRETARY = Member(id=1, name="东书记", unit_id=3, roles=frozenset({"secretary"}))
MEMBER = Member(id=2, name="东党员", unit_id=3)


def test_a_reader_passes_only_the_reading_capabilities() -> None:
    reader = Actor(9009, READER)
    assert reader.read_only and not reader.is_secretary
    assert {c for c in Capability if reader.can(c)} == set(READ_ONLY) == {Capability.ANYONE, Capability.READER}


def test_a_reader_with_another_role_still_only_reads() -> None:
    # the roster refuses a second role beside 上级党委; were one stored, the rights still read only
    reader = Actor(9009, READER.model_copy(update={"roles": frozenset({INSPECTOR, "secretary", "liaison"})}))
    assert {c for c in Capability if reader.can(c)} == set(READ_ONLY)
    assert managed_units(reader, TREE) == set()


def test_what_a_reader_sees_and_manages() -> None:
    reader = Actor(9009, READER)
    assert visible_units(reader, TREE) == {2, 3}  # the community overseen and its branch, not the other one
    assert managed_units(reader, TREE) == set()
    assert not can_see_member(reader, MEMBER, TREE) and not can_see_member(reader, READER, TREE)


def test_the_role_without_a_unit_is_no_reader() -> None:
    # `inspector` read back without an overseen unit (a row removed meanwhile) gives no reading, only membership
    member = Actor(9009, READER.model_copy(update={"oversees": None}))
    assert not member.read_only and member.can(Capability.MEMBER) and not member.can(Capability.READER)
    assert visible_units(member, TREE) == set()


def test_secretaries_and_admins_read_what_they_manage() -> None:
    secretary, admin = Actor(1001, SECRETARY), Actor(7777, None, admin=True)
    assert secretary.can(Capability.READER) and admin.can(Capability.READER)
    assert visible_units(secretary, TREE) == managed_units(secretary, TREE) == {3}
    assert visible_units(admin, TREE) == set(TREE.units)
    assert not Actor(1002, MEMBER).can(Capability.READER)
    admin_reader = Actor(9009, READER, admin=True)  # ADMIN_IDS wins: an admin is never read-only
    assert not admin_reader.read_only and admin_reader.can(Capability.SECRETARY)
