"""Secretaries after a notice went out, in Telegram: `/attendance [id]` (replies, check-ins, quorum, a page
at a time; its buttons edit it; 代签/补签 by `/attendance <id> | 代签 | name`), `/cancelnotice <id>`,
and `/bindgroup` / `/unbindgroup` in a group chat so notices are posted there too (or no longer); `/minutes`
is `bot.handlers.minutes`. The decisions are use cases in `bot.services.notices.attendance` and
`bot.services.notices.manage`; only asking Telegram whether the secretary administers the group happens
here."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler

from bot.domain.results import say
from bot.handlers import pages
from bot.handlers.common import args_text, call, command, deps, is_private, render
from bot.handlers.notices_replies import show
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.notices import backfill, manage
from bot.services.notices.attendance import attendance, attendance_page

log = logging.getLogger(__name__)


@command("attendance")
async def cmd_attendance(update: Update, context: ZhibuContext) -> None:
    await show(
        update,
        context,
        await attendance(deps(context), call(context), args_text(context)),
    )


@command("cancelnotice")
async def cmd_cancelnotice(update: Update, context: ZhibuContext) -> None:
    result = await manage.cancel(deps(context), call(context), args_text(context))
    if result.queued:  # the cancellations start while the answer goes out
        context.services.poke_sender()
    await render(update, context, result)


async def _administers(update: Update, context: ZhibuContext) -> bool:
    """Whether the person is the group's owner or one of its administrators, as Telegram says."""
    assert update.effective_chat is not None and update.effective_user is not None
    try:
        member = await context.bot.get_chat_member(update.effective_chat.id, update.effective_user.id)
    except TelegramError as exc:  # cannot tell: refuse, as for a plain member
        log.info("chat=%s: administrators not known: %s", update.effective_chat.id, exc)
        return False
    return member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


@command("backfill")
async def cmd_backfill(update: Update, context: ZhibuContext) -> None:
    """补录 a meeting held on paper (issue 23)."""
    await render(update, context, await backfill.backfill(deps(context), call(context), args_text(context)))


@command("bindgroup")
async def cmd_bindgroup(update: Update, context: ZhibuContext) -> None:
    if is_private(update) or update.effective_chat is None:
        await render(update, context, say("notice.bind_in_group"))
        return
    await render(
        update,
        context,
        await manage.bind_group(
            deps(context), call(context), update.effective_chat.id, await _administers(update, context)
        ),
    )


@command("unbindgroup")
async def cmd_unbindgroup(update: Update, context: ZhibuContext) -> None:
    if is_private(update) or update.effective_chat is None:
        await render(update, context, say("notice.unbind_in_group"))
        return
    await render(update, context, await manage.unbind_group(deps(context), call(context), update.effective_chat.id))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("attendance", cmd_attendance))
    pages.register_list(app, "attendance", "/attendance", attendance_page)
    app.add_handler(CommandHandler("cancelnotice", cmd_cancelnotice))
    app.add_handler(CommandHandler("backfill", cmd_backfill))
    app.add_handler(CommandHandler("bindgroup", cmd_bindgroup))
    app.add_handler(CommandHandler("unbindgroup", cmd_unbindgroup))
