"""A secretary's notices after they went out, as use cases: `/cancelnotice` (withdraws what is unsent, tells
those who were told), `/bindgroup` and `/unbindgroup` for a group chat, and a member's
`/notices`. No Telegram here: each takes plain values and returns a `Result`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.call import Call
from bot.domain.results import Reply, Result, say, shown
from bot.domain.rights import Actor, OrgTree, can_manage, managed_units
from bot.services.kernel.deps import Deps
from bot.services.notices import common as rules
from bot.services.notices import text as view
from bot.services.notices.broadcast import cancellation
from bot.store import Store
from bot.store.notices import Notice
from bot.store.outbox import OutboxRow, Outgoing

log = logging.getLogger(__name__)


async def find_managed(store: Store, units: set[int], raw: str, usage: str) -> Notice | Reply:
    """The notice `raw` names (`12` or `#12`) when it belongs to `units` (the secretary's); else the refusal
    (the usage when `raw` is no id, "not found" for a notice of someone else's unit as for none)."""
    return await find_kept(store, Keeper(units, frozenset()), raw, usage)


@dataclass(frozen=True)
class Keeper:
    """Whose meetings a person keeps the attendance and minutes of: those of the units they manage as
    secretary (an admin: all), and the 党小组会 of the groups they lead (党小组长 / 活动小组长)."""

    managed: set[int]
    led: frozenset[int]

    @classmethod
    def of(cls, person: Actor, tree: OrgTree) -> Keeper:
        led = person.member.led_group_ids if person.member is not None else frozenset()
        return cls(managed_units(person, tree), led)

    def keeps(self, notice: Notice) -> bool:
        return notice.unit_id in self.managed or (notice.kind == "group" and notice.unit_id in self.led)


async def find_kept(store: Store, keeper: Keeper, raw: str, usage: str) -> Notice | Reply:
    """The notice `raw` names (`12` or `#12`) when the keeper keeps it; else the refusal (the usage when `raw`
    is no id, "not found" for a notice of someone else's as for none)."""
    digits = raw.strip().lstrip("#")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:  # not `²`, nor beyond SQLite's INTEGER
        return say(usage)
    notice = await store.notices.get(int(digits))
    if notice is None or not keeper.keeps(notice):
        return say("notice.not_found", id=digits)
    return notice


async def cancel(deps: Deps, call: Call, args: str) -> Result:
    """Cancel a meeting not yet started: its unsent deliveries are withdrawn and everyone who got it (the
    group too) is told, in one transaction."""
    person, now, store, settings = call.actor, call.now, deps.store, deps.settings
    tree = OrgTree.of(await store.units.all())
    notice = await find_managed(store, managed_units(person, tree), args, "notice.cancel_usage")
    if isinstance(notice, Reply):
        return Result.of(notice)
    if notice.cancelled_at is not None:
        return Result.of(say("notice.already_cancelled", id=notice.id))
    if notice.starts_at <= now:
        return Result.of(say("notice.cancel_started", id=notice.id))
    languages = {e.member.id: e.member.language for e in await store.notices.expected(notice.id)}
    default = settings.default_language

    def messages(told: list[OutboxRow]) -> list[Outgoing]:
        return [
            cancellation(
                notice,
                row,
                view.Wording(
                    (languages.get(row.member_id) if row.member_id is not None else None) or default, tree, settings.tz
                ),
            )
            for row in told
        ]

    withdrawn, queued = await store.notices.cancel(notice.id, now, messages)
    log.info("notice=%s cancelled: %s told, %s unsent withdrawn", notice.id, queued, withdrawn)
    return Result.of(say("notice.cancel_done", id=notice.id, told=queued, withdrawn=withdrawn), queued=queued)


def _bound_to(tree: OrgTree, chat_id: int) -> int | None:
    return next((u.id for u in tree.units.values() if u.chat_id == chat_id), None)


async def bind_group(deps: Deps, call: Call, chat_id: int, group_admin: bool) -> Result:
    """Tie the group chat to the secretary's own unit, so its notices are posted there too. Only a group
    administrator may (a member of the group cannot make it the unit's); a group bound to another unit is
    not taken over: the answer names that unit and how to unbind."""
    if not group_admin:
        return Result.of(say("notice.bind_not_admin"))
    store = deps.store
    tree = OrgTree.of(await store.units.all())
    unit_id = rules.own_unit(call.actor, tree)
    if unit_id is None:
        return Result()
    holder = await store.notices.bind_chat(unit_id, chat_id)
    if holder is not None:
        return Result.of(say("notice.bind_taken", unit=view.unit_name(tree, tree.units.get(holder))))
    log.info("unit=%s bound to chat=%s", unit_id, chat_id)
    return Result.of(say("notice.bound", unit=view.unit_name(tree, tree.units.get(unit_id))))


async def unbind_group(deps: Deps, call: Call, chat_id: int) -> Result:
    """Untie the group chat from its unit: by a secretary over that unit, or an admin."""
    person, store = call.actor, deps.store
    tree = OrgTree.of(await store.units.all())
    unit_id = _bound_to(tree, chat_id)
    if unit_id is None:
        return Result.of(say("notice.unbind_none"))
    unit = view.unit_name(tree, tree.units.get(unit_id))
    if not can_manage(person, unit_id, tree):
        return Result.of(say("notice.unbind_refused", unit=unit))
    await store.notices.unbind_chat(chat_id)
    log.info("unit=%s unbound from chat=%s", unit_id, chat_id)
    return Result.of(say("notice.unbound", unit=unit))


async def upcoming(deps: Deps, call: Call) -> Result:
    """`/notices`: the member's meetings to come, with their answer to each."""
    person, store = call.actor, deps.store
    assert person.member is not None
    coming = await store.notices.upcoming_for(person.member.id, call.now)
    answers = await store.notices.rsvps_of_member(person.member.id, [n.id for n in coming])
    tree = OrgTree.of(await store.units.all())
    wording = view.Wording(call.lang, tree, deps.tz)
    return Result.of(shown(view.upcoming(wording, [(n, answers.get(n.id)) for n in coming])))
