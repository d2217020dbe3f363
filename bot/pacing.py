"""Which claimed outbox row the sender gives its next slot to: no slot to a chat that must wait.

Telegram paces each chat (a private chat takes a short burst and then one message a second; a group twenty a
minute). When hundreds of messages go to a few chats, a sender that takes rows strictly oldest first gives all
its slots to those chats and everyone else waits behind them (head-of-line blocking). `Lineup` holds the rows
the sender has claimed — at most one per chat, so a chat's messages go out in the order they were queued —
and hands out the oldest row whose chat may send now; a row whose chat is being paced waits here, without a
slot, until its chat's time comes.

Pure bookkeeping: the caller says how long a chat must still wait (`SendScheduler.chat_wait`) and what time it
is; nothing here sleeps or touches the database.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class Claimed(Protocol):
    """What `Lineup` needs of a row: its place in the outbox and its chat."""

    @property
    def id(self) -> int: ...

    @property
    def chat_id(self) -> int: ...


Row = TypeVar("Row", bound=Claimed)
#: (chat, now) → seconds that chat must still wait before its next send may go.
Wait = Callable[[int, float], float]


@dataclass
class Lineup(Generic[Row]):
    """Claimed rows waiting for a slot, one per chat; and the chats with a send in flight."""

    wait: Wait
    _rows: dict[int, Row] = field(default_factory=dict)                        # chat → its held row
    _ready: list[tuple[int, int]] = field(default_factory=list)                # (row id, chat), oldest first
    _later: list[tuple[float, int, int]] = field(default_factory=list)         # (may go at, row id, chat)
    _flying: set[int] = field(default_factory=set)                             # chats with a send in flight

    def __len__(self) -> int:
        """Rows held (claimed, not yet handed out)."""
        return len(self._rows)

    @property
    def busy(self) -> set[int]:
        """Chats not to claim for: one of their rows is held or on its way (one per chat keeps the order)."""
        return set(self._rows) | self._flying

    @property
    def flying(self) -> int:
        return len(self._flying)

    def add(self, row: Row, now: float) -> None:
        chat = row.chat_id
        if chat in self._rows or chat in self._flying:
            raise ValueError(f"chat {chat} already has a row held or in flight")
        self._rows[chat] = row
        self._place(row.id, chat, now)

    def _place(self, row_id: int, chat: int, now: float) -> None:
        delay = self.wait(chat, now)
        if delay > 0:
            heapq.heappush(self._later, (now + delay, row_id, chat))
        else:
            heapq.heappush(self._ready, (row_id, chat))

    def ready(self, now: float) -> int:
        """How many held rows may go now (their chats' waits over; each is checked again when handed out)."""
        while self._later and self._later[0][0] <= now:
            _, row_id, chat = heapq.heappop(self._later)
            heapq.heappush(self._ready, (row_id, chat))
        return len(self._ready)

    def next(self, now: float) -> Row | None:
        """The oldest held row whose chat may send now, marked in flight; None when every held chat waits."""
        self.ready(now)
        while self._ready:
            row_id, chat = heapq.heappop(self._ready)
            delay = self.wait(chat, now)  # the chat may have sent since (an answer in a group counts too)
            if delay > 0:
                heapq.heappush(self._later, (now + delay, row_id, chat))
                continue
            row = self._rows.pop(chat)
            self._flying.add(chat)
            return row
        return None

    def next_at(self) -> float | None:
        """When the first paced chat may go (None: no chat is being paced)."""
        return self._later[0][0] if self._later else None

    def done(self, chat: int) -> None:
        """The send to `chat` is finished (recorded, or its row released): the chat may be claimed again."""
        self._flying.discard(chat)

    def clear(self) -> list[Row]:
        """Forget the held rows (those in flight stay counted until `done`); returns them."""
        rows = list(self._rows.values())
        self._rows.clear()
        self._ready.clear()
        self._later.clear()
        return rows
