"""Finding people: a name as typed (with its branch when names repeat) and the branches a person keeps.

Shared by the capabilities that look members up by name (发展党员, 组织关系转接)."""

from __future__ import annotations

from bot.domain.rights import Actor, OrgTree, visible_units
from bot.store import Store


def who(value: str) -> tuple[str, str]:
    """A name as typed, with its branch when names repeat: `姓名@支部` or `姓名（支部）` → (name, branch)."""
    value = value.strip()
    for left, right in (("（", "）"), ("(", ")")):
        if value.endswith(right) and left in value:
            name, _, rest = value.partition(left)
            return name.strip(), rest[:-1].strip()
    name, _, branch = value.partition("@")
    return name.strip(), branch.strip()


async def scope(person: Actor, store: Store) -> tuple[OrgTree, set[int]]:
    """The branches this person keeps the register of: a secretary's (and admins') units, a 组织委员's own unit
    and those under it; for a reader from above (上级党委), the units they oversee — only ever read: every command
    that writes refuses them (`Actor.can`)."""
    tree = OrgTree.of(await store.units.all())
    units = visible_units(person, tree)
    if not units and person.is_organiser and person.member is not None:
        units = tree.subtree(person.member.unit_id)
    return tree, units
