"""`/talk`, `/talks`, `/appraisal` (and its ballot buttons), `/rectify`, `/pledge`: the branch's year. Telegram in
and out only: the rules are in `bot.services.appraisal`. A ballot press is never logged nor kept."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain.payload import family
from bot.domain.results import Result, alert
from bot.handlers import conversation
from bot.handlers.common import args_text, call, command, deps, expired_button, is_private, render
from bot.handlers.gate import in_any_conversation
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.appraisal import publish
from bot.services.appraisal.buttons import APPRAISAL, Ballot, PledgeDrop, PledgePost
from bot.services.appraisal.handin import HandIn, Outcome, Sent, received
from bot.services.appraisal.pledge import pledge_command
from bot.services.appraisal.rectify import rectify_entry
from bot.services.appraisal.review import appraisal_entry, cast
from bot.services.appraisal.talks import log_talk, show_talks


@command("talk")
async def cmd_talk(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await log_talk(deps(context), call(context), args_text(context)),
    )


@command("talks")
async def cmd_talks(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await show_talks(deps(context), call(context)),
    )


@command("appraisal")
async def cmd_appraisal(update: Update, context: ZhibuContext) -> None:
    await _outcome(update, context, await appraisal_entry(deps(context), call(context), args_text(context)))


@command("rectify")
async def cmd_rectify(update: Update, context: ZhibuContext) -> None:
    await _outcome(update, context, await rectify_entry(deps(context), call(context), args_text(context)))


async def _outcome(update: Update, context: ZhibuContext, outcome: Outcome) -> None:
    """The answers; a hand-in awaited (kept as a draft) or a member's file sent back to the secretary."""
    conversation.keep(context, HandIn, outcome.waiting)
    await render(update, context, outcome.result)
    chat = update.effective_chat
    if outcome.file is None or chat is None:
        return
    kind, file_id, caption = outcome.file
    if kind == "voice":
        await context.bot.send_voice(chat.id, file_id, caption=caption)
    else:
        await context.bot.send_document(chat.id, file_id, caption=caption)


async def on_file(update: Update, context: ZhibuContext) -> None:
    """A voice message or a document in the private chat: a hand-in when one is awaited (after `/rectify 材料`
    or `/appraisal 自评` alone), else nothing here. In a group of its own, after every conversation: a voice
    message a conversation waits for (a thought report, minutes) is theirs too."""
    waiting = conversation.current(context, HandIn)
    message = update.effective_message
    user = update.effective_user
    if waiting is None or message is None or user is None or not is_private(update):
        return
    if in_any_conversation(context.application, user.id, user.id):
        return  # the voice belongs to the conversation in progress (a button started it after the wait)
    if message.voice is not None:
        sent = Sent("voice", message.voice.file_id)
    elif message.document is not None:
        sent = Sent("document", message.document.file_id)
    else:
        return
    conversation.keep(context, HandIn, None)
    await render(update, context, await received(deps(context), call(context), waiting, sent))


@command("pledge")
async def cmd_pledge(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await pledge_command(deps(context), call(context), args_text(context)),
    )


async def on_ballot(update: Update, context: ZhibuContext) -> None:
    """A 民主测评 press: only in the voter's private chat; a group never takes a ballot."""
    query = update.callback_query
    pressed = Ballot.unpack(query.data) if query is not None and query.data else None
    if pressed is None or not is_private(update):
        await render(update, context, Result.of(alert("appraisal.ballot_expired")))
        return
    await render(
        update,
        context,
        await cast(deps(context), call(context), pressed),
    )


async def on_publish(update: Update, context: ZhibuContext) -> None:
    """发布到群 / 先不发 under a `/pledge 公布` preview."""
    query = update.callback_query
    data = query.data if query is not None else None
    post, drop = PledgePost.unpack(data), PledgeDrop.unpack(data)
    if post is not None:
        result = await publish.publish(deps(context), call(context), post)
    elif drop is not None:
        result = Result.of(publish.dropped())
    else:
        return
    if query is not None and (drop is not None or result.queued):
        await query.edit_message_reply_markup(None)
    await render(update, context, result)


#: The handler group of hand-ins: after group 0, so that it never takes a message from a conversation.
HANDIN = 1


def register(app: ZhibuApp) -> None:
    conversation.waits_for(HandIn)
    app.add_handler(CommandHandler("talk", cmd_talk))
    app.add_handler(CommandHandler("talks", cmd_talks))
    app.add_handler(CommandHandler("appraisal", cmd_appraisal))
    app.add_handler(CommandHandler("rectify", cmd_rectify))
    app.add_handler(CommandHandler("pledge", cmd_pledge))
    app.add_handler(CallbackQueryHandler(on_ballot, pattern=Ballot.matches))
    app.add_handler(CallbackQueryHandler(on_publish, pattern=lambda d: PledgePost.matches(d) or PledgeDrop.matches(d)))
    app.add_handler(CallbackQueryHandler(expired_button("appraisal.ballot_expired"), pattern=family(APPRAISAL)))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & (filters.VOICE | filters.Document.ALL), on_file), HANDIN)
