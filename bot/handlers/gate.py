"""The gate every update passes first: applied-once check, who is writing, unknown users stopped.

Group -100 runs before every capability handler; group 100 marks read-only updates processed.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ConversationHandler, TypeHandler

from bot.handlers import conversation
from bot.handlers.common import deps, is_private, private_chat_button, reply
from bot.handlers.menu import MENUS, linked_now, publish_for, stale
from bot.i18n import resolve_language, t
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.runtime.ptb_compat import end_conversation, in_conversation
from bot.runtime.scheduler import GroupBusy
from bot.services.development.own import in_register, register_language
from bot.services.kernel import bookkeeping
from bot.services.ledger.buttons import LedgerAll, LedgerView
from bot.services.members.people import first_look, identify
from bot.services.openness import objections
from bot.services.reports.buttons import ReportCancel, ReportSend, ReportWrite

log = logging.getLogger(__name__)


def reader_button(data: object) -> bool:
    """Whether a reader from above (上级党委) may press a button with this payload: the pages of the ledger."""
    return LedgerAll.unpack(data) is not None or LedgerView.unpack(data) is not None


def _is_start_with_code(update: Update) -> bool:
    message = update.effective_message
    text = (message.text or "") if message else ""
    parts = text.split()
    return len(parts) == 2 and parts[0].split("@")[0] == "/start" and parts[1] != "help"


async def gate(update: Update, context: ZhibuContext) -> None:
    store = context.store
    user = update.effective_user
    seen, found = await first_look(store, update.update_id, user.id if user and not user.is_bot else None)
    if seen:
        log.info("update=%s already applied, skipped", update.update_id)
        raise ApplicationHandlerStop
    bookkeeping.handling(store, update.update_id)
    if update.edited_message is not None or update.edited_channel_post is not None:
        # Editing an old message must not run its command again (a second patrol, a second alert).
        await bookkeeping.mark(store, update.update_id)
        raise ApplicationHandlerStop
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    person, just_linked = await identify(deps(context), user.id, private=is_private(update), found=found)
    if person.member is not None and is_private(update):  # the menu as their rights stand now
        published = context.services.state.setdefault(MENUS, {})
        if just_linked:
            await linked_now(context.bot, person.member, context.settings, published)
        elif stale(person.member, context.settings, published):  # rarely: no call and no task otherwise
            publishing = publish_for(context.bot, person.member, context.settings, published)
            if context.application.running:  # in the background: the answer does not wait for the menu
                context.application.create_task(publishing)
            else:
                await publishing
    context.actor = person
    own = person.member.language if person.member else None
    if person.member is None and is_private(update):  # a person of the 发展党员 register keeps theirs there
        own = await register_language(context.store, user.id)
    context.lang = resolve_language(own, user.language_code, context.settings.default_language)
    if _for_another_bot(update, context):
        await bookkeeping.mark(store, update.update_id)
        raise ApplicationHandlerStop
    if update.callback_query is not None and not update.callback_query.data:
        # A press without data (a client's bug, or forged): PTB would hand it to every CallbackQueryHandler
        # whatever its pattern, so it is answered here like an expired button and goes no further.
        await update.callback_query.answer(t(context.lang, "pages.gone"), show_alert=True)
        await bookkeeping.mark(store, update.update_id)
        raise ApplicationHandlerStop
    if person.read_only and update.callback_query is not None and not reader_button(update.callback_query.data):
        # 上级党委 (read-only): only the buttons of what they may read; nothing is sent or changed for them
        await update.callback_query.answer(t(context.lang, "common.read_only_alert"), show_alert=True)
        await bookkeeping.mark(store, update.update_id)
        raise ApplicationHandlerStop
    if person.read_only and is_private(update) and update.message is not None:
        await _reader_writes(update, context)
    if (
        person.known
        or _is_start_with_code(update)
        or await _objecting(update, context)
        or await _asks_own_record(update, context)
    ):
        await _switch_conversation(update, context)
        return
    if is_private(update) or update.callback_query is not None or _command_for_us(update, context) is not None:
        await refuse_unknown(update, context)
    await bookkeeping.mark(store, update.update_id)
    raise ApplicationHandlerStop


async def _switch_conversation(update: Update, context: ZhibuContext) -> None:
    """The text a person types next goes where they just chose. A command in the private chat ends the
    conversation in progress (so /report's text is not taken as a notice's place); a button that asks for
    a next step (Leave's reason, a reminder's 写思想汇报, a follow-up's outcome) ends the conversations of
    other commands in the private chat, where that step asks, and says so. A command in a group, or one
    addressed to another bot, ends nothing."""
    assert update.effective_user is not None
    user_id = update.effective_user.id
    word = _command_for_us(update, context)
    if word is not None:
        if is_private(update):
            conversation.forget_waits(context)
            # /cancel is answered by the conversation in progress (its own fallback), so keep one
            context.ended_conversation = end_conversations(
                context.application, user_id, user_id, keep_one=word == "/cancel"
            )
        return
    if update.callback_query is None:
        return
    if not any(in_conversation(h, user_id, user_id) for h in _conversations(context.application)):
        return  # nothing to end: no need to ask every conversation whether the press starts it
    starting = [
        h for h in _conversations(context.application) if any(entry.check_update(update) for entry in h.entry_points)
    ]
    if not starting:
        return
    ended = end_conversations(context.application, user_id, user_id, keep=starting)
    if ended:
        await context.bot.send_message(user_id, t(context.lang, "common.step_ended"), parse_mode="HTML")


async def _reader_writes(update: Update, context: ZhibuContext) -> None:
    """A reader from above (上级党委) writing privately: a step begun before they became one (a request's progress,
    an objection) writes nothing now — it ends here. A command goes on to its guard; anything else gets the
    read-only answer and goes no further."""
    assert update.effective_user is not None
    user_id = update.effective_user.id
    conversation.forget_waits(context)
    end_conversations(context.application, user_id, user_id)
    if await objections.waiting(deps(context), user_id):
        await objections.stop(deps(context), user_id)
    if _command_for_us(update, context) is not None:
        return
    await reply(update, context, "common.read_only_message")
    await bookkeeping.mark(context.store, update.update_id)
    raise ApplicationHandlerStop


async def _objecting(update: Update, context: ZhibuContext) -> bool:
    """A resident not on the roster who opened an item's 我有异议 link: their next private message is the objection
    (`bot.handlers.openness`), so it passes."""
    message, user = update.message, update.effective_user
    if message is None or user is None or not message.text or not is_private(update):
        return False
    return await objections.waiting(deps(context), user.id)


def _for_another_bot(update: Update, context: ZhibuContext) -> bool:
    message = update.message
    return bool(message and message.text and message.text.startswith("/") and _command_for_us(update, context) is None)


async def _asks_own_record(update: Update, context: ZhibuContext) -> bool:
    """An 入党申请人, 积极分子 or 发展对象 (not a member) in the private chat: their own record (/development) and
    their 思想汇报 (/report, its text or voice while they write it, its buttons) go through; nothing else."""
    user = update.effective_user
    if user is None or not is_private(update):
        return False
    word = _command_for_us(update, context)
    query = update.callback_query
    if word is not None:
        wanted = word in REGISTER_COMMANDS
    elif query is not None:
        wanted = any(kind.matches(query.data) for kind in (ReportWrite, ReportSend, ReportCancel))
    else:
        wanted = update.message is not None and any(
            h.name == "report" and in_conversation(h, user.id, user.id) for h in _conversations(context.application)
        )
    return wanted and await in_register(context.store, user.id)


#: The commands a person of the 发展党员 register who is not a member may use.
REGISTER_COMMANDS = frozenset({"/development", "/report", "/cancel", "/lang"})


def _command_for_us(update: Update, context: ZhibuContext) -> str | None:
    """The command word (`/notice`) of a message addressed to this bot: `/x` or `/x@thisbot`, not
    `/x@otherbot`; None for anything else (a button press included)."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    word, _, addressee = message.text.split()[0].partition("@")
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return None
    return word.lower()


_CONVERSATIONS: weakref.WeakKeyDictionary[ZhibuApp, tuple[int, list[ConversationHandler[Any]]]] = (
    weakref.WeakKeyDictionary()
)


def _conversations(app: ZhibuApp) -> list[ConversationHandler[Any]]:
    """The application's conversation handlers, found once (every update asks; the handlers are all registered
    before the first one arrives, and a change in their number is noticed)."""
    count = sum(len(handlers) for handlers in app.handlers.values())
    found = _CONVERSATIONS.get(app)
    if found is None or found[0] != count:
        listed = [h for handlers in app.handlers.values() for h in handlers if isinstance(h, ConversationHandler)]
        found = _CONVERSATIONS[app] = (count, listed)
    return found[1]


def in_any_conversation(app: ZhibuApp, chat_id: int, user_id: int) -> bool:
    """Whether this person is in the middle of a step-by-step conversation in this chat."""
    return any(in_conversation(handler, chat_id, user_id) for handler in _conversations(app))


def end_conversations(
    app: ZhibuApp, chat_id: int, user_id: int, *, keep_one: bool = False, keep: Sequence[ConversationHandler[Any]] = ()
) -> bool:
    """End this person's conversations in this chat, but those in `keep`; with `keep_one`, the first one in
    progress is left to answer (it is /cancel's). Returns whether one was ended."""
    ended = False
    kept = not keep_one
    for handler in _conversations(app):
        if handler in keep or not in_conversation(handler, chat_id, user_id):
            continue
        if not kept:
            kept = True
            continue
        ended = end_conversation(handler, chat_id, user_id) or ended
    return ended


async def refuse_unknown(update: Update, context: ZhibuContext) -> None:
    """The welcome for people not on the roster, in the private chat; nothing else is revealed. In a group
    only a command addressed to the bot is answered, with a short pointer to the private chat, at most once per
    person, group and day (remembered across restarts), so a busy group is not spammed. A pointer the busy group
    could not take (`GroupBusy`) is not counted: the next command may get it."""
    if update.callback_query is not None:
        await update.callback_query.answer(t(context.lang, "common.unknown_alert"), show_alert=True)
        return
    message = update.effective_message
    if message is None or update.effective_user is None or update.effective_chat is None:
        return
    if is_private(update):
        await reply(
            update,
            context,
            "common.unknown_user",
            community=context.settings.community_name,
            user_id=update.effective_user.id,
        )
        return
    chat, user = update.effective_chat.id, update.effective_user.id
    today = context.services.now().astimezone(context.settings.tz).date()
    if not await bookkeeping.point_once(context.store, chat, user, today):
        return
    try:
        await reply(update, context, "common.unknown_in_group", markup=private_chat_button(context))
    except GroupBusy:
        await bookkeeping.unpoint(context.store, chat, user, today)
        log.info("group=%s busy: no pointer for user=%s", chat, user)


async def mark_done(update: Update, context: ZhibuContext) -> None:
    if bookkeeping.recorded(context.store, update.update_id):
        return  # a write of this update already recorded it, in its own transaction
    await bookkeeping.mark(context.store, update.update_id)


def register(app: ZhibuApp) -> None:
    app.add_handler(TypeHandler(Update, gate), group=-100)
    app.add_handler(TypeHandler(Update, mark_done), group=100)
