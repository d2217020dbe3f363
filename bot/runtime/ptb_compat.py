"""The one place that reaches into python-telegram-bot's private attributes, so that an upgrade breaks here,
loudly (`tests/runtime/test_ptb_compat.py`), and nowhere else.

PTB keeps a `ConversationHandler`'s state privately and has no public way to end a conversation from the
outside; we need one so that a new command, or a button that asks for a next step, ends whatever
conversation the person was in. The key is built from the handler's public `per_chat` / `per_user` flags
the way PTB builds it (conversations per message are not used here)."""

from __future__ import annotations

from typing import Any

from telegram.ext import ConversationHandler


def _key(handler: ConversationHandler[Any], chat_id: int, user_id: int) -> tuple[int, ...]:
    return (*((chat_id,) if handler.per_chat else ()), *((user_id,) if handler.per_user else ()))


def in_conversation(handler: ConversationHandler[Any], chat_id: int, user_id: int) -> bool:
    """Whether this person, in this chat, is in a conversation of `handler`."""
    return _key(handler, chat_id, user_id) in handler._conversations


def end_conversation(handler: ConversationHandler[Any], chat_id: int, user_id: int) -> bool:
    """End this person's conversation in `handler` (in this chat) and cancel its time-out job; returns
    whether one was in progress."""
    key = _key(handler, chat_id, user_id)
    if key not in handler._conversations:
        return False
    handler._update_state(ConversationHandler.END, key)
    job = handler.timeout_jobs.pop(key, None)
    if job is not None:
        job.schedule_removal()
    return True
