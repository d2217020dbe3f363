"""`/households` (pages) and `/visit` (a conversation, or the one-line form). Telegram in and out only: the
rules and the store are in `bot.services.households.common*`."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.payload import family
from bot.domain.results import Reply, Result, alert, say
from bot.handlers import conversation, pages
from bot.handlers.common import Handler, args_text, call, command, deps, render
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.households import visit as households_visit
from bot.services.households.buttons import HOUSEHOLDS, HouseholdPick, VisitNoRequest
from bot.services.households.common import households_page, list_households
from bot.services.households.visit import Step, VisitDraft, VisitStep


class V(IntEnum):
    HOUSEHOLD = 1
    FOUND = 2
    REQUEST = 3


_STATES: dict[Step, V] = {"household": V.HOUSEHOLD, "found": V.FOUND, "request": V.REQUEST}
_STEPS: dict[V, Step] = {v: k for k, v in _STATES.items()}


def _draft(context: ZhibuContext) -> VisitDraft | None:
    return conversation.current(context, VisitDraft)


async def _show(update: Update, context: ZhibuContext, step: VisitStep) -> V | int:
    """Show the step (a choice made: its buttons go) and go on to the step it names (or end)."""
    state = ConversationHandler.END if step.next is None else _STATES[step.next]
    strip = step.next != "household"
    return await conversation.step(update, context, VisitDraft, step.draft, step.result, state, strip=strip)


async def _lost(update: Update, context: ZhibuContext) -> int:
    return await conversation.lost(update, context, "/visit")


@command("visit")
async def cmd_visit(update: Update, context: ZhibuContext) -> V | int:
    step = await households_visit.begin(deps(context), call(context), args_text(context))
    return await _show(update, context, step)


async def on_pick(update: Update, context: ZhibuContext) -> V | int:
    assert update.callback_query is not None
    pressed = HouseholdPick.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern let only a valid payload through
    return await _show(update, context, await households_visit.pick(deps(context), call(context), pressed.household_id))


async def on_found(update: Update, context: ZhibuContext) -> V | int:
    assert update.effective_message is not None
    if (draft := _draft(context)) is None:
        return await _lost(update, context)
    step = households_visit.add_found(draft, update.effective_message.text or "", context.lang)
    return await _show(update, context, step)


async def on_request(update: Update, context: ZhibuContext) -> V | int:
    """The request typed, or 没有诉求 pressed."""
    message = update.effective_message
    text = None if update.callback_query is not None or message is None else message.text or ""
    if (draft := _draft(context)) is None:
        return await _lost(update, context)
    step = await households_visit.finish(deps(context), call(context), draft, text)
    return await _show(update, context, step)


def _again(state: V, first: Reply | None) -> Handler:
    """Something else than the step waits for (a photo where text is asked; text where a button is): say so
    and ask again, in the same step."""

    async def answer(update: Update, context: ZhibuContext) -> V | int:
        draft = _draft(context)
        if draft is None and state is not V.HOUSEHOLD:
            return await _lost(update, context)
        question = households_visit.question(_STEPS[state], draft or VisitDraft(), context.lang)
        replies = (first, question) if first is not None else (question,)
        await render(update, context, Result.of(*replies))
        return state

    return answer


async def cancel(update: Update, context: ZhibuContext) -> int:
    return await conversation.cancelled(update, context, VisitDraft)


@command("households")
async def cmd_households(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await list_households(deps(context), call(context)),
    )


async def on_expired(update: Update, context: ZhibuContext) -> None:
    """A /visit button of a finished conversation, or a forged one: answered like an expired button."""
    await render(update, context, alert("visit.expired"))


def register(app: ZhibuApp) -> None:
    text = filters.TEXT & ~filters.COMMAND
    other = filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND
    not_text = say("common.text_expected")
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("visit", cmd_visit)],
            states={
                V.HOUSEHOLD: [
                    CallbackQueryHandler(on_pick, pattern=HouseholdPick.matches),
                    MessageHandler(text, _again(V.HOUSEHOLD, say("visit.use_buttons"))),
                    MessageHandler(other, _again(V.HOUSEHOLD, say("visit.use_buttons"))),
                ],
                V.FOUND: [MessageHandler(text, on_found), MessageHandler(other, _again(V.FOUND, not_text))],
                V.REQUEST: [
                    CallbackQueryHandler(on_request, pattern=VisitNoRequest.matches),
                    MessageHandler(text, on_request),
                    MessageHandler(other, _again(V.REQUEST, not_text)),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            name="visit",
            persistent=True,
        )
    )
    app.add_handler(CommandHandler("households", cmd_households))
    pages.register_list(app, "households", "/households", households_page)
    app.add_handler(CallbackQueryHandler(on_expired, pattern=family(HOUSEHOLDS)))
