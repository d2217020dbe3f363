"""`/development` (发展党员): Telegram in and out only; the rules are in `bot.services.development`.

A secretary or 组织委员 keeps the register; anyone else with a record in it (an 入党申请人 or 积极分子 the roster
gave a Telegram id, a 预备党员) sees their own record, in the private chat only."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.domain.rights import Capability
from bot.handlers.common import actor, args_text, call, command, deps, is_private, private_chat_button, render, reply
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.development.own import own_record
from bot.services.development.register import development_command


@command("development")
async def keep_register(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await development_command(deps(context), call(context), args_text(context)),
    )


async def cmd_development(update: Update, context: ZhibuContext) -> None:
    writes = "|" in args_text(context).replace("｜", "|")  # a step to record: the register's, refused to others
    if writes or actor(context).can(Capability.ORGANISER):
        await keep_register(update, context)
    elif not is_private(update):
        await reply(update, context, "common.private_only", markup=private_chat_button(context))
    else:
        await render(update, context, await own_record(deps(context), call(context)))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("development", cmd_development))
