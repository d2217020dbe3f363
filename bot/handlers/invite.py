"""`/invite <name>`: a secretary gets the one-time link for a member of their units, or — for a member
already linked — the offer to re-link them (their account changed or was taken)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.payload import family
from bot.handlers.common import args_text, call, command, deps, expired_button, render, split_fields
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.members import invites
from bot.services.members.buttons import INVITES, InviteKeep, InviteRelink
from bot.services.members.people import Named

log = logging.getLogger(__name__)


@command("invite")
async def cmd_invite(update: Update, context: ZhibuContext) -> None:
    fields = split_fields(args_text(context))
    hint = fields[1] if len(fields) > 1 else ""
    result = await invites.invite(deps(context), call(context), Named(fields[0], hint), context.bot.username)
    await render(update, context, result)


async def _answered(update: Update, context: ZhibuContext, pressed: invites.Pressed) -> None:
    await render(update, context, pressed.result)
    query = update.callback_query
    if pressed.finished and query is not None and query.message is not None:
        try:  # the offer's buttons are spent: pressing them again would only confuse
            await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError as exc:
            log.info("invite offer buttons not removed: %s", exc)


async def on_relink(update: Update, context: ZhibuContext) -> None:
    assert update.callback_query is not None
    payload = InviteRelink.unpack(update.callback_query.data)
    assert payload is not None
    pressed = await invites.relink(deps(context), call(context), payload, context.bot.username)
    await _answered(update, context, pressed)


async def on_keep(update: Update, context: ZhibuContext) -> None:
    assert update.callback_query is not None
    payload = InviteKeep.unpack(update.callback_query.data)
    assert payload is not None
    await _answered(update, context, await invites.keep(deps(context), call(context), payload.member_id))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("invite", cmd_invite))
    app.add_handler(CallbackQueryHandler(on_relink, pattern=InviteRelink.matches))
    app.add_handler(CallbackQueryHandler(on_keep, pattern=InviteKeep.matches))
    app.add_handler(CallbackQueryHandler(expired_button("invite.expired"), pattern=family(INVITES)))
