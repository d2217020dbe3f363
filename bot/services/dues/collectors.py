"""`/dues 收缴人 姓名` (`/dues collector 姓名`): a secretary names a member of a branch they manage that branch's
党费收缴人 (issue 25: payments are recorded "by the secretary or a named collector"); the same again takes it back.
`/dues 收缴人` alone lists the collectors of the secretary's branches.

A 收缴人 may then record (/pay) the dues paid by the other members of their own branch, and correct what they
recorded — nothing else of the secretary's: not the list of who is behind, not the rules, not another branch.
The role holds while they stay in the branch they were named for (`Member.collector`: a move ends it, and naming
them again names them for their branch now); the member is told in their private chat, through the outbox in the
transaction that names them or takes it back."""

from __future__ import annotations

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Reply, Result, say
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.dues.common import find, scope
from bot.services.kernel.deps import Deps
from bot.store.outbox import Outgoing

#: The word after /dues that names a collector: `/dues 收缴人 姓名`.
COLLECTOR_WORDS = ("收缴人", "collector")


def _told(deps: Deps, call: Call, member: Member, named: bool) -> Outgoing | None:
    """The member's message: named the 收缴人 of their branch, or no longer."""
    if not member.linked or member.unreachable or member.telegram_id is None:
        return None
    lang = member.language or deps.settings.default_language
    me = call.actor.member
    state = "named" if named else "removed"
    return Outgoing(
        key=f"dues:collector:{member.id}:{state}:{call.now.isoformat()}",
        kind="dues",
        ref=f"dues:collector:{member.id}",
        member_id=member.id,
        chat_id=member.telegram_id,
        text=t(lang, f"dues.collector_told_{state}", name=member.name, by=me.name if me else t(lang, "dues.by_admin")),
    )


async def collector_command(deps: Deps, call: Call, text: str) -> Result:
    """`/dues 收缴人 [姓名]`: name a member the 收缴人 of their branch, take it back, or list them."""
    person, store = call.actor, deps.store
    if not person.is_secretary:
        return Result.of(say("dues.collector_secretary_only"))
    name = text.strip().strip("|｜").strip()
    if not name:
        return Result.of(await listing(deps, call))
    tree, found = await find(person, name, store)
    if not found:
        return Result.of(say("dues.unknown", name=name[:40]))
    if len(found) > 1:
        return Result.of(say("dues.ambiguous", name=name[:40]))
    member = found[0]
    if member.is_secretary:
        return Result.of(say("dues.collector_is_secretary", name=member.name))
    return await toggle(deps, call, member, tree)


async def toggle(deps: Deps, call: Call, member: Member, tree: OrgTree) -> Result:
    """Name the member the 收缴人 of the branch they are in, or take it back when they are one there."""
    me, collectors = call.actor.member, deps.store.dues.collectors
    named = not member.collector
    told = _told(deps, call, member, named)
    if named:
        await collectors.set(member.id, member.unit_id, me.id if me else None, call.now, told)
    else:
        await collectors.take_back(member.id, told)
    key = "dues.collector_named" if named else "dues.collector_removed"
    return Result.of(say(key, name=member.name, unit=tree.name(member.unit_id)), queued=int(told is not None))


async def listing(deps: Deps, call: Call) -> Reply:
    """The 收缴人 of the secretary's branches, and how to name one."""
    tree, units = await scope(call.actor, deps.store)
    found = await deps.store.dues.collectors.of_units(units)
    if not found:
        return say("dues.collectors_none")
    lines = "\n".join(t(call.lang, "dues.collectors_line", unit=tree.name(c.unit_id), name=c.name) for c in found)
    return say("dues.collectors_list", lines=Html(lines))
