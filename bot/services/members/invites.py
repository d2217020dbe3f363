"""Invite links (`https://t.me/<bot>?start=<code>`): a secretary's /invite, opening a link with /start,
re-linking a member whose account changed or was taken, and the CLI's list of links.

Re-linking: /invite for a member already linked offers it with two buttons. Confirmed by a secretary over
the member's unit (or an admin), the old account is unlinked, told so through the outbox and the member
gets a new one-time link — all in one transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Reply, Result, alert, say
from bot.domain.rights import Actor, can_manage
from bot.i18n import t
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text, join_names
from bot.services.members.buttons import InviteKeep, InviteRelink
from bot.services.members.people import Named, find_managed, tree_of, unit_label
from bot.store import Store
from bot.store.invites import InviteOutcome
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


async def invite(deps: Deps, call: Call, named: Named, bot_username: str) -> Reply:
    """/invite NAME [| UNIT]: the member's one-time link, or the offer to re-link one already linked."""
    store, lang = deps.store, call.lang
    name, hint = clean_text(named.name), clean_text(named.unit_hint)
    if not name:
        return say("invite.usage")
    tree = await tree_of(store)
    found = await find_managed(store, call.actor, tree, Named(name, hint))
    if not found:
        return say("invite.not_found", name=name)
    if len(found) > 1:
        labels = [unit_label(tree, m) for m in found]
        return say("invite.ambiguous", name=name, units=join_names(labels, lang), example=tree.name(found[0].unit_id))
    member = found[0]
    if member.linked and member.telegram_id is not None:
        buttons = [
            [
                {"text": t(lang, "invite.relink_button"), "data": InviteRelink(member.id, member.telegram_id).pack()},
                {"text": t(lang, "invite.keep_button"), "data": InviteKeep(member.id).pack()},
            ]
        ]
        return say("invite.relink_offer", buttons=buttons, name=member.name, unit=unit_label(tree, member))
    code = await store.invites.code_for(member.id)
    return say("invite.link", name=member.name, unit=unit_label(tree, member), link=invite_link(bot_username, code))


@dataclass(frozen=True)
class Pressed:
    """The answer to a re-link button, and whether its buttons are done with (removed from the offer)."""

    result: Result
    finished: bool


async def _managed_member(actor: Actor, member_id: int, store: Store) -> Member | None:
    """The member, when this person may re-link them: a secretary over their unit, or an admin."""
    member = await store.members.get(member_id)
    if member is None or not member.active or not actor.is_secretary:
        return None
    return member if can_manage(actor, member.unit_id, await tree_of(store)) else None


async def relink(deps: Deps, call: Call, pressed: InviteRelink, bot_username: str) -> Pressed:
    """Confirmed: unlink the old account (told through the outbox) and give a new one-time link."""
    actor, store, settings, telegram_id = call.actor, deps.store, deps.settings, pressed.telegram_id
    member = await _managed_member(actor, pressed.member_id, store)
    if member is None:
        return Pressed(Result.of(alert("invite.relink_refused")), finished=False)

    def farewell(code: str) -> list[Outgoing]:
        lang = member.language or settings.default_language
        return [
            Outgoing(
                key=f"invite:unlinked:{member.id}:{code}",
                kind="account",
                chat_id=telegram_id,
                text=t(lang, "invite.unlinked_notice", name=member.name, community=settings.community_name),
            )
        ]

    code, queued = await store.invites.relink(member.id, telegram_id, farewell)
    if code is None:  # re-linked already, or linked to another account since the offer
        return Pressed(Result.of(alert("invite.relink_stale", name=member.name)), finished=True)
    log.info(
        "member=%s unlinked from their account by member=%s", member.id, actor.member.id if actor.member else "admin"
    )
    tree = await tree_of(store)
    return Pressed(
        Result.of(
            say(
                "invite.relinked", name=member.name, unit=unit_label(tree, member), link=invite_link(bot_username, code)
            ),
            queued=queued,
        ),
        finished=True,
    )


async def keep(deps: Deps, call: Call, member_id: int) -> Pressed:
    """Not re-linked: nothing changes."""
    member = await _managed_member(call.actor, member_id, deps.store)
    if member is None:
        return Pressed(Result.of(alert("invite.relink_refused")), finished=False)
    return Pressed(Result.of(alert("invite.kept", name=member.name)), finished=True)


@dataclass(frozen=True)
class Redeemed:
    """/start CODE: the answer (None: greet them as /start does), and the member linked just now."""

    reply: Reply | None
    linked: Member | None = None


async def redeem(deps: Deps, call: Call, code: str) -> Redeemed:
    """/start CODE: link this account to the member the code was made for."""
    actor, store = call.actor, deps.store
    outcome, member_id = await store.invites.redeem(code, actor.telegram_id)
    if outcome is InviteOutcome.USED:
        mine = actor.member is not None and actor.member.id == member_id
        return Redeemed(None if mine else say("start.invite_used"))
    if outcome is InviteOutcome.TAKEN:
        return Redeemed(say("start.invite_taken", name=actor.member.name if actor.member else ""))
    member = await store.members.get(member_id) if outcome is InviteOutcome.LINKED and member_id is not None else None
    if member is None:
        return Redeemed(say("start.invite_unknown"))
    log.info("member=%s linked by invite", member.id)
    tree = await tree_of(store)
    return Redeemed(say("start.linked", name=member.name, unit=unit_label(tree, member)), linked=member)


async def pending_links(store: Store, bot_username: str) -> list[tuple[str, str, str]]:
    """(name, unit, link) for every active member not yet linked: the CLI's `invites`."""
    tree = await tree_of(store)
    members = await store.members.unlinked()
    codes = await store.invites.codes_for([m.id for m in members])
    return [(m.name, unit_label(tree, m), invite_link(bot_username, codes[m.id])) for m in members]
