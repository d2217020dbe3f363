"""The gate every update passes first: applied-once check, who is writing, unknown users stopped.

Group -100 runs before every capability handler; group 100 marks read-only updates processed.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ConversationHandler, TypeHandler

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers.common import is_private, reply
from bot.handlers.menu import publish_for
from bot.handlers.ptb_compat import end_conversation, in_conversation
from bot.i18n import resolve_language, t
from bot.services.people import identify
from bot.store.db import current_update_id, recorded_update_id

log = logging.getLogger(__name__)


def _is_start_with_code(update: Update) -> bool:
    message = update.effective_message
    text = (message.text or "") if message else ""
    parts = text.split()
    return len(parts) == 2 and parts[0].split("@")[0] == "/start" and parts[1] != "help"


async def gate(update: Update, context: ZhibuContext) -> None:
    store = context.store
    if await store.updates.seen(update.update_id):
        log.info("update=%s already applied, skipped", update.update_id)
        raise ApplicationHandlerStop
    current_update_id.set(update.update_id)
    if update.edited_message is not None or update.edited_channel_post is not None:
        # Editing an old message must not run its command again (a second patrol, a second alert).
        await store.updates.mark(update.update_id)
        raise ApplicationHandlerStop
    user = update.effective_user
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    person, just_linked = await identify(store, user.id, context.settings.admin_ids, private=is_private(update))
    if just_linked and person.member is not None:
        await publish_for(context.bot, person.member, context.settings)
    context.actor = person
    own = person.member.language if person.member else None
    context.lang = resolve_language(own, user.language_code, context.settings.default_language)
    if person.known or _is_start_with_code(update):
        if _is_command(update):
            # /cancel is answered by the conversation in progress (its own fallback), so keep one
            keep = _command_word(update) == "/cancel"
            context.ended_conversation = end_conversations(context.application, update, keep_one=keep)
        return
    await refuse_unknown(update, context)
    await store.updates.mark(update.update_id)
    raise ApplicationHandlerStop


def _is_command(update: Update) -> bool:
    message = update.effective_message
    return bool(message and message.text and message.text.startswith("/"))


def _command_word(update: Update) -> str:
    message = update.effective_message
    return (message.text or "").split()[0].split("@")[0].lower() if message and message.text else ""


def end_conversations(app: ZhibuApp, update: Update, keep_one: bool = False) -> bool:
    """A new command ends whatever conversation this person was in (in this chat), so that the text
    they type next goes to the command they just gave. With `keep_one`, the first conversation in
    progress is left to answer (it is /cancel's). Returns whether one was ended."""
    ended = False
    kept = not keep_one
    for handlers in app.handlers.values():
        for handler in handlers:
            if not isinstance(handler, ConversationHandler):
                continue
            if not in_conversation(handler, update):
                continue
            if not kept:
                kept = True
                continue
            ended = end_conversation(handler, update) or ended
    return ended


async def refuse_unknown(update: Update, context: ZhibuContext) -> None:
    """The welcome for people not on the roster; nothing else is revealed."""
    if update.callback_query is not None:
        await update.callback_query.answer(t(context.lang, "common.unknown_alert"), show_alert=True)
        return
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    is_command = bool(message.text and message.text.startswith("/"))
    if is_private(update) or is_command:
        await reply(update, context, "common.unknown_user",
                    community=context.settings.community_name, user_id=update.effective_user.id)


async def mark_done(update: Update, context: ZhibuContext) -> None:
    if recorded_update_id.get() == update.update_id:
        return  # a write of this update already recorded it, in its own transaction
    await context.store.updates.mark(update.update_id)


def register(app: ZhibuApp) -> None:
    app.add_handler(TypeHandler(Update, gate), group=-100)
    app.add_handler(TypeHandler(Update, mark_done), group=100)
