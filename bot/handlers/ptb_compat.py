"""The one place that reaches into python-telegram-bot's private attributes, so that an upgrade breaks here,
loudly (`tests/test_ptb_compat.py`), and nowhere else.

PTB keeps a `ConversationHandler`'s state privately and has no public way to end a conversation from the
outside; we need one so that a new command ends whatever conversation the person was in."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler


def in_conversation(handler: ConversationHandler[Any], update: Update) -> bool:
    """Whether the person behind `update` is in a conversation of `handler` (in the handler's key: chat,
    user, or both)."""
    try:
        key = handler._get_key(update)
    except RuntimeError:  # an update without the chat or user the handler keys on
        return False
    return key in handler._conversations


def end_conversation(handler: ConversationHandler[Any], update: Update) -> bool:
    """End the conversation of `update`'s person in `handler`, and cancel its time-out job; returns
    whether one was in progress."""
    if not in_conversation(handler, update):
        return False
    key = handler._get_key(update)
    handler._update_state(ConversationHandler.END, key)
    job = handler.timeout_jobs.pop(key, None)
    if job is not None:
        job.schedule_removal()
    return True
