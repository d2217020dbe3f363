"""`/patrol` and `/mediate` (设岗定责): logging a patrol or a mediation step by step or in one line, with an
optional photo as evidence. Telegram in and out only; the flow is `bot.services.duty.flow`.

One `ConversationHandler` holds both logs and the "still ongoing → new date" step of a follow-up, so
starting one replaces whatever duty step was pending. The draft lives in `user_data` until it is saved.
Every duty button is registered here, the catch-all last (it answers any other `duty:` payload, forged or
stale, like an expired button).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.domain.payload import family
from bot.handlers import conversation, duty_followup, duty_posts
from bot.handlers.common import call, command, deps, expired_button, reply, split_fields
from bot.handlers.duty_followup import play
from bot.handlers.duty_report import on_post_toggle
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.duty import flow
from bot.services.duty import log as duty_log
from bot.services.duty.buttons import DUTY, DutyKind, DutyLogPost, DutyOutcome, DutyPostSwitch, DutyPostToggle, DutySkip
from bot.services.duty.flow import Draft, Step
from bot.services.duty.rules import MEDIATION, PATROL

END = ConversationHandler.END
CONVERSATION_TIMEOUT = 30 * 60  # seconds: a half-finished log is dropped after this
Callback = Callable[[Update, ZhibuContext], Coroutine[Any, Any, int | None]]
#: What is not typed text (a photo, voice, sticker, file…) where a step waits for text.
NOT_TEXT = filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND


def _args(update: Update) -> str:
    """What follows the command, in a text or a photo's caption (line breaks kept)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def _photo(update: Update) -> str | None:
    """The file id of the largest size of a photo sent with the message."""
    message = update.effective_message
    if message is None or not message.photo:
        return None
    return max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0)).file_id


def _text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message else ""


def _draft(context: ZhibuContext) -> Draft | None:
    return conversation.current(context, Draft)


#: The command that starts each step's log over when its draft could not be kept.
_COMMANDS = {
    **dict.fromkeys((Step.AREA, Step.MINUTES, Step.FINDINGS), "/patrol"),
    **dict.fromkeys((Step.PARTIES, Step.KIND, Step.OUTCOME, Step.FOLLOWUP, Step.SUMMARY, Step.NEW_DATE), "/mediate"),
}


async def _lost(update: Update, context: ZhibuContext, step: Step) -> int:
    return await conversation.lost(update, context, _COMMANDS.get(step, "/log"))


# Entry points -----------------------------------------------------------------------------------------


async def _start(update: Update, context: ZhibuContext, post: str) -> int:
    text = _args(update)
    opening = flow.Opening(split_fields(text) if text else None, _photo(update))
    turn = await flow.start(deps(context), call(context), post, opening)
    return await play(update, context, turn)


@command("patrol")
async def cmd_patrol(update: Update, context: ZhibuContext) -> int:
    return await _start(update, context, PATROL)


@command("mediate")
async def cmd_mediate(update: Update, context: ZhibuContext) -> int:
    return await _start(update, context, MEDIATION)


@command("log")
async def cmd_log(update: Update, context: ZhibuContext) -> int:
    turn = await duty_log.menu(deps(context), call(context), _args(update), _photo(update))
    return await play(update, context, turn)


async def on_log_post(update: Update, context: ZhibuContext) -> int:
    payload = DutyLogPost.unpack(update.callback_query.data if update.callback_query else None)
    if payload is None:
        return END
    turn = await duty_log.chosen(deps(context), call(context), payload.post_id)
    return await play(update, context, turn)


# Steps ------------------------------------------------------------------------------------------------


def _typed(step: Step) -> Callback:
    """Text typed at a step."""

    async def typed(update: Update, context: ZhibuContext) -> int | None:
        draft = _draft(context)
        if draft is None:
            return await _lost(update, context, step)
        turn = await flow.answer(deps(context), call(context), flow.Waiting(step, draft), _text(update))
        return await play(update, context, turn)

    return typed


def _not_text(step: Step) -> Callback:
    """A photo, voice message, sticker or file where the step waits for text: say so and ask again."""

    async def again(update: Update, context: ZhibuContext) -> int | None:
        draft = _draft(context)
        if draft is None:
            return await _lost(update, context, step)
        return await play(update, context, flow.reask(deps(context), call(context), flow.Waiting(step, draft)))

    return again


async def on_kind_button(update: Update, context: ZhibuContext) -> int | None:
    return await _chosen(update, context, Step.KIND)


async def on_outcome_button(update: Update, context: ZhibuContext) -> int | None:
    return await _chosen(update, context, Step.OUTCOME)


