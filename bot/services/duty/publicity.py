"""The quarter's 公示 as use cases: a secretary previews the list of their units' post-holders (names, posts,
approved points, the panel's rating) and, when their unit has a bound group (`/bindgroup`), posts exactly
what was previewed there — the post queued in the transaction that marks it posted, once. The previewed
text is kept (`post_publicity`) and goes to the export. No Telegram here.
"""

from __future__ import annotations

import logging

from bot.domain.call import Call
from bot.domain.results import Reply, Result, alert, say, shown
from bot.domain.rights import OrgTree, can_manage
from bot.i18n import t
from bot.services.duty.accounts import quarter_figures, quarter_label, rating_label
from bot.services.duty.buttons import DutyPublish, DutyPublishDrop
from bot.services.duty.points import Quarter, under_review
from bot.services.duty.rules import FieldError
from bot.services.duty.view import posts_label
from bot.services.kernel.deps import Deps
from bot.services.members.people import managed_members
from bot.store.db import iso
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)


async def preview(deps: Deps, call: Call, text: str) -> Reply:
    """`/publicity [2026Q1]`: the 公示 as it would be posted, with 发布到群 when the unit has a bound group."""
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
    holders = await quarter_figures(store, await managed_members(store, actor, tree), quarter, settings)
    if unit is None or not holders:
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
        for n, h in enumerate(holders, 1)
    ]
    body = "\n".join(
        [
            t(group, "posts.publicity.header", unit=unit.name, quarter=quarter_label(group, quarter)),
            *lines,
            "",
            t(group, "posts.publicity.footer"),
        ]
    )
    publicity_id = await store.duty.posts.add_publicity(unit.id, str(quarter), body, member.id, iso(now))
    if unit.chat_id is None:
        return shown("\n\n".join([t(lang, "posts.publicity.preview"), body, t(lang, "posts.publicity.no_group")]))
    buttons = [
        [
            {"text": t(lang, "posts.publicity.post"), "data": DutyPublish(publicity_id).pack()},
            {"text": t(lang, "posts.publicity.drop"), "data": DutyPublishDrop(publicity_id).pack()},
        ]
    ]
    return shown("\n\n".join([t(lang, "posts.publicity.preview"), body]), buttons)


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
