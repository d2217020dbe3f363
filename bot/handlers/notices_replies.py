"""Members answer a notice: `Attend`, `Leave` (the reason asked in the private chat, `/cancel` leaves),
`Check in` in its window — from their private copy or from the post in a bound group — and `/notices`.

The member's copy of the notice is edited to show their current answer; the group post shows the tally
(edited by one background task per post, so presses in a busy group never wait on its rate limit).
"""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import Services, ZhibuApp, ZhibuContext
from bot.delivery import markup
from bot.handlers.common import actor, command, is_private, reply, reply_html
from bot.i18n import Html, t
from bot.services import notices as rules
from bot.services import notices_text as view
from bot.services.rights import OrgTree
from bot.store.models import Member
from bot.store.notices import Notice

log = logging.getLogger(__name__)
END = ConversationHandler.END
PENDING_LEAVE = "notice_leave"
GROUP_EDITS = "notice_group_edits"


class L(IntEnum):
    REASON = 1


def _notice_id(update: Update) -> int:
    assert update.callback_query is not None and update.callback_query.data is not None
    return int(update.callback_query.data.rsplit(":", 1)[1])


async def _alert(update: Update, context: ZhibuContext, key: str, **params: object) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(t(context.lang, key, **params), show_alert=True)


async def _load(update: Update, context: ZhibuContext, notice_id: int) -> tuple[Notice, Member] | None:
    """The notice and the member pressing its button, or an alert saying why not (nothing recorded)."""
    person = actor(context)
    notice = await context.store.notices.get(notice_id)
    if notice is None:
        await _alert(update, context, "notice.gone")
        return None
    if person.member is None or not await context.store.notices.is_expected(notice.id, person.member.id):
        await _alert(update, context, "notice.not_yours")
        return None
    if notice.cancelled_at is not None:
        await _alert(update, context, "notice.is_cancelled")
        return None
    return notice, person.member


async def _answerable(update: Update, context: ZhibuContext) -> tuple[Notice, Member] | None:
    loaded = await _load(update, context, _notice_id(update))
    if loaded is not None and not rules.may_answer(loaded[0].starts_at, context.services.now()):
        await _alert(update, context, "notice.too_late")
        return None
    return loaded


async def on_attend(update: Update, context: ZhibuContext) -> int:
    loaded = await _answerable(update, context)
    if loaded is None:
        return END
    notice, member = loaded
    await context.store.notices.record_rsvp(notice.id, member.id, "attend", None, context.services.now())
    log.info("notice=%s member=%s attend", notice.id, member.id)
    assert update.callback_query is not None
    await update.callback_query.answer(t(context.lang, "notice.recorded_attend"))
    await refresh(context, notice, member)
    return END


async def on_checkin(update: Update, context: ZhibuContext) -> int:
    loaded = await _load(update, context, _notice_id(update))
    if loaded is None:
        return END
    notice, member = loaded
    now, tz = context.services.now(), context.settings.tz
    if not rules.may_check_in(notice.starts_at, now):
        opens, closes = rules.checkin_window(notice.starts_at)
        key = "notice.checkin_not_open" if now < opens else "notice.checkin_closed"
        await _alert(update, context, key, opens=view.when(context.lang, opens, tz),
                     closes=view.when(context.lang, closes, tz))
        return END
    fresh = await context.store.notices.record_checkin(notice.id, member.id, "self", member.id, now)
    assert update.callback_query is not None
    await update.callback_query.answer(t(context.lang, "notice.checked_in" if fresh else "notice.already_in"))
    if fresh:
        log.info("notice=%s member=%s checked in", notice.id, member.id)
        await refresh(context, notice, member)
    return END


async def on_leave(update: Update, context: ZhibuContext) -> int:
    """Leave: the reason is asked in the private chat (also when pressed in a group)."""
    loaded = await _answerable(update, context)
    if loaded is None:
        return END
    notice, _ = loaded
    assert update.callback_query is not None and update.effective_user is not None and context.user_data is not None
    tree = await context.services.tree()
    title = Html(view.title(context.lang, notice, tree, context.settings.tz))
    prompt = t(context.lang, "notice.ask_reason", title=title)
    if is_private(update):
        await update.callback_query.answer()
        await reply_html(update, context, prompt)
    else:
        try:
            await context.bot.send_message(update.effective_user.id, prompt, parse_mode="HTML")
        except Forbidden:
            await _alert(update, context, "notice.open_private_first", bot=context.bot.username)
            return END
        await _alert(update, context, "notice.reason_in_private")
    context.user_data[PENDING_LEAVE] = notice.id
    return L.REASON


