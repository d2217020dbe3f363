"""Secretaries after a notice went out: `/attendance [id]` (replies, check-ins, quorum; 代签/补签 by
`/attendance <id> | 代签 | name`), `/cancelnotice <id>`, `/minutes <id> | text`, and `/bindgroup` in a
group chat so notices are posted there too."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers.common import actor, args_text, command, is_private, reply, reply_html, split_fields
from bot.handlers.notices_replies import refresh
from bot.i18n import t
from bot.services import notices as rules
from bot.services import notices_text as view
from bot.services.notices_broadcast import cancellation
from bot.services.rights import OrgTree, managed_units
from bot.store.notices import Notice
from bot.store.outbox import OutboxRow, Outgoing

log = logging.getLogger(__name__)


async def _managed_notice(update: Update, context: ZhibuContext, raw: str, tree: OrgTree,
                          usage: str) -> Notice | None:
    """The notice `raw` names (`12` or `#12`), if it belongs to the secretary's units; else a refusal."""
    digits = raw.strip().lstrip("#")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:  # not `²`, nor beyond SQLite's INTEGER
        await reply(update, context, usage)
        return None
    notice = await context.store.notices.get(int(digits))
    if notice is None or notice.unit_id not in managed_units(actor(context), tree):
        await reply(update, context, "notice.not_found", id=digits)
        return None
    return notice


@command("attendance")
async def cmd_attendance(update: Update, context: ZhibuContext) -> None:
    fields = split_fields(args_text(context))
    tree = await context.services.tree()
    if fields[0]:
        notice = await _managed_notice(update, context, fields[0], tree, "notice.att.usage")
    else:
        notice = await context.store.notices.latest_in(managed_units(actor(context), tree))
        if notice is None:
            await reply(update, context, "notice.none_yet")
    if notice is None:
        return
    if len(fields) == 3:
        await _mark_present(update, context, notice, fields[1], fields[2])
        return
    if len(fields) != 1:
        await reply(update, context, "notice.att.usage")
        return
    store = context.store
    expected = await store.notices.expected(notice.id)
    rsvps, checkins = await store.notices.rsvps(notice.id), await store.notices.checkins(notice.id)
    quorum = None
    if notice.kind == "general":
        present = {m for m in checkins} | {m for m, r in rsvps.items() if r.answer == "attend"}
        quorum = rules.has_quorum(len(expected), len(present & {e.member.id for e in expected}))
    await reply_html(update, context, view.attendance(context.lang, notice, tree, context.settings.tz, expected,
                                                       rsvps, checkins, quorum))


async def _mark_present(update: Update, context: ZhibuContext, notice: Notice, word: str, name: str) -> None:
    """代签 (during the check-in window) or 补签 (after the start) for a member expected at the meeting."""
    how = rules.PROXY_WORDS.get(word.strip().lower())
    if how is None:
        await reply(update, context, "notice.att.usage")
        return
    if notice.cancelled_at is not None:
        await reply(update, context, "notice.is_cancelled")
        return
    now, tz, lang = context.services.now(), context.settings.tz, context.lang
    opens, closes = rules.checkin_window(notice.starts_at)
    if how == "proxy" and not opens <= now <= closes:
        await reply(update, context, "notice.att.proxy_window", opens=view.when(lang, opens, tz),
                    closes=view.when(lang, closes, tz), id=notice.id)
        return
    if how == "late" and now < notice.starts_at:
        await reply(update, context, "notice.att.late_too_early", when=view.when(lang, notice.starts_at, tz))
        return
    found = [e.member for e in await context.store.notices.expected(notice.id) if e.member.name == name.strip()]
    if len(found) != 1:
        await reply(update, context, "notice.att.no_member" if not found else "notice.att.ambiguous",
                    name=name.strip(), id=notice.id)
        return
    member = found[0]
    person = actor(context)
    fresh = await context.store.notices.record_checkin(notice.id, member.id, how,
                                                       person.member.id if person.member else None, now)
    if not fresh:
        await reply(update, context, "notice.att.already", name=member.name)
        return
    log.info("notice=%s member=%s marked present (%s)", notice.id, member.id, how)
    await reply(update, context, f"notice.att.marked_{how}", name=member.name, id=notice.id)
    await refresh(context, notice, member)


@command("cancelnotice")
async def cmd_cancelnotice(update: Update, context: ZhibuContext) -> None:
    tree = await context.services.tree()
    notice = await _managed_notice(update, context, args_text(context), tree, "notice.cancel_usage")
    if notice is None:
        return
    if notice.cancelled_at is not None:
        await reply(update, context, "notice.already_cancelled", id=notice.id)
        return
    if notice.starts_at <= context.services.now():
        await reply(update, context, "notice.cancel_started", id=notice.id)
        return
    languages = {e.member.id: e.member.language for e in await context.store.notices.expected(notice.id)}
    default = context.settings.default_language
    services = context.services

    def messages(told: list[OutboxRow]) -> list[Outgoing]:
        return [cancellation(services.settings, notice, tree, row,
                             (languages.get(row.member_id) if row.member_id is not None else None) or default)
                for row in told]

    withdrawn, queued = await context.store.notices.cancel(notice.id, services.now(), messages)
    services.poke_sender()
    log.info("notice=%s cancelled: %s told, %s unsent withdrawn", notice.id, queued, withdrawn)
    await reply(update, context, "notice.cancel_done", id=notice.id, told=queued, withdrawn=withdrawn)


@command("minutes")
async def cmd_minutes(update: Update, context: ZhibuContext) -> None:
    text = args_text(context)
    head, _, rest = text.replace("｜", "|").partition("|")
    tree = await context.services.tree()
    notice = await _managed_notice(update, context, head, tree, "notice.minutes_usage")
    if notice is None:
        return
    minutes = rest.strip()
    if not minutes:
        key = "notice.minutes_show" if notice.minutes else "notice.minutes_usage"
        await reply(update, context, key, id=notice.id, text=notice.minutes or "")
        return
    if len(minutes) > rules.MINUTES_LIMIT:
        await reply(update, context, "notice.err.too_long", field=t(context.lang, "notice.field.minutes"),
                    limit=rules.MINUTES_LIMIT)
        return
    await context.store.notices.set_minutes(notice.id, minutes, context.services.now())
    await reply(update, context, "notice.minutes_saved", id=notice.id)


@command("bindgroup")
async def cmd_bindgroup(update: Update, context: ZhibuContext) -> None:
    if is_private(update) or update.effective_chat is None:
        await reply(update, context, "notice.bind_in_group")
        return
    person = actor(context)
    tree = await context.services.tree()
    unit_id = person.member.unit_id if person.member else next(
        (u.id for u in tree.units.values() if u.parent_id is None), None)
    if unit_id is None:
        return
    await context.store.notices.bind_chat(unit_id, update.effective_chat.id)
    log.info("unit=%s bound to chat=%s", unit_id, update.effective_chat.id)
    await reply(update, context, "notice.bound", unit=view.unit_name(tree, tree.units.get(unit_id)))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("attendance", cmd_attendance))
    app.add_handler(CommandHandler("cancelnotice", cmd_cancelnotice))
    app.add_handler(CommandHandler("minutes", cmd_minutes))
    app.add_handler(CommandHandler("bindgroup", cmd_bindgroup))
