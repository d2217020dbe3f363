"""`/care` and `/carevisit` (关爱帮扶, 困难党员台账) and the page buttons of the /care list. Telegram in and out
only: the rules are in `bot.services.care`, `care_visits` and `care_reminders`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.buttons import ListPage
from bot.context import ZhibuApp, ZhibuContext
from bot.handlers import pages
from bot.handlers.common import actor, args_text, command, render
from bot.services.care import LIST, care_command, care_list_page
from bot.services.care_visits import care_visit
from bot.services.results import Reply
from bot.services.rights import Actor


@command("care")
async def cmd_care(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await care_command(actor(context), args_text(context), context.services.now(),
                                                     context.store, context.settings, context.lang))


@command("carevisit")
async def cmd_carevisit(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await care_visit(actor(context), args_text(context), context.services.now(),
                                                   context.store, context.settings, context.lang))


async def care_pressed(person: Actor, pressed: ListPage, context: ZhibuContext) -> Reply:
    return await care_list_page(person, pressed, context.store, context.settings, context.lang)


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("care", cmd_care))
    app.add_handler(CommandHandler("carevisit", cmd_carevisit))
    pages.register_list(app, LIST, "/care", care_pressed)
