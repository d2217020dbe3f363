"""Which claimed outbox row the sender gives its next slot to: no slot to a chat that must wait.

Telegram paces each chat (a private chat takes a short burst and then one message a second; a group twenty a
minute). When hundreds of messages go to a few chats, a sender that takes rows strictly oldest first gives all
its slots to those chats and everyone else waits behind them (head-of-line blocking). `Lineup` holds the rows
the sender has claimed, each chat's in the order queued, and hands out the oldest row whose chat may send now;
a row whose chat is being paced waits here, without a slot, until its chat's time comes.

Pure bookkeeping: the caller says how long a chat must still wait (`SendScheduler.chat_wait`) and what time it
is; nothing here sleeps or touches the database.
"""

from __future__ import annotations

import heapq
from collections import deque
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
#: (chat, now, sends of the chat already on their way) → seconds before one more send to it may go.
Wait = Callable[[int, float, int], float]


@dataclass
class Lineup(Generic[Row]):
    """Claimed rows waiting for a slot, per chat in the order queued; and the sends in flight per chat.

    A chat's rows are handed out in the order queued, the next only when its chat's allowance covers it on
    top of the sends already on their way: a short burst to a private chat goes at once (the scheduler takes
    a chat's sends in the order they came), a paced chat has one send in flight at a time. A claim takes a
    few rows of a chat at most and none of a `busy` one; a row to be tried again goes back to the head of its
    chat's line."""

    wait: Wait
    _lines: dict[int, deque[Row]] = field(default_factory=dict)  # chat → its held rows, in order
    #: Heaps of (row id, chat) and (may go at, row id, chat). An entry counts only while its row heads its
    #: chat's line (a chat placed again leaves its old entry behind: it is passed over).
    _ready: list[tuple[int, int]] = field(default_factory=list)
    _later: list[tuple[float, int, int]] = field(default_factory=list)
    _flying: dict[int, set[int]] = field(default_factory=dict)  # chat → ids of rows in flight
    _not_before: dict[int, float] = field(default_factory=dict)  # chat → retry not before

    def __len__(self) -> int:
        """Rows held (claimed, not yet handed out)."""
        return sum(len(line) for line in self._lines.values())

    @property
    def busy(self) -> set[int]:
        """Chats not to claim for: a row of theirs is held already."""
        return set(self._lines)

    @property
    def flying(self) -> int:
        return sum(len(ids) for ids in self._flying.values())

    def add(self, row: Row, now: float) -> None:
        """Hold a claimed row behind its chat's (rows come in the order queued: a claim skips `busy` chats)."""
        chat = row.chat_id
        line = self._lines.get(chat)
        if line is None:
            self._lines[chat] = deque([row])
            self._place(chat, now)
        elif row.id > line[-1].id:
            line.append(row)
        else:
            raise ValueError(f"row {row.id} would go after row {line[-1].id} of its chat")

    def _delay(self, chat: int, now: float) -> float:
        ahead = len(self._flying.get(chat, ()))
        return max(self.wait(chat, now, ahead), self._not_before.get(chat, 0.0) - now)

    def _place(self, chat: int, now: float) -> None:
        """Put the head of the chat's line where it waits for its turn."""
        head = self._lines[chat][0]
        delay = self._delay(chat, now)
        if delay > 0:
            heapq.heappush(self._later, (now + delay, head.id, chat))
        else:
            heapq.heappush(self._ready, (head.id, chat))

    def _heads(self, row_id: int, chat: int) -> bool:
        line = self._lines.get(chat)
        return line is not None and len(line) > 0 and line[0].id == row_id

    def ready(self, now: float) -> int:
        """How many held rows may go now, about (each is checked again when handed out)."""
        while self._later and self._later[0][0] <= now:
            _, row_id, chat = heapq.heappop(self._later)
            if self._heads(row_id, chat):
                heapq.heappush(self._ready, (row_id, chat))
        return len(self._ready)

    def next(self, now: float) -> Row | None:
        """The oldest held row whose chat may send now, marked in flight; None when every held chat waits."""
        self.ready(now)
        while self._ready:
            row_id, chat = heapq.heappop(self._ready)
            if not self._heads(row_id, chat):
                continue  # left behind when its chat was placed again
            delay = self._delay(chat, now)  # the chat may have sent since (an answer in a group counts too)
            if delay > 0:
                heapq.heappush(self._later, (now + delay, row_id, chat))
                continue
            line = self._lines[chat]
            row = line.popleft()
            self._not_before.pop(chat, None)
            self._flying.setdefault(chat, set()).add(row.id)
            if line:
                self._place(chat, now)
            else:
                del self._lines[chat]
            return row
        return None

    def next_at(self) -> float | None:
        """When the first paced chat may go, about (None: no chat is being paced)."""
        return self._later[0][0] if self._later else None

    def _land(self, row: Row) -> bool:
        """Take `row` off its chat's sends in flight; whether it was there."""
        ids = self._flying.get(row.chat_id)
        if ids is None or row.id not in ids:
            return False
        ids.discard(row.id)
        if not ids:
            del self._flying[row.chat_id]
        return True

    def done(self, row: Row, now: float) -> None:
        """The send of `row` was answered: its chat's allowance is known again. Nothing if it is not in
        flight (told twice, or tried again)."""
        if self._land(row) and row.chat_id in self._lines:
            self._place(row.chat_id, now)

    def retry(self, row: Row, now: float, after: float = 0.0) -> None:
        """The send of `row` (in flight) must be tried again, not before `after` seconds and before the rows
        of its chat held behind it."""
        self._land(row)
        chat = row.chat_id
        self._lines.setdefault(chat, deque()).appendleft(row)
        self._not_before[chat] = now + after
        self._place(chat, now)

    def clear(self) -> list[Row]:
        """Forget the held rows (those in flight stay counted until `done`); returns them."""
        rows = [row for line in self._lines.values() for row in line]
        self._lines.clear()
        self._ready.clear()
        self._later.clear()
        self._not_before.clear()
        return rows
