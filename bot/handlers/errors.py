"""One error handler: log the traceback, apologise to the user, tell the admins (once a minute)."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot.i18n import t
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.runtime.scheduler import GroupBusy
from bot.services.members.people import admin_chats

log = logging.getLogger(__name__)
ADMIN_NOTICE_INTERVAL = 60.0


async def on_error(update: object, context: ZhibuContext) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, GroupBusy):  # an answer in a flooded group, dropped on purpose: nothing went wrong
        log.info("update=%s %s", update_id, error.message)
        return
    log.error("update=%s failed", update_id, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(t(context.lang, "common.error"), show_alert=True)
            else:
                await context.bot.send_message(update.effective_chat.id, t(context.lang, "common.error"))
        except TelegramError:
            log.warning("update=%s apology not delivered", update_id)
    await _tell_admins(context, error, update_id)


async def _tell_admins(context: ZhibuContext, error: BaseException | None, update_id: int | None) -> None:
    state = context.services.state
    now = time.monotonic()
    if now - state.get("admin_notified_at", -ADMIN_NOTICE_INTERVAL) < ADMIN_NOTICE_INTERVAL:
        return
    state["admin_notified_at"] = now
    for admin_id in await admin_chats(context.store, context.settings.admin_ids):
        lang = context.settings.default_language
        text = t(
            lang,
            "common.admin_error",
            error=type(error).__name__ if error else "?",
            update_id=update_id if update_id is not None else "-",
        )
        try:
            await context.bot.send_message(admin_id, text, parse_mode=ParseMode.HTML)
        except Forbidden:
            log.info("admin=%s has not started the bot", admin_id)
        except TelegramError:
            log.warning("admin=%s error notice not delivered", admin_id)


def register(app: ZhibuApp) -> None:
    app.add_error_handler(on_error)
