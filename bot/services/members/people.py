"""Who is writing: identifying the actor of an update, linking on first message, finding members; and the
small use cases about oneself (/start's welcome, /lang) and the admins to tell of an error.

A member who left the roster (deactivated by an import) is nobody here: `identify` answers as for an
unknown Telegram account, so every right they had is gone at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable
from contextlib import aclosing
from dataclasses import dataclass

from bot.domain.call import Call
from bot.domain.models import Member as Member  # re-exported: handlers name the type without the store
from bot.domain.results import Reply, say
from bot.domain.rights import Actor, OrgTree, is_admin, managed_units
from bot.i18n import LANGUAGES
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.store import Store
from bot.store.db import current_update_id

log = logging.getLogger(__name__)


class _NotLookedUp:
    """`identify` looks the member up itself."""


_LOOK_UP = _NotLookedUp()


async def first_look(
    store: Store, update_id: int, telegram_id: int | None
) -> tuple[bool, Member | _NotLookedUp | None]:
    """Whether this update was applied already, and (for a person's update) the member of that account —
    both reads queued at once, so the update waits for one hand-over to the database thread, not two
    (bench/updates.py). Pass the member on to `identify(..., found=...)`."""
    if telegram_id is None:
        return await store.updates.seen(update_id), _LOOK_UP
    seen, member = await asyncio.gather(store.updates.seen(update_id), store.members.by_telegram_id(telegram_id))
    return seen, member


async def identify(
    deps: Deps, telegram_id: int, private: bool = True, found: Member | _NotLookedUp | None = _LOOK_UP
) -> tuple[Actor, bool]:
    """The actor for this Telegram account, and whether they were linked just now (an admin by `ADMIN_IDS`
    or by the admin role).

    A member whose roster row carries this Telegram id is linked by their first message to the bot in
    private (Telegram lets the bot write to them from then on); a member marked unreachable who writes in
    private is reachable again. An account whose member left the roster is unknown (active members only)."""
    store = deps.store
    member = await store.members.by_telegram_id(telegram_id) if isinstance(found, _NotLookedUp) else found
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
    return Actor(telegram_id, member, is_admin(telegram_id, member, deps.settings.admin_ids)), just_linked


def unit_label(tree: OrgTree, member: Member) -> str:
    """`白庙村党支部 · 1号楼党小组`."""
    return place_label(tree, member.unit_id, member.group_id)


def place_label(tree: OrgTree, unit_id: int, group_id: int | None) -> str:
    names = [tree.name(unit_id)]
    if group_id is not None:
        names.append(tree.name(group_id))
    return " · ".join(n for n in names if n)


@dataclass(frozen=True)
class Named:
    """A member as a secretary names them: the name, and (when names repeat) the unit or group it is in."""

    name: str
    unit_hint: str = ""


async def find_managed(store: Store, actor: Actor, tree: OrgTree, named: Named) -> list[Member]:
    """Members of that name in the units this secretary manages, narrowed by the unit named when given."""
    units = managed_units(actor, tree)
    found = [m for m in await store.members.named(clean_text(named.name)) if m.unit_id in units]
    return _narrow(tree, found, named.unit_hint)


def _narrow(tree: OrgTree, found: list[Member], unit_hint: str) -> list[Member]:
    if not unit_hint:
        return found
    units = {u.id for u in tree.find(unit_hint)}
    return [m for m in found if m.unit_id in units or m.group_id in units]


async def managed_members(store: Store, actor: Actor, tree: OrgTree) -> list[Member]:
    return await store.members.in_units(managed_units(actor, tree))


async def tree_of(store: Store) -> OrgTree:
    return OrgTree.of(await store.units.all())


async def welcome(deps: Deps, call: Call) -> Reply | None:
    """/start without a code: who they are on the roster (None for an admin who is not on it)."""
    member = call.actor.member
    if member is None:
        return None
    tree = await tree_of(deps.store)
    return say("start.welcome", name=member.name, unit=unit_label(tree, member))


async def set_language(deps: Deps, call: Call, choice: str) -> tuple[Reply, str | None]:
    """/lang zh|en: (the answer, the language to answer in from now on, or None when unchanged)."""
    choice = choice.strip().lower()
    if choice not in LANGUAGES:
        return say("lang.usage"), None
    if call.actor.member is not None:
        await deps.store.members.set_language(call.actor.member.id, choice)
    else:  # a person of the 发展党员 register (the gate lets only them through): kept on their record
        await deps.store.development.set_language(call.actor.telegram_id, choice)
    return say("lang.set"), choice


async def linked_members(store: Store) -> AsyncGenerator[Member, None]:
    """Active members linked to Telegram (their command menus are published at start-up), read a chunk at a
    time from a snapshot of their own: at 100 000 members the whole list took ~370 MB at every start."""
    async with store.db.snapshot() as db, aclosing(Store(db).members.each_linked()) as members:
        async for member in members:
            yield member


async def admin_chats(store: Store, admin_ids: Iterable[int]) -> list[int]:
    """Whom to tell when the bot fails: ADMIN_IDS and linked members with the admin role."""
    ids = set(admin_ids)
    ids |= {m.telegram_id for m in await store.members.admins() if m.linked and m.telegram_id}
    return sorted(ids)
