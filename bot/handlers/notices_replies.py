"""Members answer a notice in Telegram: `Attend`, `Leave` (the reason asked in the private chat, `/cancel`
leaves), `Check in` in its window — from their private copy or from the post in a bound group — and
`/notices`. The decisions are use cases in `bot.services.notices.attendance`; this module answers the
press, makes the edits they return and keeps the group post current.

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

from bot.domain.results import Result, say
from bot.handlers import conversation
from bot.handlers.common import call, command, deps, is_private, render, reply_html, reply_item
from bot.i18n import reply_text, t
from bot.runtime.context import Services, ZhibuApp, ZhibuContext
from bot.runtime.delivery import markup
from bot.runtime.scheduler import REFRESH
from bot.services.notices import attendance as answers
from bot.services.notices import leave as notices_leave
from bot.services.notices.attendance import Answered, LeaveAsked, LeaveReason
from bot.services.notices.buttons import NoticeAttend, NoticeCheckin, NoticeLeave, NoticeLeaveNo, NoticeLeaveOk
from bot.services.notices.edits import Edit, group_post
from bot.services.notices.manage import upcoming

log = logging.getLogger(__name__)
END = ConversationHandler.END
GROUP_EDITS = "notice_group_edits"
PENDING_EDITS = "notice_pending_edits"
SEATING = "notice_seating"  # notices whose seats Send is writing in the background (`notices.seat_in_background`)


class L(IntEnum):
    REASON = 1


async def show(update: Update, context: ZhibuContext, outcome: Answered) -> None:
    """Answer the press (if any), say what there is to say, re-render the messages that changed, and have
    the group post brought up to date."""
    query = update.callback_query
    if query is not None:
        answer = outcome.answer
        await query.answer(
            reply_text(answer, context.lang) if answer else None, show_alert=bool(answer and answer.alert)
        )
    for item in outcome.result.replies:
        await reply_item(update, context, item)
    for change in outcome.edits:
        schedule_edit(context.application, context.services, change)
    if outcome.group_of is not None:
        schedule_group_edit(context.application, context.services, outcome.group_of)


async def on_attend(update: Update, context: ZhibuContext) -> int:
    assert update.callback_query is not None
    pressed = NoticeAttend.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern matched
    await show(
        update,
        context,
        await answers.attend(deps(context), call(context), pressed.notice_id),
    )
    return END


async def on_checkin(update: Update, context: ZhibuContext) -> int:
    assert update.callback_query is not None
    pressed = NoticeCheckin.unpack(update.callback_query.data)
    assert pressed is not None
    await show(
        update,
        context,
        await answers.check_in(deps(context), call(context), pressed.notice_id),
    )
    return END


async def on_leave(update: Update, context: ZhibuContext) -> int:
    """Leave: the reason is asked in the private chat (also when pressed in a group)."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    pressed = NoticeLeave.unpack(query.data)
    assert pressed is not None
    outcome = await answers.ask_leave(deps(context), call(context), pressed.notice_id)
    if not isinstance(outcome, LeaveAsked):
        await show(update, context, outcome)
        return END
    prompt = reply_text(outcome.prompt, context.lang)
    if is_private(update):
        await query.answer()
        await reply_html(update, context, prompt)
    else:
        try:
            await context.bot.send_message(update.effective_user.id, prompt, parse_mode="HTML")
        except Forbidden:
            await query.answer(t(context.lang, "notice.open_private_first", bot=context.bot.username), show_alert=True)
            return END
        await query.answer(t(context.lang, "notice.reason_in_private"), show_alert=True)
    conversation.keep(context, LeaveReason, LeaveReason(notice_id=outcome.notice_id))
    return L.REASON


async def on_leave_decision(update: Update, context: ZhibuContext) -> None:
    """准假 / 不准 on a leave request: the press is answered, the request shows the decision instead of its
    buttons, the member's copy is re-drawn and the word to the member goes out."""
    query = update.callback_query
    assert query is not None
    pressed = NoticeLeaveOk.unpack(query.data) or NoticeLeaveNo.unpack(query.data)
    assert pressed is not None  # the pattern matched
    decision = notices_leave.Decision(
        pressed.notice_id, pressed.member_id, pressed.asked, approve=isinstance(pressed, NoticeLeaveOk)
    )
    decided = await notices_leave.decide(deps(context), call(context), decision)
    await query.answer(reply_text(decided.answer, context.lang), show_alert=decided.answer.alert)
    if decided.text is not None:
        await query.edit_message_text(decided.text, parse_mode="HTML")
    for change in decided.edits:
        schedule_edit(context.application, context.services, change)
    if decided.queued:
        context.services.poke_sender()