async def on_reason(update: Update, context: ZhibuContext) -> int | None:
    assert update.effective_message is not None and context.user_data is not None
    reason = (update.effective_message.text or "").strip()
    if len(reason) > rules.REASON_LIMIT:
        await reply(update, context, "notice.err.too_long", field=t(context.lang, "notice.field.reason"),
                    limit=rules.REASON_LIMIT)
        return None
    notice_id = context.user_data.pop(PENDING_LEAVE, None)
    person = actor(context)
    notice = await context.store.notices.get(notice_id) if notice_id is not None else None
    if notice is None or person.member is None or notice.cancelled_at is not None:
        await reply(update, context, "notice.gone")
        return END
    if not rules.may_answer(notice.starts_at, context.services.now()):
        await reply(update, context, "notice.too_late")
        return END
    await context.store.notices.record_rsvp(notice.id, person.member.id, "leave", reason, context.services.now())
    log.info("notice=%s member=%s leave", notice.id, person.member.id)
    await reply(update, context, "notice.leave_recorded", reason=reason)
    await refresh(context, notice, person.member)
    return END


async def on_leave_cancel(update: Update, context: ZhibuContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(PENDING_LEAVE, None)
    await reply(update, context, "notice.leave_kept")
    return END


async def refresh(context: ZhibuContext, notice: Notice, member: Member) -> None:
    """Show the member's current answer on their copy of the notice, and the tally on the group post."""
    store = context.store
    row = await store.notices.delivery(f"notice:{notice.id}:{member.id}")
    if row is not None and row.message_id is not None:
        rsvp = await store.notices.rsvp(notice.id, member.id)
        checkin = (await store.notices.checkins(notice.id)).get(member.id)
        lang = member.language or context.settings.default_language
        text = view.member_view(lang, notice, await context.services.tree(), context.settings.tz, rsvp, checkin)
        await edit(context.bot, row.chat_id, row.message_id, text, view.buttons(lang, notice.id))
    schedule_group_edit(context.application, context.services, notice.id)


async def edit(bot: Any, chat_id: int, message_id: int, text: str, buttons: list[list[dict[str, str]]]) -> None:
    """Edit a notice message; "message is not modified" is success, a deleted message is let go."""
    try:
        await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, parse_mode="HTML",
                                    reply_markup=markup(buttons))
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            log.info("chat=%s message=%s not edited: %s", chat_id, message_id, exc.message)
    except TelegramError as exc:
        log.warning("chat=%s message=%s not edited: %s", chat_id, message_id, exc)


def schedule_group_edit(app: ZhibuApp, services: Services, notice_id: int) -> None:
    """Mark the group post stale; one task per post re-renders it until it is current."""
    edits: dict[int, bool] = services.state.setdefault(GROUP_EDITS, {})
    running = notice_id in edits
    edits[notice_id] = True
    if not running:
        app.create_task(_group_editor(app, services, notice_id), name=f"notice-{notice_id}-group-edit")


async def _group_editor(app: ZhibuApp, services: Services, notice_id: int) -> None:
    edits: dict[int, bool] = services.state[GROUP_EDITS]
    try:
        while edits.get(notice_id):
            edits[notice_id] = False
            row = await services.store.notices.delivery(f"notice:{notice_id}:group")
            notice = await services.store.notices.get(notice_id)
            if row is None or row.message_id is None or notice is None:
                break
            answers = [r.answer for r in (await services.store.notices.rsvps(notice_id)).values()]
            lang = services.settings.default_language
            tree = OrgTree.of(await services.store.units.all())
            text = view.group_view(lang, notice, tree, services.settings.tz, answers.count("attend"),
                                   answers.count("leave"))
            await edit(app.bot, row.chat_id, row.message_id, text, view.buttons(lang, notice_id))
    finally:
        edits.pop(notice_id, None)


@command("notices")
async def cmd_notices(update: Update, context: ZhibuContext) -> None:
    member = actor(context).member
    assert member is not None
    upcoming = await context.store.notices.upcoming_for(member.id, context.services.now())
    answers = await context.store.notices.rsvps_of_member(member.id, [n.id for n in upcoming])
    await reply_html(update, context, view.upcoming(context.lang, [(n, answers.get(n.id)) for n in upcoming],
                                                    await context.services.tree(), context.settings.tz))


def register(app: ZhibuApp) -> None:
    # Per user, not per chat: Leave pressed in a group is answered in the private chat.
    app.add_handler(ConversationHandler(
        entry_points=[CallbackQueryHandler(on_leave, pattern=r"^ntc:lv:[0-9]{1,18}$")],
        states={L.REASON: [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, on_reason)]},
        fallbacks=[CommandHandler("cancel", on_leave_cancel),
                   CallbackQueryHandler(on_attend, pattern=r"^ntc:att:[0-9]{1,18}$"),
                   CallbackQueryHandler(on_checkin, pattern=r"^ntc:in:[0-9]{1,18}$")],
        allow_reentry=True, per_chat=False, name="notice-leave",
    ))
    app.add_handler(CallbackQueryHandler(on_attend, pattern=r"^ntc:att:[0-9]{1,18}$"))
    app.add_handler(CallbackQueryHandler(on_checkin, pattern=r"^ntc:in:[0-9]{1,18}$"))
    app.add_handler(CommandHandler("notices", cmd_notices))
