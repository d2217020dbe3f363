"""`/minutes ID` in Telegram: minutes from the record, step by step (主持人, 记录人, 会议内容, 决议 with votes,
preview, 保存), or the saved minutes with 重新填写; `/minutes ID | text` the quick note. The draft lives in
user_data and the conversation is persistent, so a restart mid-minutes continues where it was. Decisions are
in `bot.services.minutes.flow`."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.payload import family
from bot.domain.results import Result, alert, say
from bot.handlers import conversation
from bot.handlers.common import (
    actor,
    args_lines,
    call,
    command,
    deps,
    expired_button,
    is_private,
    render,
    voice_seconds,
)
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.minutes import flow
from bot.services.minutes.buttons import (
    MINUTES,
    MinutesAdd,
    MinutesContentDone,
    MinutesDone,
    MinutesDrop,
    MinutesKind,
    MinutesNoWritten,
    MinutesPerson,
    MinutesRedo,
    MinutesSave,
)
from bot.services.minutes.rules import MinutesDraft


class Q(IntEnum):
    HOST = 1
    RECORDER = 2
    CONTENT = 3
    MORE = 4
    RES_TEXT = 5
    RES_VOTES = 6
    PREVIEW = 7
    RES_KIND = 8
    RES_WRITTEN = 9


STATES = {
    flow.HOST: Q.HOST,
    flow.RECORDER: Q.RECORDER,
    flow.CONTENT: Q.CONTENT,
    flow.MORE: Q.MORE,
    flow.RES_TEXT: Q.RES_TEXT,
    flow.RES_VOTES: Q.RES_VOTES,
    flow.PREVIEW: Q.PREVIEW,
    flow.RES_KIND: Q.RES_KIND,
    flow.RES_WRITTEN: Q.RES_WRITTEN,
}
NAMES = {q: name for name, q in STATES.items()}
END = ConversationHandler.END


def _draft(context: ZhibuContext) -> MinutesDraft | None:
    return conversation.current(context, MinutesDraft)


async def _show(update: Update, context: ZhibuContext, step: flow.Step) -> int:
    state = END if step.state is None else STATES[step.state]
    return await conversation.step(update, context, MinutesDraft, step.draft, step.result, state)


async def _lost(update: Update, context: ZhibuContext) -> int:
    """A step with no draft (dropped by a restart that could not keep it): over, like an expired button."""
    await render(update, context, alert("minutes.expired") if update.callback_query else say("minutes.expired"))
    return END


@command("minutes")
async def cmd_minutes(update: Update, context: ZhibuContext) -> int:
    return await _show(update, context, await flow.open_minutes(deps(context), call(context), args_lines(update)))


async def on_redo(update: Update, context: ZhibuContext) -> int:
    assert update.callback_query is not None
    pressed = MinutesRedo.unpack(update.callback_query.data)
    assert pressed is not None
    if not is_private(update) or actor(context).member is None:
        await render(update, context, alert("minutes.expired"))
        return END
    return await _show(update, context, await flow.redo(deps(context), call(context), pressed.notice_id))


def _on_text(state: Q) -> Callable[[Update, ZhibuContext], Coroutine[Any, Any, int]]:
    async def handle(update: Update, context: ZhibuContext) -> int:
        draft = _draft(context)
        if draft is None:
            return await _lost(update, context)
        assert update.effective_message is not None
        waiting = flow.Waiting(draft, NAMES[state])
        return await _show(
            update,
            context,
            await flow.typed(deps(context), call(context), waiting, update.effective_message.text or ""),
        )

    return handle


def _on_other(state: Q) -> Callable[[Update, ZhibuContext], Coroutine[Any, Any, int]]:
    async def handle(update: Update, context: ZhibuContext) -> int:
        draft = _draft(context)
        if draft is None:
            return await _lost(update, context)
        message = update.effective_message
        if state == Q.CONTENT and message is not None and message.voice is not None:  # 会议内容 recorded
            voice = flow.Voice(message.voice.file_id, voice_seconds(message.voice))
            return await _show(update, context, await flow.voice(deps(context), call(context), draft, voice))
        return await _show(
            update, context, await flow.not_text(deps(context), call(context), flow.Waiting(draft, NAMES[state]))
        )

    return handle


async def _pressed(update: Update, context: ZhibuContext, notice_id: int) -> MinutesDraft | None:
    """The draft a button of this conversation belongs to; None (answered as expired) for an older one."""
    draft = _draft(context)
    if draft is None or draft.notice_id != notice_id:
        await render(update, context, alert("minutes.expired"))
        return None
    return draft


async def on_person(update: Update, context: ZhibuContext) -> int | None:
    assert update.callback_query is not None
    pressed = MinutesPerson.unpack(update.callback_query.data)
    assert pressed is not None
    draft = await _pressed(update, context, pressed.notice_id)
    if draft is None:
        return None
    return await _show(update, context, await flow.picked(deps(context), call(context), draft, pressed))


async def on_add(update: Update, context: ZhibuContext) -> int | None:
    assert update.callback_query is not None
    pressed = MinutesAdd.unpack(update.callback_query.data)
    assert pressed is not None
    draft = await _pressed(update, context, pressed.notice_id)
    return None if draft is None else await _show(update, context, await flow.add(deps(context), call(context), draft))


async def on_kind(update: Update, context: ZhibuContext) -> int | None:
    assert update.callback_query is not None
    pressed = MinutesKind.unpack(update.callback_query.data)
    assert pressed is not None
    draft = await _pressed(update, context, pressed.notice_id)
    if draft is None:
        return None
    return await _show(update, context, await flow.chose_kind(deps(context), call(context), draft, pressed.kind))


async def on_content_done(update: Update, context: ZhibuContext) -> int | None:
    assert update.callback_query is not None
    pressed = MinutesContentDone.unpack(update.callback_query.data)
    assert pressed is not None
    draft = await _pressed(update, context, pressed.notice_id)
    return (
        None
        if draft is None
        else await _show(update, context, await flow.content_done(deps(context), call(context), draft))
    )


async def on_no_written(update: Update, context: ZhibuContext) -> int | None:
    assert update.callback_query is not None
    pressed = MinutesNoWritten.unpack(update.callback_query.data)
    assert pressed is not None
    draft = await _pressed(update, context, pressed.notice_id)
    return (
        None
        if draft is None
        else await _show(update, context, await flow.no_written(deps(context), call(context), draft))
    )


async def on_done(update: Update, context: ZhibuContext) -> int | None:
    assert update.callback_query is not None
    pressed = MinutesDone.unpack(update.callback_query.data)
    assert pressed is not None
    draft = await _pressed(update, context, pressed.notice_id)
    return None if draft is None else await _show(update, context, await flow.done(deps(context), call(context), draft))


async def on_save(update: Update, context: ZhibuContext) -> int | None:
    assert update.callback_query is not None
    pressed = MinutesSave.unpack(update.callback_query.data)
    assert pressed is not None
    draft = await _pressed(update, context, pressed.notice_id)
    return None if draft is None else await _show(update, context, await flow.save(deps(context), call(context), draft))


async def on_drop(update: Update, context: ZhibuContext) -> int:
    return await _show(update, context, flow.Step(Result.of(say("common.cancelled"))))


async def on_cancel(update: Update, context: ZhibuContext) -> int:
    return await _show(update, context, flow.Step(Result.of(say("common.cancelled"))))


def register(app: ZhibuApp) -> None:
    text = filters.TEXT & ~filters.COMMAND
    other = filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND

    def typing(state: Q) -> list[Any]:
        return [MessageHandler(text, _on_text(state)), MessageHandler(other, _on_other(state))]

    people: list[Any] = [CallbackQueryHandler(on_person, pattern=MinutesPerson.matches)]
    app.add_handler(
        ConversationHandler(
            entry_points=[
                CommandHandler("minutes", cmd_minutes),
                CallbackQueryHandler(on_redo, pattern=MinutesRedo.matches),
            ],
            states={
                Q.HOST: [*people, *typing(Q.HOST)],
                Q.RECORDER: [*people, *typing(Q.RECORDER)],
                Q.CONTENT: [
                    CallbackQueryHandler(on_content_done, pattern=MinutesContentDone.matches),
                    *typing(Q.CONTENT),
                ],
                Q.MORE: [
                    CallbackQueryHandler(on_add, pattern=MinutesAdd.matches),
                    CallbackQueryHandler(on_done, pattern=MinutesDone.matches),
                    *typing(Q.MORE),
                ],
                Q.RES_KIND: [CallbackQueryHandler(on_kind, pattern=MinutesKind.matches), *typing(Q.RES_KIND)],
                Q.RES_TEXT: typing(Q.RES_TEXT),
                Q.RES_VOTES: typing(Q.RES_VOTES),
                Q.RES_WRITTEN: [
                    CallbackQueryHandler(on_no_written, pattern=MinutesNoWritten.matches),
                    *typing(Q.RES_WRITTEN),
                ],
                Q.PREVIEW: [
                    CallbackQueryHandler(on_save, pattern=MinutesSave.matches),
                    CallbackQueryHandler(on_drop, pattern=MinutesDrop.matches),
                    *typing(Q.PREVIEW),
                ],
            },
            fallbacks=[CommandHandler("cancel", on_cancel)],
            allow_reentry=True,
            name="minutes",
            persistent=True,
        )
    )
    # Any other `min` payload (a button of minutes no longer being filled in, or forged): expired, nothing kept.
    app.add_handler(CallbackQueryHandler(expired_button("minutes.expired"), pattern=family(MINUTES)))
