"""`/request 户主 | 诉求`, `/requests` (pages), a request's own message with its buttons, and the texts some
buttons ask for (what was done, the advice). Telegram in and out only: `bot.services.households.requests*`."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.payload import family
from bot.domain.results import Result, alert
from bot.handlers import conversation, pages
from bot.handlers.common import actor, args_text, call, command, deps, is_private, render
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.households import requests_flow
from bot.services.households.buttons import REQUESTS, RequestAct, RequestOpen, RequestRate
from bot.services.households.requests import list_requests, log_request, requests_page, show_request
from bot.services.households.requests_flow import Acted, Pending


class Q(IntEnum):
    TEXT = 1


def _pending(context: ZhibuContext) -> Pending | None:
    return conversation.current(context, Pending)


async def _show(update: Update, context: ZhibuContext, acted: Acted) -> Q | int:
    """Show the outcome; an action that needs its text waits for it."""
    return await conversation.step(update, context, Pending, acted.pending, acted.result, Q.TEXT)


@command("request")
async def cmd_request(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await log_request(deps(context), call(context), args_text(context)))


@command("requests")
async def cmd_requests(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await list_requests(deps(context), call(context)),
    )


async def on_open(update: Update, context: ZhibuContext) -> None:
    assert update.callback_query is not None
    pressed = RequestOpen.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern let only a valid payload through
    if not is_private(update) or actor(context).member is None:
        await render(update, context, alert("requests.not_allowed"))
        return
    await render(
        update,
        context,
        await show_request(deps(context), call(context), pressed.request_id),
    )


async def on_act(update: Update, context: ZhibuContext) -> Q | int:
    assert update.callback_query is not None
    pressed = RequestAct.unpack(update.callback_query.data)
    assert pressed is not None
    if not is_private(update) or actor(context).member is None:
        return await _show(update, context, Acted(Result.of(alert("requests.not_allowed"))))
    acted = await requests_flow.act(deps(context), call(context), pressed)
    return await _show(update, context, acted)


async def on_text(update: Update, context: ZhibuContext) -> Q | int:
    pending = _pending(context)
    assert update.effective_message is not None
    if pending is None:
        return await conversation.lost(update, context, "/requests")
    acted = await requests_flow.complete(deps(context), call(context), pending, update.effective_message.text or "")
    return await _show(update, context, acted)


async def on_not_text(update: Update, context: ZhibuContext) -> Q | int:
    pending = _pending(context)
    if pending is None:
        return await conversation.lost(update, context, "/requests")
    return await _show(update, context, requests_flow.not_text(pending))


async def on_rate(update: Update, context: ZhibuContext) -> None:
    assert update.callback_query is not None
    pressed = RequestRate.unpack(update.callback_query.data)
    assert pressed is not None
    if not is_private(update) or actor(context).member is None:
        await render(update, context, alert("requests.not_allowed"))
        return
    await render(
        update,
        context,
        await requests_flow.rate(deps(context), call(context), pressed),
    )


async def cancel(update: Update, context: ZhibuContext) -> int:
    return await conversation.cancelled(update, context, Pending)


async def on_expired(update: Update, context: ZhibuContext) -> None:
    await render(update, context, alert("requests.expired"))


def register(app: ZhibuApp) -> None:
    app.add_handler(
        ConversationHandler(
            entry_points=[CallbackQueryHandler(on_act, pattern=RequestAct.matches)],
            states={
                Q.TEXT: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
                    MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND, on_not_text),
                    CallbackQueryHandler(on_act, pattern=RequestAct.matches),
                ]
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            name="request_action",
            persistent=True,
        )
    )
    app.add_handler(CommandHandler("request", cmd_request))
    app.add_handler(CommandHandler("requests", cmd_requests))
    app.add_handler(CallbackQueryHandler(on_open, pattern=RequestOpen.matches))
    app.add_handler(CallbackQueryHandler(on_rate, pattern=RequestRate.matches))
    pages.register_list(app, "requests", "/requests", requests_page)
    app.add_handler(CallbackQueryHandler(on_expired, pattern=family(REQUESTS)))
