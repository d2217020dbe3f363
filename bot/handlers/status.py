"""`/status` (a conversation, or the one-line form), the question whether a member going away stays away for
more than a month and the secretary's registering them as a mobile member, and `/members` for secretaries.
Telegram in and out only: the steps, the rules and the store are in `bot.services.reports.status*` and
`bot.services.reports.mobile`."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.payload import family
from bot.domain.results import Result, alert
from bot.handlers import conversation, pages
from bot.handlers.common import Handler, args_text, call, command, deps, render, split_fields
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.reports import mobile as reports_mobile
from bot.services.reports import status_steps
from bot.services.reports.buttons import (
    MOBILE,
    STATUS,
    MobileLiaison,
    MobileRegister,
    StatusLong,
    StatusSkip,
    StatusState,
)
from bot.services.reports.status import status_line
from bot.services.reports.status_members import list_members, members_page
from bot.services.reports.status_steps import StatusDraft, StatusStep, Step


class S(IntEnum):
    STATE = 1
    LOCATION = 2
    NOTE = 3


_STATES: dict[Step, S] = {"state": S.STATE, "location": S.LOCATION, "note": S.NOTE}
_STEPS: dict[S, Step] = {v: k for k, v in _STATES.items()}


def _draft(context: ZhibuContext) -> StatusDraft | None:
    return conversation.current(context, StatusDraft)


async def _show(update: Update, context: ZhibuContext, step: StatusStep) -> S | int:
    """Show the step and go on to the step it names (or end)."""
    state = ConversationHandler.END if step.next is None else _STATES[step.next]
    return await conversation.step(update, context, StatusDraft, step.draft, step.result, state)


async def _lost(update: Update, context: ZhibuContext) -> int:
    return await conversation.lost(update, context, "/status")


@command("status")
async def cmd_status(update: Update, context: ZhibuContext) -> S | int:
    text = args_text(context)
    if text:
        await render(
            update,
            context,
            await status_line(deps(context), call(context), split_fields(text)),
        )
        return ConversationHandler.END
    return await _show(update, context, status_steps.start(context.lang))


async def on_state_button(update: Update, context: ZhibuContext) -> S | int:
    assert update.callback_query is not None
    pressed = StatusState.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern let only a valid payload through
    return await _show(update, context, status_steps.choose_state(pressed.state, context.lang))


async def on_state_text(update: Update, context: ZhibuContext) -> S | int:
    assert update.effective_message is not None
    return await _show(update, context, status_steps.type_state(update.effective_message.text or "", context.lang))


async def on_location(update: Update, context: ZhibuContext) -> S | int:
    assert update.effective_message is not None
    if (draft := _draft(context)) is None:
        return await _lost(update, context)
    step = status_steps.give_location(draft, update.effective_message.text or "", context.lang)
    return await _show(update, context, step)


async def on_note(update: Update, context: ZhibuContext) -> S | int:
    """The note typed, or Skip pressed."""
    message = update.effective_message
    text = None if update.callback_query is not None or message is None else message.text or ""
    if (draft := _draft(context)) is None:
        return await _lost(update, context)
    step = await status_steps.give_note(deps(context), call(context), draft, text)
    return await _show(update, context, step)


def _not_text(state: S) -> Handler:
    """A photo, voice message, sticker or file in a step that waits for text: say so and ask again."""

    async def answer(update: Update, context: ZhibuContext) -> S | int:
        draft = _draft(context) or StatusDraft() if state is S.STATE else _draft(context)
        if draft is None:
            return await _lost(update, context)
        return await _show(update, context, status_steps.not_text(_STEPS[state], draft, context.lang))

    return answer


async def cancel(update: Update, context: ZhibuContext) -> int:
    return await conversation.cancelled(update, context, StatusDraft)


@command("members")
async def cmd_members(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await list_members(deps(context), call(context), args_text(context)),
    )


async def _answer_closing(update: Update, context: ZhibuContext, result: Result) -> None:
    """Render a press's outcome; when it did something (not just an alert), the pressed buttons go first."""
    query = update.callback_query
    if query is not None and any(not r.alert for r in result.replies):
        await query.edit_message_reply_markup(None)
    await render(update, context, result)


async def on_long(update: Update, context: ZhibuContext) -> None:
    """Away for more than a month? (asked after /status away_work or away_business)."""
    assert update.callback_query is not None
    pressed = StatusLong.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern let only a valid payload through
    await _answer_closing(
        update,
        context,
        await reports_mobile.answer_long(deps(context), call(context), pressed),
    )


async def on_register(update: Update, context: ZhibuContext) -> None:
    """The secretary's 登记为流动党员: the liaison is asked next (the button stays until the member is registered)."""
    assert update.callback_query is not None
    pressed = MobileRegister.unpack(update.callback_query.data)
    assert pressed is not None
    await render(
        update,
        context,
        await reports_mobile.offer_liaisons(deps(context), call(context), pressed.member_id),
    )


async def on_liaison(update: Update, context: ZhibuContext) -> None:
    assert update.callback_query is not None
    pressed = MobileLiaison.unpack(update.callback_query.data)
    assert pressed is not None
    await _answer_closing(
        update,
        context,
        await reports_mobile.register(deps(context), call(context), pressed),
    )


async def on_mobile_expired(update: Update, context: ZhibuContext) -> None:
    """A registering button that means nothing (a forged value): answered like an expired button."""
    await render(update, context, alert("mobile.expired"))


async def on_expired(update: Update, context: ZhibuContext) -> None:
    """A status button of a finished conversation, or a forged one: answered like an expired button,
    nothing else is done."""
    await render(update, context, alert("status.expired"))


def register(app: ZhibuApp) -> None:
    text = filters.TEXT & ~filters.COMMAND
    other = filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("status", cmd_status)],
            states={
                S.STATE: [
                    CallbackQueryHandler(on_state_button, pattern=StatusState.matches),
                    MessageHandler(text, on_state_text),
                    MessageHandler(other, _not_text(S.STATE)),
                ],
                S.LOCATION: [MessageHandler(text, on_location), MessageHandler(other, _not_text(S.LOCATION))],
                S.NOTE: [
                    CallbackQueryHandler(on_note, pattern=StatusSkip.matches),
                    MessageHandler(text, on_note),
                    MessageHandler(other, _not_text(S.NOTE)),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            name="status",
            persistent=True,
        )
    )
    app.add_handler(CommandHandler("members", cmd_members))
    pages.register_list(app, "members", "/members", members_page)
    pages.register_unknown(app)
    app.add_handler(CallbackQueryHandler(on_long, pattern=StatusLong.matches))
    app.add_handler(CallbackQueryHandler(on_register, pattern=MobileRegister.matches))
    app.add_handler(CallbackQueryHandler(on_liaison, pattern=MobileLiaison.matches))
    app.add_handler(CallbackQueryHandler(on_mobile_expired, pattern=family(MOBILE)))
    app.add_handler(CallbackQueryHandler(on_expired, pattern=family(STATUS)))
