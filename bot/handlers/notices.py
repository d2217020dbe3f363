"""`/notice` in Telegram: a secretary composes a meeting notice (type, unit, time, place, topic — or the
one-line form), sees a preview with who will get it, and presses Send. The steps, the preview and
publishing are use cases in `bot.services.notices.compose`; this module parses updates, keeps the draft
in `user_data` between messages and shows what the use cases return.

Replies, check-in and `/notices`: `notices_replies`; attendance, cancel, minutes, group binding:
`notices_admin`.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.payload import family
from bot.domain.results import Result, say
from bot.handlers import conversation, notices_admin, notices_replies
from bot.handlers.common import Handler, args_text, call, command, deps, expired_button, render
from bot.handlers.notices_replies import SEATING
from bot.handlers.pages import show_page
from bot.i18n import reply_text
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.ledger.buttons import LedgerNotice
from bot.services.notices import compose
from bot.services.notices.buttons import (
    NOTICES,
    NoticeDrop,
    NoticeGroupCopy,
    NoticeKind,
    NoticeMode,
    NoticeSend,
    NoticeUnit,
)
from bot.services.notices.compose import Choice, NoticeDraft, Stage, Step

log = logging.getLogger(__name__)
END = ConversationHandler.END


def _draft(context: ZhibuContext) -> NoticeDraft | None:
    return conversation.current(context, NoticeDraft)


async def _go(update: Update, context: ZhibuContext, step: Step) -> int | None:
    """Show the step (a pressed prompt keeps the choice, not its buttons) and go on to the stage it names
    (None: the same one)."""
    if step.result.queued:  # deliveries start while the answer goes out (`render` wakes the sender after it)
        context.services.poke_sender()
    chosen = reply_text(step.chosen, context.lang) if step.chosen is not None else None
    state = None if step.stage is None else END if step.stage is Stage.DONE else int(step.stage)
    return await conversation.step(update, context, NoticeDraft, step.draft, step.result, state, chosen=chosen)


async def _lost(update: Update, context: ZhibuContext) -> int:
    return await conversation.lost(update, context, "/notice")


def _text(update: Update) -> str:
    assert update.effective_message is not None
    return update.effective_message.text or ""


@command("notice")
async def cmd_notice(update: Update, context: ZhibuContext) -> int | None:
    step = await compose.begin(deps(context), call(context), args_text(context))
    return await _go(update, context, step)


async def on_kind_button(update: Update, context: ZhibuContext) -> int | None:
    assert update.callback_query is not None
    pressed = NoticeKind.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern matched
    return await _go(
        update,
        context,
        await compose.choose_kind(
            deps(context), call(context), _draft(context) or NoticeDraft(), Choice(pressed.kind, pressed=True)
        ),
    )


@command("notice")
async def on_ledger_nudge(update: Update, context: ZhibuContext) -> int | None:
    """The button of the 三会一课 nudge (`bot.services.ledger.nudges`): /notice with its type chosen. The
    nudge itself stays as it was (nothing is edited)."""
    assert update.callback_query is not None
    pressed = LedgerNotice.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern matched
    step = await compose.choose_kind(deps(context), call(context), NoticeDraft(), Choice(pressed.kind, pressed=True))
    return await _go(update, context, replace(step, chosen=None))


async def on_kind_text(update: Update, context: ZhibuContext) -> int | None:
    return await _go(
        update,
        context,
        await compose.choose_kind(
            deps(context), call(context), _draft(context) or NoticeDraft(), Choice(_text(update))
        ),
    )


async def on_unit_button(update: Update, context: ZhibuContext) -> int | None:
    assert update.callback_query is not None
    pressed = NoticeUnit.unpack(update.callback_query.data)
    assert pressed is not None
    if (draft := _draft(context)) is None:
        return await _lost(update, context)
    return await _go(
        update,
        context,
        await compose.choose_unit(deps(context), call(context), draft, pressed.unit_id),
    )


async def on_unit_text(update: Update, context: ZhibuContext) -> int | None:
    if (draft := _draft(context)) is None:
        return await _lost(update, context)
    return await _go(
        update,
        context,
        await compose.choose_unit(deps(context), call(context), draft, _text(update)),
    )


async def on_when(update: Update, context: ZhibuContext) -> int | None:
    if (draft := _draft(context)) is None:
        return await _lost(update, context)
    return await _go(
        update,
        context,
        compose.set_when(deps(context), call(context), draft, _text(update)),
    )


async def on_place(update: Update, context: ZhibuContext) -> int | None:
    if (draft := _draft(context)) is None:
        return await _lost(update, context)
    return await _go(
        update,
        context,
        compose.set_place(deps(context), call(context), draft, _text(update)),
    )


async def on_topic(update: Update, context: ZhibuContext) -> int | None:
    if (draft := _draft(context)) is None:
        return await _lost(update, context)
    return await _go(
        update,
        context,
        await compose.set_topic(deps(context), call(context), draft, _text(update)),
    )


def not_text(stage: Stage) -> Handler:
    """A photo, voice message, sticker or file where the step expects typed text: say so, ask again, stay."""

    async def answer(update: Update, context: ZhibuContext) -> None:
        question = await compose.question(deps(context), call(context), stage, _draft(context))
        await render(update, context, Result.of(say("common.text_expected"), question))

    return answer


async def on_send(update: Update, context: ZhibuContext) -> int | None:
    query = update.callback_query
    assert query is not None
    pressed = NoticeSend.unpack(query.data)
    assert pressed is not None
    step = await compose.send(deps(context), call(context), _draft(context), pressed.draft)
    if step.seats is None:
        if step.stage is not None:  # the preview is spent: its buttons go
            await query.edit_message_reply_markup(None)
        return await _go(update, context, step)
    # Written: answered first, the seats (seconds at 100 000 members) follow in the background whatever happens to
    # the answer or to the preview's buttons (a failed edit must not leave the notice to the sweep, a minute later).
    seating: set[int] = context.services.state.setdefault(SEATING, set())
    seating.add(step.seats.notice_id)  # before the answer: whoever has the answer sees the seats still to come
    try:
        try:
            await query.edit_message_reply_markup(None)
        except TelegramError as error:  # the draft is dropped below all the same: a second press finds it spent
            log.warning("notice=%s: the preview's buttons stay (%s)", step.seats.notice_id, error)
        return await _go(update, context, step)
    finally:
        await seat_in_background(context, step.seats)


async def seat_in_background(context: ZhibuContext, opened: compose.Opened) -> None:
    """Write a sent notice's seats and copies after the answer, then wake the sender. The notice is in `SEATING`
    until then (the tests wait for it to empty); a failure leaves the notice publishing, for the sweep to finish."""
    services = context.services
    seating: set[int] = services.state.setdefault(SEATING, set())
    seating.add(opened.notice_id)

    async def run() -> None:
        try:
            if await compose.seat(deps(context), opened):
                services.poke_sender()
        except Exception:
            log.exception("notice=%s: publishing stopped; the sweep will finish it", opened.notice_id)
        finally:
            seating.discard(opened.notice_id)

    if context.application.running:
        context.application.create_task(run(), name=f"notice-{opened.notice_id}-seats")
    else:
        await run()


async def on_drop(update: Update, context: ZhibuContext) -> int | None:
    query = update.callback_query
    assert query is not None
    pressed = NoticeDrop.unpack(query.data)
    assert pressed is not None
    step = compose.drop(_draft(context), pressed.draft)
    if step.stage is not None:
        await query.edit_message_reply_markup(None)
    return await _go(update, context, step)


async def on_group_copy(update: Update, context: ZhibuContext) -> int | None:
    """不发到群 / 也发到群 on the preview: the preview is shown again in its place, with the choice made."""
    query = update.callback_query
    assert query is not None
    pressed = NoticeGroupCopy.unpack(query.data)
    assert pressed is not None
    step = await compose.group_copy(deps(context), call(context), _draft(context), pressed)
    conversation.keep(context, NoticeDraft, step.draft)
    await show_page(update, context, step.result.replies[0])
    if step.stage is None:
        return None
    return END if step.stage is Stage.DONE else int(step.stage)


async def on_mode(update: Update, context: ZhibuContext) -> int | None:
    """现场 / 线上 on the preview: the preview is shown again in its place, the meeting held that way."""
    query = update.callback_query
    assert query is not None
    pressed = NoticeMode.unpack(query.data)
    assert pressed is not None
    step = await compose.set_mode(deps(context), call(context), _draft(context), pressed)
    conversation.keep(context, NoticeDraft, step.draft)
    await show_page(update, context, step.result.replies[0])
    if step.stage is None:
        return None
    return END if step.stage is Stage.DONE else int(step.stage)


async def on_cancel(update: Update, context: ZhibuContext) -> int:
    return await conversation.cancelled(update, context, NoticeDraft)


def register(app: ZhibuApp) -> None:
    text = filters.TEXT & ~filters.COMMAND
    other = filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            entry_points=[
                CommandHandler("notice", cmd_notice),
                CallbackQueryHandler(on_ledger_nudge, pattern=LedgerNotice.matches),
            ],
            states={
                Stage.KIND: [
                    CallbackQueryHandler(on_kind_button, pattern=NoticeKind.matches),
                    MessageHandler(text, on_kind_text),
                    MessageHandler(other, not_text(Stage.KIND)),
                ],
                Stage.UNIT: [
                    CallbackQueryHandler(on_unit_button, pattern=NoticeUnit.matches),
                    MessageHandler(text, on_unit_text),
                    MessageHandler(other, not_text(Stage.UNIT)),
                ],
                Stage.WHEN: [MessageHandler(text, on_when), MessageHandler(other, not_text(Stage.WHEN))],
                Stage.PLACE: [MessageHandler(text, on_place), MessageHandler(other, not_text(Stage.PLACE))],
                Stage.TOPIC: [MessageHandler(text, on_topic), MessageHandler(other, not_text(Stage.TOPIC))],
                Stage.CONFIRM: [
                    CallbackQueryHandler(on_send, pattern=NoticeSend.matches),
                    CallbackQueryHandler(on_drop, pattern=NoticeDrop.matches),
                    CallbackQueryHandler(on_group_copy, pattern=NoticeGroupCopy.matches),
                    CallbackQueryHandler(on_mode, pattern=NoticeMode.matches),
                ],
            },
            fallbacks=[CommandHandler("cancel", on_cancel)],
            allow_reentry=True,
            name="notice",
            persistent=True,
        )
    )
    notices_replies.register(app)
    notices_admin.register(app)
    # Last: any other `ntc` payload — a button of a conversation that is over, or forged — is answered like
    # an expired button, and nothing is recorded.
    app.add_handler(CallbackQueryHandler(expired_button("notice.expired"), pattern=family(NOTICES)))
