"""`/development` (发展党员): Telegram in and out only; the rules are in `bot.services.development`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.common import args_text, call, command, deps, render
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.development.register import development_command


@command("development")
async def cmd_development(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await development_command(deps(context), call(context), args_text(context)),
    )


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("development", cmd_development))
