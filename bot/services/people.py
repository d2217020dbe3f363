"""Who is writing: identifying the actor of an update, linking on first message, finding members."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.services.rights import Actor, OrgTree, can_see_member, is_admin, managed_units
from bot.store import Store
from bot.store.db import current_update_id
from bot.store.models import Member

log = logging.getLogger(__name__)


async def identify(store: Store, telegram_id: int, admin_ids: Iterable[int],
                   private: bool = True) -> tuple[Actor, bool]:
    """The actor for this Telegram account, and whether they were linked just now.

    A member whose roster row carries this Telegram id is linked by their first message to the bot in
    private (Telegram lets the bot write to them from then on); a member marked unreachable who writes in
    private is reachable again."""
    member = await store.members.by_telegram_id(telegram_id)
    just_linked = False
    if member is not None and member.linked and member.unreachable and private:
        token = current_update_id.set(None)
        try:
            await store.members.reachable_again(member.id)
        finally:
            current_update_id.reset(token)
        member = await store.members.get(member.id)
    if member is not None and not member.linked and private:
        token = current_update_id.set(None)  # linking is not the effect of the update itself
        try:
            await store.members.link(member.id, telegram_id)
        finally:
            current_update_id.reset(token)
        member = await store.members.get(member.id)
        just_linked = True
        log.info("member=%s linked by roster id", member.id if member else None)
    return Actor(telegram_id, member, is_admin(telegram_id, member, admin_ids)), just_linked


def unit_label(tree: OrgTree, member: Member) -> str:
    """`白庙村党支部 · 1号楼党小组`."""
    names = [tree.name(member.unit_id)]
    if member.group_id is not None:
        names.append(tree.name(member.group_id))
    return " · ".join(n for n in names if n)


async def find_visible(store: Store, actor: Actor, tree: OrgTree, name: str,
                       unit_hint: str = "") -> list[Member]:
    """Members named `name` that this actor may see (a secretary: their units), narrowed by a unit
    name when given."""
    found = [m for m in await store.members.named(name.strip()) if can_see_member(actor, m, tree)]
    return _narrow(tree, found, unit_hint)


async def find_managed(store: Store, actor: Actor, tree: OrgTree, name: str,
                       unit_hint: str = "") -> list[Member]:
    """Members named `name` in the units this secretary manages."""
    units = managed_units(actor, tree)
    found = [m for m in await store.members.named(name.strip()) if m.unit_id in units]
    return _narrow(tree, found, unit_hint)


def _narrow(tree: OrgTree, found: list[Member], unit_hint: str) -> list[Member]:
    if not unit_hint:
        return found
    units = {u.id for u in tree.find(unit_hint)}
    return [m for m in found if m.unit_id in units or m.group_id in units]


async def managed_members(store: Store, actor: Actor, tree: OrgTree) -> list[Member]:
    return await store.members.in_units(managed_units(actor, tree))
