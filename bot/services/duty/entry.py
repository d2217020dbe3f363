"""A generic post's entry saved (设岗定责 as data): what was done, the time spent, the people served, an
optional photo — pending the branch's review. The step-by-step flow is `bot.services.duty.flow`. No Telegram
here."""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.domain.results import Reply, say
from bot.domain.rights import Actor
from bot.i18n import Html, t
from bot.services.duty.common import catalogue, save_entry
from bot.services.duty.points import entry_points
from bot.store import Store


async def save_generic(
    actor: Actor,
    post: str,
    done: str,
    minutes: int,
    served: int,
    photo: str | None,
    now: datetime,
    store: Store,
    settings: Settings,
    lang: str,
) -> Reply:
    """Save the entry in the actor's name if they still hold the post (it may have been taken away while they
    were typing), and say what was saved."""
    member = actor.member
    if member is None or not actor.has_post(post):
        return say("duty.log.not_held", post=post)
    entry = await save_entry(store, member.id, post, done, minutes, served, photo, now, settings.tz)
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
