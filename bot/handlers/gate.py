"""The gate every update passes first: applied-once check, who is writing, unknown users stopped.

Group -100 runs before every capability handler; group 100 marks read-only updates processed.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import ZhibuContext
from bot.handlers.common import is_private, reply
from bot.i18n import resolve_language, t
from bot.services.people import identify
from bot.store.db import current_update_id

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
    user = update.effective_user
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    person, _ = await identify(store, user.id, context.settings.admin_ids)
    context.actor = person
    own = person.member.language if person.member else None
    context.lang = resolve_language(own, user.language_code, context.settings.default_language)
    if person.known or _is_start_with_code(update):
        return
    await refuse_unknown(update, context)
    await store.updates.mark(update.update_id)
    raise ApplicationHandlerStop


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
    await context.store.updates.mark(update.update_id)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, gate), group=-100)
    app.add_handler(TypeHandler(Update, mark_done), group=100)
