"""`/publicity` (党务公开) with 发布到群 / 先不发, and the private objection (异议): the deep link under a posted
item (`start=oj_<id>`, answered by `bot.handlers.start`) makes the bot wait for the person's next private message,
taken here before any other handler. Telegram in and out only: the rules are in `bot.services.openness`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain.payload import family
from bot.handlers.common import args_text, call, command, deps, expired_button, is_private, render
from bot.i18n import t
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.kernel import bookkeeping
from bot.services.openness import items, objections
from bot.services.openness.buttons import OPENNESS, PublicityDrop, PublicityPost

#: Before the capabilities' handlers (group 0), after the gate (-100).
OBJECTION_GROUP = -50


@command("publicity")
async def cmd_publicity(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await items.publicity_command(deps(context), call(context), args_text(context)))


async def on_button(update: Update, context: ZhibuContext) -> None:
    query = update.callback_query
    data = query.data if query is not None else None
    post, drop = PublicityPost.unpack(data), PublicityDrop.unpack(data)
    if post is not None:
        result = await items.publish(deps(context), call(context), post.item_id, context.bot.username)
    elif drop is not None:
        result = items.dropped()
    else:
        return
    if query is not None and (drop is not None or result.queued):
        await query.edit_message_reply_markup(None)
    await render(update, context, result)


async def begin_objection(update: Update, context: ZhibuContext, payload: str) -> None:
    """`/start oj_<id>` in the private chat, from anyone (a resident not on the roster too)."""
    await render(update, context, await objections.begin(deps(context), call(context), payload))


async def on_private(update: Update, context: ZhibuContext) -> None:
    """A private message while the bot waits for an objection: the text is the objection; a command ends the wait
    (/cancel says so). Anything else goes on to the other handlers."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or not is_private(update):
        return
    if not await objections.waiting(deps(context), user.id):
        return
    text = message.text or ""
    if text.startswith("/"):
        await objections.stop(deps(context), user.id)
        if text.split()[0].split("@")[0] == "/cancel":
            await message.reply_text(t(context.lang, "common.cancelled"))
            await _stop_here(update, context)
        return
    result = await objections.take(deps(context), call(context), text, user.full_name)
    if result is None:
        return
    await render(update, context, result)
    await _stop_here(update, context)


async def _stop_here(update: Update, context: ZhibuContext) -> None:
    if not bookkeeping.recorded(context.store, update.update_id):
        await bookkeeping.mark(context.store, update.update_id)
    raise ApplicationHandlerStop


def register(app: ZhibuApp) -> None:
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, on_private), group=OBJECTION_GROUP)
    app.add_handler(CommandHandler("publicity", cmd_publicity))
    app.add_handler(
        CallbackQueryHandler(on_button, pattern=lambda d: PublicityPost.matches(d) or PublicityDrop.matches(d))
    )
    app.add_handler(CallbackQueryHandler(expired_button("openness.gone"), pattern=family(OPENNESS)))
