"""`/status` (a conversation, or the one-line form) and `/members` for secretaries. Telegram in and out
only: the steps, the rules and the store are in `bot.services.status*`."""

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

from bot import buttons
from bot.buttons import ListPage, StatusSkip, StatusState
from bot.context import ZhibuApp, ZhibuContext
from bot.handlers import pages
from bot.handlers.common import Handler, actor, args_text, command, render, split_fields
from bot.services import status_steps
from bot.services.results import Reply, alert, say
from bot.services.rights import Actor
from bot.services.status import status_line
from bot.services.status_members import list_members, members_page
from bot.services.status_steps import StatusDraft, StatusStep, Step

DRAFT = "status"  # the key of the draft in user_data


class S(IntEnum):
    STATE = 1
    LOCATION = 2
    NOTE = 3


_STATES: dict[Step, S] = {"state": S.STATE, "location": S.LOCATION, "note": S.NOTE}
_STEPS: dict[S, Step] = {v: k for k, v in _STATES.items()}


def _draft(context: ZhibuContext) -> StatusDraft:
    assert context.user_data is not None
    draft = context.user_data.get(DRAFT)
    return draft if isinstance(draft, StatusDraft) else StatusDraft()


async def _show(update: Update, context: ZhibuContext, step: StatusStep) -> S | int:
    """Keep the step's draft, render the step, and go on to the step it names (or end)."""
    assert context.user_data is not None
    if step.next is None:
        context.user_data.pop(DRAFT, None)
    else:
        context.user_data[DRAFT] = step.draft
    await render(update, context, step.result)
    return ConversationHandler.END if step.next is None else _STATES[step.next]


@command("status")
async def cmd_status(update: Update, context: ZhibuContext) -> S | int:
    text = args_text(context)
    if text:
        await render(update, context, await status_line(actor(context), split_fields(text), context.services.now(),
                                                        context.store, context.settings, context.lang))
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
    step = status_steps.give_location(_draft(context), update.effective_message.text or "", context.lang)
    return await _show(update, context, step)


async def on_note(update: Update, context: ZhibuContext) -> S | int:
    """The note typed, or Skip pressed."""
    message = update.effective_message
    text = None if update.callback_query is not None or message is None else message.text or ""
    step = await status_steps.give_note(actor(context), _draft(context), text, context.services.now(),
                                        context.store, context.settings, context.lang)
    return await _show(update, context, step)


def _not_text(state: S) -> Handler:
    """A photo, voice message, sticker or file in a step that waits for text: say so and ask again."""

    async def answer(update: Update, context: ZhibuContext) -> S | int:
        return await _show(update, context, status_steps.not_text(_STEPS[state], _draft(context), context.lang))

    return answer


async def cancel(update: Update, context: ZhibuContext) -> int:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    await render(update, context, say("common.cancelled"))
    return ConversationHandler.END


@command("members")
async def cmd_members(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await list_members(actor(context), args_text(context), context.store,
                                                     context.settings, context.lang, context.services.now()))


async def members_pressed(person: Actor, pressed: ListPage, context: ZhibuContext) -> Reply:
    """A page or filter button of /members (the page is shown in place of the list)."""
    return await members_page(person, pressed.ref, pressed.filter, pressed.page, context.store, context.settings,
                              context.lang, context.services.now())


async def on_expired(update: Update, context: ZhibuContext) -> None:
    """A status button of a finished conversation, or a forged one: answered like an expired button,
    nothing else is done."""
    await render(update, context, alert("status.expired"))


def register(app: ZhibuApp) -> None:
    text = filters.TEXT & ~filters.COMMAND
    other = filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND
    app.add_handler(ConversationHandler(
        entry_points=[CommandHandler("status", cmd_status)],
        states={
            S.STATE: [CallbackQueryHandler(on_state_button, pattern=StatusState.matches),
                      MessageHandler(text, on_state_text), MessageHandler(other, _not_text(S.STATE))],
            S.LOCATION: [MessageHandler(text, on_location), MessageHandler(other, _not_text(S.LOCATION))],
            S.NOTE: [CallbackQueryHandler(on_note, pattern=StatusSkip.matches), MessageHandler(text, on_note),
                     MessageHandler(other, _not_text(S.NOTE))],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="status", persistent=True,
    ))
    app.add_handler(CommandHandler("members", cmd_members))
    pages.register_list(app, "members", "/members", members_pressed)
    pages.register_unknown(app)
    app.add_handler(CallbackQueryHandler(on_expired, pattern=buttons.family(buttons.STATUS)))
