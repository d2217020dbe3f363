"""`/transfer` (组织关系转接), `/member` (党员档案), `/study` (学时) and `/serve` (在职党员到社区报到):
Telegram in and out only; the rules are in `bot.services.transfers`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.common import args_text, call, command, deps, render
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.transfers.member_file import member_file
from bot.services.transfers.serve import serve_command
from bot.services.transfers.study import study_command
from bot.services.transfers.transfer import transfer_command


@command("transfer")
async def cmd_transfer(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await transfer_command(deps(context), call(context), args_text(context)),
    )


@command("member")
async def cmd_member(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await member_file(deps(context), call(context), args_text(context)),
    )


@command("study")
async def cmd_study(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await study_command(deps(context), call(context), args_text(context)))


@command("serve")
async def cmd_serve(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await serve_command(deps(context), call(context), args_text(context)))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("transfer", cmd_transfer))
    app.add_handler(CommandHandler("member", cmd_member))
    app.add_handler(CommandHandler("study", cmd_study))
    app.add_handler(CommandHandler("serve", cmd_serve))
