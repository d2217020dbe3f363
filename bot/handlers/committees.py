"""Committees in Telegram (issue 23 item 5): `/committee [单位 [| 姓名 | 职务]]` and `/term 单位 | YYYY-MM-DD`. The
decisions are use cases in `bot.services.members.committees`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.common import args_text, call, command, deps, render
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.members import committees


@command("committee")
async def cmd_committee(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await committees.committee_command(deps(context), call(context), args_text(context)))


@command("term")
async def cmd_term(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await committees.term_command(deps(context), call(context), args_text(context)))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("committee", cmd_committee))
    app.add_handler(CommandHandler("term", cmd_term))
