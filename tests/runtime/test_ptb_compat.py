"""The compatibility layer over PTB's private conversation state: if a PTB upgrade changes it, this fails."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Chat, Message, Update, User
from telegram.ext import ApplicationBuilder, CallbackContext, ConversationHandler, MessageHandler, filters

from bot.runtime.ptb_compat import end_conversation, in_conversation


def _update(text: str, update_id: int = 1) -> Update:
    user = User(id=7, first_name="A", is_bot=False)
    chat = Chat(id=7, type=Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, from_user=user, text=text))


async def _noop(update: object, context: object) -> int:
    return 1


async def test_a_conversation_is_seen_and_ended_with_its_timeout_job() -> None:
    app = ApplicationBuilder().token("1:x").build()
    handler: ConversationHandler[object] = ConversationHandler(
        entry_points=[MessageHandler(filters.Regex("^go$"), _noop)],
        states={1: [MessageHandler(filters.TEXT, _noop)]},
        fallbacks=[],
        conversation_timeout=600,
    )
    app.add_handler(handler)
    assert app.job_queue is not None
    await app.job_queue.start()  # the time-out job needs it; the bot itself is never asked anything
    try:
        update = _update("go")
        assert not in_conversation(handler, 7, 7)
        check = handler.check_update(update)
        await handler.handle_update(update, app, check, CallbackContext.from_update(update, app))
        assert in_conversation(handler, 7, 7)
        assert len(handler.timeout_jobs) == 1
        job = next(iter(handler.timeout_jobs.values()))
        assert not end_conversation(handler, 8, 7)  # another chat: nothing
        assert end_conversation(handler, 7, 7)
        assert not in_conversation(handler, 7, 7)
        assert handler.timeout_jobs == {}
        assert job.removed
        assert not end_conversation(handler, 7, 7)  # nothing left to end
    finally:
        await app.job_queue.stop()
