"""Presence proven (issue 23) in Telegram: `/checkin CODE` and the QR's deep link (`/start ci_CODE`, in
`bot.handlers.start`) check a member in; `/checkin ID` and its 刷新签到码 button show the convener the code and its QR
image; a location shared in the private chat checks in near the venue; `/venue 地点` asks for the venue's location
and keeps it. The decisions are use cases in `bot.services.notices.presence`."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.payload import family
from bot.domain.results import Result, alert, say
from bot.handlers import conversation
from bot.handlers.common import actor, args_text, call, command, deps, expired_button, is_private, render
from bot.handlers.notices_replies import show
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.notices import presence
from bot.services.notices.buttons import CHECKIN, CheckinShow

END = ConversationHandler.END


class V(IntEnum):
    LOCATION = 1


def _asked(context: ZhibuContext, raw: str) -> presence.CodeAsked:
    return presence.CodeAsked(raw, context.bot.username or "bot")


def _place(update: Update) -> presence.Place:
    message = update.effective_message
    assert message is not None and message.location is not None
    return presence.Place(message.location.latitude, message.location.longitude)


@command("checkin")
async def cmd_checkin(update: Update, context: ZhibuContext) -> None:
    outcome = await presence.checkin_command(deps(context), call(context), _asked(context, args_text(context)))
    await show(update, context, outcome)


async def check_in_by_link(update: Update, context: ZhibuContext, code: str) -> None:
    """The QR's deep link (`/start ci_CODE`) from a member's phone."""
    await show(update, context, await presence.by_code(deps(context), call(context), code))


async def on_refresh(update: Update, context: ZhibuContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = CheckinShow.unpack(query.data)
    person = actor(context)
    if pressed is None or not is_private(update) or (person.member is None and not person.admin):
        await render(update, context, alert("checkin.usage"))
        return
    reply = await presence.show_code(deps(context), call(context), _asked(context, str(pressed.notice_id)))
    await render(update, context, reply)


async def on_location(update: Update, context: ZhibuContext) -> None:
    """A location shared in the private chat, outside /venue: a check-in near the venue."""
    if not actor(context).known:
        return
    await show(update, context, await presence.by_location(deps(context), call(context), _place(update)))


@command("venue")
async def cmd_venue(update: Update, context: ZhibuContext) -> int:
    asked = presence.ask_venue(args_text(context))
    if not isinstance(asked, presence.VenueAsked):
        await render(update, context, asked)
        return END
    conversation.keep(context, presence.VenueDraft, asked.draft)
    await render(update, context, asked.reply)
    return V.LOCATION


async def on_venue_location(update: Update, context: ZhibuContext) -> int:
    draft = conversation.current(context, presence.VenueDraft)
    conversation.forget(context, presence.VenueDraft)
    if draft is None:
        await render(update, context, say("checkin.venue_usage"))
        return END
    await render(update, context, await presence.set_venue(deps(context), call(context), draft, _place(update)))
    return END


async def on_venue_other(update: Update, context: ZhibuContext) -> None:
    """Anything but a location while the venue's is asked: ask again."""
    draft = conversation.current(context, presence.VenueDraft)
    asked = presence.ask_venue(draft.name if draft is not None else "")
    reply = asked.reply if isinstance(asked, presence.VenueAsked) else asked
    await render(update, context, Result.of(say("checkin.venue_expected"), reply))


async def on_venue_cancel(update: Update, context: ZhibuContext) -> int:
    conversation.forget(context, presence.VenueDraft)
    await render(update, context, Result.of(say("common.cancelled")))
    return END


def register(app: ZhibuApp) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("venue", cmd_venue)],
            states={
                V.LOCATION: [
                    MessageHandler(private & filters.LOCATION, on_venue_location),
                    MessageHandler(private & ~filters.COMMAND & ~filters.LOCATION, on_venue_other),
                ]
            },
            fallbacks=[CommandHandler("cancel", on_venue_cancel)],
            allow_reentry=True,
            name="venue",
            persistent=True,
        )
    )
    app.add_handler(CommandHandler("checkin", cmd_checkin))
    app.add_handler(CallbackQueryHandler(on_refresh, pattern=CheckinShow.matches))
    app.add_handler(MessageHandler(private & filters.LOCATION, on_location))
    app.add_handler(CallbackQueryHandler(expired_button("checkin.usage"), pattern=family(CHECKIN)))
