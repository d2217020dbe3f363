"""`/start` (with an invite code), `/help`, `/lang`, `/cancel`, and the answer to anything else."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.domain.presence import LINK_PREFIX
from bot.handlers.checkin import check_in_by_link
from bot.handlers.common import actor, call, deps, is_private, render, reply, reply_html
from bot.handlers.gate import refuse_unknown
from bot.handlers.menu import MENUS, linked_now
from bot.handlers.openness import begin_objection
from bot.i18n import resolve_language, t
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.kernel.commands import available
from bot.services.kernel.text import clean_text
from bot.services.members.invites import redeem
from bot.services.members.people import set_language, welcome
from bot.services.openness.buttons import OBJECT_LINK


async def cmd_start(update: Update, context: ZhibuContext) -> None:
    person = actor(context)
    code = clean_text((context.args or [""])[0])
    if code.startswith(LINK_PREFIX) and is_private(update) and person.known:  # a check-in QR code scanned
        await check_in_by_link(update, context, code)
        return
    if code.startswith(OBJECT_LINK) and is_private(update):  # 我有异议 under a 党务公开 item: anyone may object
        await begin_objection(update, context, code.removeprefix(OBJECT_LINK))
        return
    if code and code != "help" and is_private(update):
        await _redeem(update, context, code)
        return
    if not person.known:
        await refuse_unknown(update, context)
        return
    greeting = await welcome(deps(context), call(context))
    if greeting is None:  # an admin by ADMIN_IDS who is not on the roster
        await cmd_help(update, context)
        return
    await render(update, context, greeting)


async def _redeem(update: Update, context: ZhibuContext, code: str) -> None:
    outcome = await redeem(deps(context), call(context), code)
    if outcome.linked is not None:
        user = update.effective_user
        context.lang = resolve_language(
            outcome.linked.language, user.language_code if user else None, context.settings.default_language
        )
        await linked_now(context.bot, outcome.linked, context.settings, context.services.state.setdefault(MENUS, {}))
    if outcome.reply is None:  # their own code, already used: greet them as /start does
        await cmd_start_plain(update, context)
        return
    await render(update, context, outcome.reply)


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
        lines += [t(lang, "help.line", command=c.name, description=t(lang, f"cmd.{c.name}")) for c in secretary]
    lines += ["", t(lang, "help.footer")]
    await reply_html(update, context, "\n".join(lines))


async def cmd_lang(update: Update, context: ZhibuContext) -> None:
    answer, chosen = await set_language(deps(context), call(context), clean_text((context.args or [""])[0]))
    if chosen is not None:
        context.lang = chosen
    await render(update, context, answer)


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
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & (filters.TEXT | filters.COMMAND), not_understood))
