"""A secretary's notices after they went out, as use cases: `/cancelnotice` (withdraws what is unsent, tells
those who were told), `/bindgroup` and `/unbindgroup` for a group chat, and a member's
`/notices`. No Telegram here: each takes plain values and returns a `Result`."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.config import Settings
from bot.domain.results import Reply, Result, say, shown
from bot.domain.rights import Actor, OrgTree, can_manage, managed_units
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
    digits = raw.strip().lstrip("#")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:  # not `²`, nor beyond SQLite's INTEGER
        return say(usage)
    notice = await store.notices.get(int(digits))
    if notice is None or notice.unit_id not in units:
        return say("notice.not_found", id=digits)
    return notice


async def cancel(person: Actor, args: str, now: datetime, store: Store, settings: Settings) -> Result:
    """Cancel a meeting not yet started: its unsent deliveries are withdrawn and everyone who got it (the
    group too) is told, in one transaction."""
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
                settings,
                notice,
                tree,
                row,
                (languages.get(row.member_id) if row.member_id is not None else None) or default,
            )
            for row in told
        ]

    withdrawn, queued = await store.notices.cancel(notice.id, now, messages)
    log.info("notice=%s cancelled: %s told, %s unsent withdrawn", notice.id, queued, withdrawn)
    return Result.of(say("notice.cancel_done", id=notice.id, told=queued, withdrawn=withdrawn), queued=queued)


def _bound_to(tree: OrgTree, chat_id: int) -> int | None:
    return next((u.id for u in tree.units.values() if u.chat_id == chat_id), None)


async def bind_group(person: Actor, chat_id: int, group_admin: bool, store: Store) -> Result:
    """Tie the group chat to the secretary's own unit, so its notices are posted there too. Only a group
    administrator may (a member of the group cannot make it the unit's); a group bound to another unit is
    not taken over: the answer names that unit and how to unbind."""
    if not group_admin:
        return Result.of(say("notice.bind_not_admin"))
    tree = OrgTree.of(await store.units.all())
    unit_id = rules.own_unit(person, tree)
    if unit_id is None:
        return Result()
    holder = await store.notices.bind_chat(unit_id, chat_id)
    if holder is not None:
        return Result.of(say("notice.bind_taken", unit=view.unit_name(tree, tree.units.get(holder))))
    log.info("unit=%s bound to chat=%s", unit_id, chat_id)
    return Result.of(say("notice.bound", unit=view.unit_name(tree, tree.units.get(unit_id))))


async def unbind_group(person: Actor, chat_id: int, store: Store) -> Result:
    """Untie the group chat from its unit: by a secretary over that unit, or an admin."""
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


async def upcoming(person: Actor, now: datetime, store: Store, settings: Settings, lang: str) -> Result:
    """`/notices`: the member's meetings to come, with their answer to each."""
    assert person.member is not None
    coming = await store.notices.upcoming_for(person.member.id, now)
    answers = await store.notices.rsvps_of_member(person.member.id, [n.id for n in coming])
    tree = OrgTree.of(await store.units.all())
    return Result.of(shown(view.upcoming(lang, [(n, answers.get(n.id)) for n in coming], tree, settings.tz)))
