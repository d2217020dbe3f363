"""The quarter's 岗位公示: the lines of the secretary's units' post-holders (names, posts, approved points, the
panel's rating), which `/publicity 岗位` turns into a 党务公开 item with its dates (`bot.services.openness`).
`publish` and `dropped` answer the buttons of previews made before (kept in `post_publicity`, in the export).
No Telegram here.
"""

from __future__ import annotations

import logging

from bot.domain.call import Call
from bot.domain.results import Reply, Result, alert, say
from bot.domain.rights import OrgTree, can_manage
from bot.i18n import t
from bot.services.duty.accounts import quarter_figures, quarter_label, rating_label
from bot.services.duty.points import Quarter, under_review
from bot.services.duty.rules import FieldError
from bot.services.duty.view import posts_label
from bot.services.kernel.deps import Deps
from bot.services.members.people import managed_members
from bot.store.db import iso
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)


async def holders(deps: Deps, call: Call, text: str) -> tuple[int, Quarter, list[str]] | Reply:
    """The 公示 of a quarter (`2026Q1`; the quarter under review when empty) for the secretary's unit: (the unit,
    the quarter, one line per post-holder: name, posts, approved points, the panel's rating), worded in the
    community's language. The 党务公开 item (`bot.services.openness`) gives it its title, dates and objections."""
    actor, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    member = actor.member
    if member is None:
        return say("posts.publicity.no_unit")
    try:
        quarter = Quarter.parse(text) if text.strip() else under_review(now, settings.tz)
    except FieldError:
        return say("posts.err.quarter", value=text.strip())
    tree = OrgTree.of(await store.units.all())
    unit = tree.units.get(member.unit_id)
    found = await quarter_figures(store, await managed_members(store, actor, tree), quarter, settings)
    if unit is None or not found:
        return say("posts.accounts.empty", quarter=quarter_label(lang, quarter))
    group = settings.default_language  # the group reads the community's language
    lines = [
        t(
            group,
            "posts.publicity.line",
            n=n,
            name=h.member.name,
            posts=posts_label(group, h.member.posts),
            points=h.points,
            rating=rating_label(group, h.account),
        )
        for n, h in enumerate(found, 1)
    ]
    return unit.id, quarter, lines


async def publish(deps: Deps, call: Call, publicity_id: int) -> Result:
    """发布到群: the previewed text to the unit's bound group, once; only a secretary over the unit."""
    actor, now, store = call.actor, call.now, deps.store
    found = await store.duty.posts.publicity(publicity_id)
    tree = OrgTree.of(await store.units.all())
    if found is None or not can_manage(actor, found.unit_id, tree):
        return Result.of(alert("duty.expired"))
    chat_id = tree.units[found.unit_id].chat_id
    if chat_id is None:
        return Result.of(say("posts.publicity.no_group"))

    def messages() -> list[Outgoing]:
        return [
            Outgoing(
                key=f"duty:publicity:{found.id}",
                kind="notice",
                chat_id=chat_id,
                text=found.text,
                ref=f"publicity:{found.id}",
            )
        ]

    queued = await store.duty.posts.post_publicity(found.id, chat_id, iso(now), messages)
    if queued is None:
        return Result.of(alert("posts.publicity.posted_before"))
    log.info("publicity=%s posted by telegram_id=%s", found.id, actor.telegram_id)
    return Result.of(say("posts.publicity.posted"), queued=queued)


def dropped() -> Result:
    return Result.of(alert("posts.publicity.dropped"))
