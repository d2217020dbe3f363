"""`/contact <name> | note`: a liaison logs a contact with a member they keep in touch with. Telegram in
and out only: the rules are in `bot.services.reports.contact`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.common import args_text, call, command, deps, render, split_fields
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.reports.contact import log_contact


@command("contact")
async def cmd_contact(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await log_contact(deps(context), call(context), split_fields(args_text(context))),
    )


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("contact", cmd_contact))