def _leave(context: ZhibuContext) -> int | None:
    """The notice whose leave waits for its reason."""
    draft = conversation.current(context, LeaveReason)
    return draft.notice_id if draft is not None else None


async def on_reason(update: Update, context: ZhibuContext) -> int | None:
    assert update.effective_message is not None
    outcome = await answers.give_reason(
        deps(context), call(context), _leave(context), update.effective_message.text or ""
    )
    await show(update, context, outcome)
    if outcome.result.queued:  # the leave request to the convener
        context.services.poke_sender()
    if outcome.stay:
        return None
    conversation.forget(context, LeaveReason)
    return END


async def on_reason_not_text(update: Update, context: ZhibuContext) -> None:
    """A photo, voice message, sticker or file instead of the reason: say so and ask again."""
    notice_id = _leave(context)
    question = (
        say("notice.gone")
        if notice_id is None
        else await answers.leave_question(deps(context), call(context), notice_id)
    )
    await render(update, context, Result.of(say("common.text_expected"), question))


async def on_leave_cancel(update: Update, context: ZhibuContext) -> int:
    conversation.forget(context, LeaveReason)
    await render(update, context, say("notice.leave_kept"))
    return END


async def edit(bot: Any, chat_id: int, message_id: int, text: str, buttons: list[list[dict[str, str]]]) -> None:
    """Edit a notice message in the background (the scheduler's refresh lane); "message is not modified" is
    success, a deleted message is let go."""
    try:
        await bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode="HTML",
            reply_markup=markup(buttons),
            rate_limit_args=REFRESH,
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            log.info("chat=%s message=%s not edited: %s", chat_id, message_id, exc.message)
    except TelegramError as exc:
        log.warning("chat=%s message=%s not edited: %s", chat_id, message_id, exc)


def schedule_edit(app: ZhibuApp, services: Services, change: Edit) -> None:
    """Re-draw a member's copy of a notice after a press, in the background, so the press is answered at once
    and the next update is not held behind the edit's slot. One task per message; a newer change replaces a
    waiting one, so the copy always ends showing the latest answer."""
    pending: dict[tuple[int, int], Edit] = services.state.setdefault(PENDING_EDITS, {})
    key = (change.chat_id, change.message_id)
    running = key in pending
    pending[key] = change
    if not running:
        app.create_task(_editor(app, services, key), name=f"edit-{key[0]}-{key[1]}")


async def _editor(app: ZhibuApp, services: Services, key: tuple[int, int]) -> None:
    pending: dict[tuple[int, int], Edit] = services.state[PENDING_EDITS]
    try:
        while (change := pending.get(key)) is not None:
            await edit(app.bot, change.chat_id, change.message_id, change.text, change.buttons)
            if pending.get(key) is change:
                break
    finally:
        pending.pop(key, None)


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
            post = await group_post(services.store, services.settings, notice_id)
            if post is None:
                break
            await edit(app.bot, post.chat_id, post.message_id, post.text, post.buttons)
    finally:
        edits.pop(notice_id, None)


@command("notices")
async def cmd_notices(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await upcoming(deps(context), call(context)),
    )


def register(app: ZhibuApp) -> None:
    # Per user, not per chat: Leave pressed in a group is answered in the private chat.
    private = filters.ChatType.PRIVATE & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            entry_points=[CallbackQueryHandler(on_leave, pattern=NoticeLeave.matches)],
            states={
                L.REASON: [
                    MessageHandler(private & filters.TEXT, on_reason),
                    MessageHandler(private & ~filters.TEXT, on_reason_not_text),
                ]
            },
            fallbacks=[
                CommandHandler("cancel", on_leave_cancel),
                CallbackQueryHandler(on_attend, pattern=NoticeAttend.matches),
                CallbackQueryHandler(on_checkin, pattern=NoticeCheckin.matches),
            ],
            allow_reentry=True,
            per_chat=False,
            name="notice-leave",
            persistent=True,
        )
    )
    app.add_handler(CallbackQueryHandler(on_attend, pattern=NoticeAttend.matches))
    app.add_handler(CallbackQueryHandler(on_checkin, pattern=NoticeCheckin.matches))
    app.add_handler(CallbackQueryHandler(on_leave_decision, pattern=NoticeLeaveOk.matches))
    app.add_handler(CallbackQueryHandler(on_leave_decision, pattern=NoticeLeaveNo.matches))
    app.add_handler(CommandHandler("notices", cmd_notices))
