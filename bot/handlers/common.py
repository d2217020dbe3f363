"""Shared handler helpers: replying in the person's language, refusing, private-chat redirection."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    Voice,
)
from telegram.constants import ChatType, ParseMode
from telegram.warnings import PTBDeprecationWarning

from bot.domain.call import Call
from bot.domain.results import Reply, Result
from bot.domain.rights import Actor, Capability
from bot.i18n import reply_text, t
from bot.runtime.context import ZhibuContext
from bot.runtime.delivery import markup
from bot.services.kernel.commands import by_name
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import split_message

Handler = Callable[[Update, ZhibuContext], Coroutine[Any, Any, Any]]

_WHO = {
    Capability.SECRETARY: "common.who_secretary",
    Capability.LIAISON: "common.who_liaison",
    Capability.LEADER: "common.who_leader",
    Capability.MEMBER: "common.who_member",
    Capability.PATROL: "common.who_patrol",
    Capability.MEDIATION: "common.who_mediation",
    Capability.POST: "common.who_post",
    Capability.ADMIN: "ops.who_admin",
    Capability.CONVENER: "notice.who_convener",
    Capability.REVIEWER: "posts.review.who",
    Capability.COMMITTEE: "posts.rate.who",
    Capability.READER: "common.who_reader",
    Capability.COLLECTOR: "dues.who_collector",
}


def actor(context: ZhibuContext) -> Actor:
    """The actor set by the gate; handlers behind the gate always have one."""
    if context.actor is None:
        raise RuntimeError("handler reached without the gate")
    return context.actor


def deps(context: ZhibuContext) -> Deps:
    """What every use case is given first: the application's store and settings."""
    return Deps(context.store, context.settings)


def call(context: ZhibuContext) -> Call:
    """The request value of this update for a use case: the actor, now (the services' clock) and the
    person's language. With `deps`: `compose.begin(deps(context), call(context), text)`."""
    return Call(actor(context), context.services.now(), context.lang)


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


async def send_html(context: ZhibuContext, chat_id: int, text: str, markup: Markup | None = None) -> Message:
    """Send HTML, split at 4096 characters; the markup goes on the last part."""
    parts = split_message(text)
    sent: Message | None = None
    for index, part in enumerate(parts):
        sent = await context.bot.send_message(
            chat_id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if index == len(parts) - 1 else None,
        )
    assert sent is not None
    return sent


async def reply(
    update: Update,
    context: ZhibuContext,
    key: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    **params: object,
) -> Message | None:
    """Answer in the chat of the update, in the person's language."""
    return await reply_html(update, context, t(context.lang, key, **params), markup)


async def reply_html(update: Update, context: ZhibuContext, text: str, markup: Markup | None = None) -> Message | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return await send_html(context, chat.id, text, markup)


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


def private_chat_button(context: ZhibuContext) -> InlineKeyboardMarkup:
    url = f"https://t.me/{context.bot.username}?start=help"
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(context.lang, "common.open_private"), url=url)]])


def command(name: str) -> Callable[[Handler], Handler]:
    """Guard a command handler by the commands table: refuse without the right, redirect private
    matters asked in a group to the private chat. Nothing else runs when refused."""
    spec = by_name(name)
    if spec is None:
        raise KeyError(f"command /{name} is not in the commands table")

    def wrap(func: Handler) -> Handler:
        @functools.wraps(func)
        async def guarded(update: Update, context: ZhibuContext) -> Any:
            person = actor(context)
            if person.read_only and not person.can(spec.capability):  # 上级党委: reads, never writes
                await reply(update, context, "common.read_only", what=f"/{name}")
                return None
            if not person.can(spec.capability):
                await reply(
                    update,
                    context,
                    "common.refused",
                    what=f"/{name}",
                    who=t(context.lang, _WHO.get(spec.capability, "common.who_member")),
                )
                return None
            if spec.private and not is_private(update):
                await reply(update, context, "common.private_only", markup=private_chat_button(context))
                return None
            return await func(update, context)

        return guarded

    return wrap


def expired_button(key: str) -> Handler:
    """The answer to a button whose conversation is over (another command, /cancel, a restart)."""

    async def answer(update: Update, context: ZhibuContext) -> None:
        if update.callback_query is not None:
            await update.callback_query.answer(t(context.lang, key), show_alert=True)

    return answer


def args_text(context: ZhibuContext) -> str:
    return " ".join(context.args or []).strip()


def args_lines(update: Update) -> str:
    """What follows the command with its line breaks kept (a record written over several lines)."""
    message = update.effective_message
    parts = ((message.text or "") if message else "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def split_fields(text: str) -> list[str]:
    """The one-line form: `a | b | c` (a full-width ｜ works too)."""
    return [p.strip() for p in text.replace("｜", "|").split("|")]


def join_names(names: Sequence[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(names)


def keyboard_of(item: Reply, lang: str) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    """The reply's buttons: inline ones, or a keyboard asking for the location, or the keyboard taken away."""
    if item.location_button is not None:
        button = KeyboardButton(t(lang, item.location_button), request_location=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    if item.remove_keyboard and not item.buttons:
        return ReplyKeyboardRemove()
    return markup(item.buttons)


async def reply_item(update: Update, context: ZhibuContext, item: Reply) -> None:
    """One reply in the chat of the update: its text (the caption of its photo, if it has one) and buttons."""
    text = reply_text(item, context.lang)
    keys = keyboard_of(item, context.lang)
    chat = update.effective_chat
    if item.photo is not None and chat is not None:
        await context.bot.send_photo(chat.id, item.photo, caption=text, parse_mode=ParseMode.HTML, reply_markup=keys)
        return
    await reply_html(update, context, text, keys)


async def render(update: Update, context: ZhibuContext, result: Result | Reply) -> None:
    """Show a use case's outcome: each reply in the person's language (an `alert` as the pop-up answer to
    the pressed button), and wake the sender when it queued messages for others."""
    if isinstance(result, Reply):
        result = Result.of(result)
    query = update.callback_query
    alerts = [item for item in result.replies if item.alert]
    if query is not None:  # a press is answered first, so the button stops spinning
        await query.answer(reply_text(alerts[0], context.lang) if alerts else None, show_alert=bool(alerts))
    for item in result.replies:
        if not (item.alert and query is not None):
            await reply_item(update, context, item)
    if result.queued:
        context.services.poke_sender()


def voice_seconds(voice: Voice) -> int:
    """The voice message's length in seconds (PTB 22 gives an int or a timedelta and warns about the change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = voice.duration
    return int(value.total_seconds()) if isinstance(value, timedelta) else int(value)
