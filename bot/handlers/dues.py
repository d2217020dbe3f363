"""`/dues` and `/pay` (党费). Telegram in and out only: the rules are in `bot.services.dues`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers import pages
from bot.handlers.common import args_text, call, command, deps, render
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.dues.listing import LIST, dues_list_page
from bot.services.dues.pay import pay_command
from bot.services.dues.view import dues_command


@command("dues")
async def cmd_dues(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await dues_command(deps(context), call(context), args_text(context)),
    )


@command("pay")
async def cmd_pay(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await pay_command(deps(context), call(context), args_text(context)),
    )


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("dues", cmd_dues))
    app.add_handler(CommandHandler("pay", cmd_pay))
    pages.register_list(app, LIST, "/dues", dues_list_page)
