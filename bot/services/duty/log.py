"""`/log` (设岗定责 as data): an entry for any post the member holds, step by step. With one post it starts
at once; with several, a button per post (or `/log 环境卫生岗`). 治安巡逻岗 and 矛盾调解岗 go on as `/patrol`
and `/mediate` do; any other post asks what was done, the time spent and the people served, then an
optional photo (`bot.services.duty.flow`). No Telegram here."""

from __future__ import annotations

from bot.domain.call import Call
from bot.domain.results import Result, alert, say
from bot.i18n import t
from bot.services.duty import flow
from bot.services.duty.buttons import DutyLogPost
from bot.services.duty.common import catalogue
from bot.services.duty.flow import Opening, Turn
from bot.services.duty.view import join_names
from bot.services.kernel.deps import Deps
from bot.store.db import iso


async def menu(deps: Deps, call: Call, text: str, photo: str | None) -> Turn:
    """`/log [post]`: the first question of the post's entry, or the choice of post."""
    store, lang = deps.store, call.lang
    member = call.actor.member
    if member is None or not member.posts:
        return Turn(Result.of(say("common.refused", what="/log", who=t(lang, "common.who_post"))))
    cat = await catalogue(store)
    if any(cat.by_key(key) is None for key in member.posts):  # a roster named a post the catalogue lacked
        await store.duty.posts.adopt(member.posts, iso(call.now))
        cat = await catalogue(store)
    held = cat.held(member.posts)
    names = join_names([p.name for p in held], lang) or t(lang, "duty.post.none")
    if text:
        post = cat.find(text)
        if post is None or post.key not in member.posts:
            return Turn(Result.of(say("posts.log.not_held", name=text.strip(), held=names)))
        return await flow.start(deps, call, post.key, Opening(photo=photo))
    if len(held) == 1:
        return await flow.start(deps, call, held[0].key, Opening(photo=photo))
    if not held:
        return Turn(Result.of(say("posts.log.not_in_catalogue")))
    buttons = [{"text": p.name, "data": DutyLogPost(p.id).pack()} for p in held]
    return Turn(Result.of(say("posts.log.choose", buttons=[buttons[i : i + 2] for i in range(0, len(buttons), 2)])))


async def chosen(deps: Deps, call: Call, post_id: int) -> Turn:
    """A post pressed under `/log`: its first question, if the member still holds it."""
    post = await deps.store.duty.posts.get(post_id)
    if post is None or not call.actor.has_post(post.key):
        return Turn(Result.of(alert("posts.log.gone")))
    return await flow.start(deps, call, post.key, Opening())
