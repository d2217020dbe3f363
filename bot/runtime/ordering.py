"""Updates of different chats are handled at the same time; those of one chat, or of one person, one after
another in the order Telegram sent them.

python-telegram-bot handles one update at a time by default, so an answer that must wait (a group's twenty
messages a minute are used up) held up every other chat: thirty `/help` in one group delayed a secretary's
private answer by a minute (issue 30). `ChatOrderedProcessor` is PTB's public `BaseUpdateProcessor` hook: every
update waits only for the earlier updates that share its chat or its person (its *keys*: the chat's id and the
user's id; a group's id is negative, a person's and their private chat's the same positive number).

Within those keys the order is what it was: a conversation's steps (`ConversationHandler` is per chat and
person), a person's drafts (`user_data` is per person, whatever the chat), a button in a group that ends a
conversation in the private chat (`bot/handlers/gate.py`), and the applied-once mark of each update all see the
updates of a chat and of a person one at a time, as before. Across keys, the store serialises writers
(`Database.transaction`) and its repositories check what they change inside their own transaction.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: Updates being handled or waiting for an earlier one of their chat or person, at most (PTB's bound). Waiting
#: ones hold a place: the group answers that made a chat's line long no longer wait for their slot (the scheduler
#: drops what a group cannot take, `bot/runtime/scheduler.py`), so lines drain quickly.
CONCURRENT_UPDATES = 256


def keys_of(update: object) -> tuple[int, ...]:
    """What an update must wait for: the earlier updates of its chat and of its person (none for an update with
    neither, such as a poll's new results)."""
    if not isinstance(update, Update):
        return ()
    found: list[int] = []
    if update.effective_chat is not None:
        found.append(update.effective_chat.id)
    if update.effective_user is not None and update.effective_user.id not in found:
        found.append(update.effective_user.id)
    return tuple(found)


@dataclass(eq=False)
class _Ticket:
    keys: tuple[int, ...]
    turn: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Per key (a chat, a person), a line of the updates that have it, in the order they arrived; an update runs
    when it heads every line it stands in. PTB starts `do_process_update` in the order the updates came (its
    tasks are created in that order and its semaphore is first come, first served), and every line is in that
    one order, so the oldest waiting update always heads all of its lines: nothing waits in a circle."""

    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._lines: dict[int, deque[_Ticket]] = {}

    @property
    def waiting(self) -> int:
        """Updates waiting for an earlier one of their chat or person (for tests and the benchmarks)."""
        return len({id(t) for line in self._lines.values() for t in line if not t.turn.done()})

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        keys = keys_of(update)
        if not keys:
            await coroutine
            return
        ticket = _Ticket(keys)
        for key in keys:
            self._lines.setdefault(key, deque()).append(ticket)
        self._start_if_first(ticket)
        started = False
        try:
            await ticket.turn
            started = True
            await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting (a stop): never run, and no "never awaited" warning
            self._leave(ticket)

    def _start_if_first(self, ticket: _Ticket) -> None:
        if not ticket.turn.done() and all(self._lines[key][0] is ticket for key in ticket.keys):
            ticket.turn.set_result(None)

    def _leave(self, ticket: _Ticket) -> None:
        for key in ticket.keys:
            line = self._lines[key]
            line.remove(ticket)  # the head, unless it was cancelled while it waited
            if line:
                self._start_if_first(line[0])
            else:
                del self._lines[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for the updates in progress when it stops."""
