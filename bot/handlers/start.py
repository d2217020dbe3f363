"""`/start` (with an invite code), `/help`, `/lang`, `/cancel`, and the answer to anything else."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers.common import actor, is_private, reply, reply_html
from bot.handlers.gate import refuse_unknown
from bot.handlers.menu import publish_for
from bot.i18n import LANGUAGES, resolve_language, t
from bot.services.commands import available
from bot.services.people import unit_label
from bot.services.rights import Actor
from bot.store.invites import InviteOutcome

log = logging.getLogger(__name__)


async def cmd_start(update: Update, context: ZhibuContext) -> None:
    person = actor(context)
    code = (context.args or [""])[0]
    if code and code != "help" and is_private(update):
        await _redeem(update, context, code, person)
        return
    if not person.known:
        await refuse_unknown(update, context)
        return
    if person.member is None:  # an admin by ADMIN_IDS who is not on the roster
        await cmd_help(update, context)
        return
    tree = await context.services.tree()
    await reply(update, context, "start.welcome", name=person.member.name,
                unit=unit_label(tree, person.member))


async def _redeem(update: Update, context: ZhibuContext, code: str, person: Actor) -> None:
    store = context.store
    outcome, member_id = await store.invites.redeem(code, person.telegram_id)
    if outcome is InviteOutcome.UNKNOWN:
        await reply(update, context, "start.invite_unknown")
        return
    if outcome is InviteOutcome.USED:
        if person.member is not None and person.member.id == member_id:
            await cmd_start_plain(update, context)
        else:
            await reply(update, context, "start.invite_used")
        return
    if outcome is InviteOutcome.TAKEN:
        await reply(update, context, "start.invite_taken",
                    name=person.member.name if person.member else "")
        return
    member = await store.members.get(member_id) if member_id is not None else None
    if member is None:
        await reply(update, context, "start.invite_unknown")
        return
    user = update.effective_user
    context.lang = resolve_language(member.language, user.language_code if user else None,
                                    context.settings.default_language)
    log.info("member=%s linked by invite", member.id)
    await publish_for(context.bot, member, context.settings)
    tree = await context.services.tree()
    await reply(update, context, "start.linked", name=member.name, unit=unit_label(tree, member))


async def cmd_start_plain(update: Update, context: ZhibuContext) -> None:
    context.args = []
    await cmd_start(update, context)


async def cmd_help(update: Update, context: ZhibuContext) -> None:
    person = actor(context)
    general, secretary = available(person)
    lang = context.lang
    lines = [t(lang, "help.header")]
    lines += [t(lang, "help.line", command=c.name, description=t(lang, f"cmd.{c.name}")) for c in general]
    if secretary:
        lines += ["", t(lang, "help.secretary_header")]
        lines += [t(lang, "help.line", command=c.name, description=t(lang, f"cmd.{c.name}"))
                  for c in secretary]
    lines += ["", t(lang, "help.footer")]
    await reply_html(update, context, "\n".join(lines))


async def cmd_lang(update: Update, context: ZhibuContext) -> None:
    person = actor(context)
    choice = (context.args or [""])[0].lower()
    if choice not in LANGUAGES:
        await reply(update, context, "lang.usage")
        return
    if person.member is not None:
        await context.store.members.set_language(person.member.id, choice)
    context.lang = choice
    await reply(update, context, "lang.set")


async def cmd_cancel(update: Update, context: ZhibuContext) -> None:
    """Any command ends the conversation in progress (see the gate); /cancel says whether one was."""
    await reply(update, context, "common.cancelled" if context.ended_conversation else "common.nothing_to_cancel")


async def not_understood(update: Update, context: ZhibuContext) -> None:
    await reply(update, context, "common.not_understood")


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("start", cmd_start))
    app.add_handler(CommandHandler("help", cmd_help))
    app.add_handler(CommandHandler("lang", cmd_lang))


def register_fallback(app: ZhibuApp) -> None:
    """Registered last: /cancel outside any conversation, and private text nobody else took."""
    app.add_handler(CommandHandler("cancel", cmd_cancel))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & (filters.TEXT | filters.COMMAND),
                                   not_understood))
