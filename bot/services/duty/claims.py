"""认领岗位 as use cases: a member asks to take a post of the catalogue (`/claim`, a button per post they do not
hold); every linked secretary over their unit gets the claim with 准 / 不准; the first decision holds (a
second press finds it decided), gives the post when approved, and tells the member either way — each message
queued in the transaction that records the claim or the decision. No Telegram here."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.payload import YesNo
from bot.domain.results import Reply, Result, alert, say
from bot.domain.rights import Actor, OrgTree, can_manage
from bot.i18n import resolve_language, t
from bot.services.duty.buttons import DutyClaim, DutyClaimDecide
from bot.services.duty.common import catalogue
from bot.services.kernel.deps import Deps
from bot.services.members.people import unit_label
from bot.store import Store
from bot.store.db import iso
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)

VERDICTS: tuple[YesNo, ...] = tuple(YesNo)


def _lang(member: Member, settings: Settings) -> str:
    return resolve_language(member.language, None, settings.default_language)


async def menu(deps: Deps, call: Call) -> Reply:
    """`/claim`: a button for each open post of the catalogue that the member's branch uses and they do not hold."""
    member = call.actor.member
    if member is None:
        return say("common.refused", what="/claim", who=t(call.lang, "common.who_member"))
    unused = await deps.store.duty.posts.unused(member.unit_id)
    posts = (await catalogue(deps.store)).posts
    free = [p for p in posts if p.active and p.id not in unused and p.key not in member.posts]
    if not free:
        return say("posts.claim.all_held")
    buttons = [{"text": p.name, "data": DutyClaim(p.id).pack()} for p in free]
    return say("posts.claim.menu", buttons=[buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def _deciders(store: Store, member: Member, tree: OrgTree) -> list[Member]:
    """The linked, active secretaries who manage the member's unit."""
    return [
        s
        for s in await store.members.with_role("secretary")
        if s.active
        and s.linked
        and s.telegram_id is not None
        and s.id != member.id
        and can_manage(Actor(s.telegram_id, s), member.unit_id, tree)
    ]


async def ask(deps: Deps, call: Call, post_id: int) -> Result:
    """A post pressed in `/claim`: the claim is recorded and sent to the secretaries over the member's unit."""
    now, store, settings = call.now, deps.store, deps.settings
    member = call.actor.member
    post = await store.duty.posts.get(post_id)
    if member is None or post is None:
        return Result.of(alert("duty.expired"))
    if post.key in member.posts:
        return Result.of(say("posts.claim.held", post=post.name))
    if not post.active:
        return Result.of(say("posts.claim.closed", post=post.name))
    if post.id in await store.duty.posts.unused(member.unit_id):
        return Result.of(say("posts.claim.not_used", post=post.name))
    tree = OrgTree.of(await store.units.all())
    deciders = await _deciders(store, member, tree)

    def messages(claim_id: int) -> list[Outgoing]:
        out = []
        for s in deciders:
            assert s.telegram_id is not None
            to = _lang(s, settings)
            buttons = [
                [
                    {"text": t(to, "posts.claim.yes"), "data": DutyClaimDecide(claim_id, YesNo.YES).pack()},
                    {"text": t(to, "posts.claim.no"), "data": DutyClaimDecide(claim_id, YesNo.NO).pack()},
                ]
            ]
            out.append(
                Outgoing(
                    key=f"duty:claim:{claim_id}:{s.id}",
                    kind="alert",
                    chat_id=s.telegram_id,
                    member_id=s.id,
                    ref=f"claim:{claim_id}",
                    buttons=buttons,
                    text=t(
                        to, "posts.claim.to_secretary", name=member.name, unit=unit_label(tree, member), post=post.name
                    ),
                )
            )
        return out

    claim_id, queued = await store.duty.posts.open_claim(member.id, post.id, iso(now), messages)
    if claim_id is None:
        return Result.of(say("posts.claim.already", post=post.name))
    log.info("claim=%s member=%s post=%s asked", claim_id, member.id, post.id)
    return Result.of(
        say("posts.claim.asked" if deciders else "posts.claim.asked_nobody", post=post.name), queued=queued
    )


async def decide(deps: Deps, call: Call, pressed: DutyClaimDecide) -> Result:
    """准 / 不准 pressed: only a secretary over the member's unit now; the first decision holds."""
    actor, now, store, settings = call.actor, call.now, deps.store, deps.settings
    claim_id, verdict = pressed.claim_id, pressed.verdict
    claim = await store.duty.posts.claim(claim_id)
    member = await store.members.get(claim.member_id) if claim else None
    post = await store.duty.posts.get(claim.post_id) if claim else None
    tree = OrgTree.of(await store.units.all())
    if claim is None or member is None or post is None or not can_manage(actor, member.unit_id, tree):
        return Result.of(alert("posts.claim.refused"))
    if claim.decision is not None:
        return Result.of(alert("posts.claim.decided_before", post=post.name, name=member.name))
    decision = "approved" if verdict == "yes" else "refused"

    def messages() -> list[Outgoing]:
        if member.telegram_id is None or not member.active:
            return []
        to = _lang(member, settings)
        return [
            Outgoing(
                key=f"duty:claim:{claim_id}:decided",
                kind="alert",
                chat_id=member.telegram_id,
                member_id=member.id,
                ref=f"claim:{claim_id}",
                text=t(to, f"posts.claim.told_{decision}", post=post.name),
            )
        ]

    queued = await store.duty.posts.decide_claim(
        claim_id, decision, actor.member.id if actor.member else None, iso(now), post.key, messages
    )
    if queued is None:
        return Result.of(alert("posts.claim.decided_before", post=post.name, name=member.name))
    log.info("claim=%s %s by telegram_id=%s", claim_id, decision, actor.telegram_id)
    return Result.of(say(f"posts.claim.done_{decision}", name=member.name, post=post.name), queued=queued)
