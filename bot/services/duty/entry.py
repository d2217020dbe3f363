"""A generic post's entry saved (设岗定责 as data): what was done, the time spent, the people served, an
optional photo — pending the branch's review. The step-by-step flow is `bot.services.duty.flow`. No Telegram
here."""

from __future__ import annotations

from bot.domain.call import Call
from bot.domain.results import Reply, say
from bot.i18n import Html, t
from bot.services.duty.common import Logged, catalogue, save_entry
from bot.services.duty.points import entry_points
from bot.services.duty.rules import EntryDraft
from bot.services.kernel.deps import Deps


async def save_generic(deps: Deps, call: Call, draft: EntryDraft) -> Reply:
    """Save the entry in the actor's name if they still hold the post (it may have been taken away while they
    were typing), and say what was saved."""
    actor, store, lang, post, photo = call.actor, deps.store, call.lang, draft.post, draft.photo
    member = actor.member
    if member is None or not actor.has_post(post):
        return say("duty.log.not_held", post=post)
    entry = await save_entry(store, Logged(member.id, call.now, deps.tz), draft)
    return say(
        "duty.log.saved",
        id=entry.id,
        post=post,
        minutes=entry.minutes,
        served=entry.served,
        points=entry_points(entry, await catalogue(store)),
        photo=t(lang, "duty.photo_kept") if photo else "",
        pending=Html(t(lang, "duty.pending_note")),
    )