async def _chosen(update: Update, context: ZhibuContext, step: Step) -> int | None:
    data = update.callback_query.data if update.callback_query else None
    payload = DutyKind.unpack(data) if step is Step.KIND else DutyOutcome.unpack(data)
    draft = _draft(context)
    if payload is None:  # the patterns let only valid payloads through
        return END
    if draft is None:
        return await _lost(update, context, step)
    value = payload.kind if isinstance(payload, DutyKind) else payload.outcome
    turn = await flow.choose(deps(context), call(context), flow.Waiting(step, draft), value)
    return await play(update, context, turn)


async def on_photo(update: Update, context: ZhibuContext) -> int | None:
    draft = _draft(context)
    if draft is None:
        return await _lost(update, context, Step.PHOTO)
    turn = await flow.photo(deps(context), call(context), draft, _photo(update))
    return await play(update, context, turn)


async def on_skip(update: Update, context: ZhibuContext) -> int | None:
    draft = _draft(context)
    if draft is None:
        return await _lost(update, context, Step.PHOTO)
    turn = await flow.skip(deps(context), call(context), draft)
    return await play(update, context, turn)


async def on_not_photo(update: Update, context: ZhibuContext) -> int | None:
    draft = _draft(context)
    if draft is None:
        return await _lost(update, context, Step.PHOTO)
    return await play(update, context, flow.not_photo(draft, context.lang))


async def cmd_cancel(update: Update, context: ZhibuContext) -> int:
    conversation.forget(context, Draft)
    duty_posts.forget(context)
    await reply(update, context, "common.cancelled")
    return END


def _caption(name: str) -> filters.BaseFilter:
    return filters.PHOTO & filters.CaptionRegex(rf"^/{name}(@\w+)?(\s|$)")


def duty_conversation() -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND

    def typed(step: Step) -> list[BaseHandler[Update, Any, Any]]:
        """A step waiting for text: the text, or the answer to anything else."""
        return [MessageHandler(text, _typed(step)), MessageHandler(NOT_TEXT, _not_text(step))]

    with warnings.catch_warnings():  # buttons are tracked per chat and user, which is what we want
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("patrol", cmd_patrol),
                MessageHandler(_caption("patrol"), cmd_patrol),
                CommandHandler("mediate", cmd_mediate),
                MessageHandler(_caption("mediate"), cmd_mediate),
                CommandHandler("log", cmd_log),
                MessageHandler(_caption("log"), cmd_log),
                CallbackQueryHandler(on_log_post, pattern=DutyLogPost.matches),
                *duty_posts.entry_points(),
                CallbackQueryHandler(duty_followup.on_followup, pattern=duty_followup.still_ongoing),
            ],
            states={
                Step.AREA: typed(Step.AREA),
                Step.MINUTES: typed(Step.MINUTES),
                Step.FINDINGS: typed(Step.FINDINGS),
                Step.PARTIES: typed(Step.PARTIES),
                Step.KIND: [CallbackQueryHandler(on_kind_button, pattern=DutyKind.matches), *typed(Step.KIND)],
                Step.OUTCOME: [
                    CallbackQueryHandler(on_outcome_button, pattern=DutyOutcome.matches),
                    *typed(Step.OUTCOME),
                ],
                Step.FOLLOWUP: typed(Step.FOLLOWUP),
                Step.SUMMARY: typed(Step.SUMMARY),
                Step.DONE: typed(Step.DONE),
                Step.TIME: typed(Step.TIME),
                Step.SERVED: typed(Step.SERVED),
                Step.PHOTO: [
                    MessageHandler(filters.PHOTO, on_photo),
                    CallbackQueryHandler(on_skip, pattern=DutySkip.matches),
                    MessageHandler(~filters.COMMAND, on_not_photo),
                ],
                Step.NEW_DATE: [
                    MessageHandler(text, duty_followup.on_new_date),
                    MessageHandler(NOT_TEXT, _not_text(Step.NEW_DATE)),
                ],
                **duty_posts.states(),
            },
            fallbacks=[CommandHandler("cancel", cmd_cancel)],
            allow_reentry=True,
            conversation_timeout=CONVERSATION_TIMEOUT,
            name="duty",
            persistent=True,
        )


def register(app: ZhibuApp) -> None:
    """The conversation, then the buttons outside it, then the catch-all for every other `duty:` payload
    (it must come after every real duty button, so they are all registered here)."""
    app.add_handler(duty_conversation())
    app.add_handler(CallbackQueryHandler(duty_followup.on_followup, pattern=duty_followup.settled))
    app.add_handler(CallbackQueryHandler(on_post_toggle, pattern=DutyPostToggle.matches))
    app.add_handler(CallbackQueryHandler(on_post_toggle, pattern=DutyPostSwitch.matches))
    duty_posts.register(app)
    app.add_handler(CallbackQueryHandler(expired_button("duty.expired"), pattern=family(DUTY)))
