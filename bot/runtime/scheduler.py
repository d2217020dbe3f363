"""One send scheduler for everything the bot sends, plugged into PTB as its rate limiter.

Lanes share `BROADCAST_RATE`: the *interactive* lane (answers to the person who just wrote or pressed) always
goes first; the *outbox* lane (notices, reminders, digests) gets what is left. Between them, *refresh* sends
(a notice copy or group post re-drawn in the background after a press) give way to answers but go before the
outbox, so a press shows within a slot or two while a broadcast runs. Every request that puts a message in a
chat is counted against Telegram's limits as Telegram counts them:

- at most `rate` messages in any sliding second, bot-wide (no burst on top, unlike a token bucket);
- per group, `GROUP_PER_MINUTE` in any sliding minute, every lane. An answer in a group waits for the group's
  minute only if its slot comes within `GROUP_ANSWER_PATIENCE`; otherwise it is dropped at once (`GroupBusy`):
  a group flooded with commands gets the answers its minute holds, and the surplus would only arrive a minute
  late to a conversation that has moved on, while holding up that group's later updates;
- per private chat, for the outbox lane, a short burst (`PRIVATE_BURST`) and then one a second. Telegram asks
  this of bulk messages; answers to someone who is writing to the bot go at the pace they write, as every
  bot answers (holding the third line of an answer for a second would only make the bot feel slow).

A chat's outbox sends are taken in the order they came. `chat_wait` tells the sender how long a chat must
still wait, so that it gives its slots to chats that may send (`bot/pacing.py`).

Refresh and outbox sends are also spaced evenly (together, one every 1/rate s), so they never fill the window
in a burst and an answer that arrives while a broadcast runs waits about one spacing at most. A 429
(`RetryAfter`) pauses the lane that caused it and the lanes after it (an interactive 429 pauses the outbox
too, which must never add to a flood), never a lane before it, for as long as Telegram said, and the request
is tried again. Requests that put nothing in a chat (getUpdates, answerCallbackQuery, getChatMember…) are
not held.

Callers choose the lane with PTB's `rate_limit_args`: `bot.send_message(..., rate_limit_args=OUTBOX)` (or
`REFRESH`); anything without it is interactive. The command menus published at start-up go in `MENU_LANE`, after
everything else (counted like a message, though they put none in a chat).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

INTERACTIVE = "interactive"
REFRESH = "refresh"
OUTBOX = "outbox"
#: The command menus published at start-up (`setMyCommands`, `deleteMyCommands`): last of all, spaced like the
#: outbox, so thousands of them never hold up an answer or a notice.
MENU_LANE = "menus"
#: Lanes from first to last: a request waits while one of an earlier lane is ready to go.
LANES = (INTERACTIVE, REFRESH, OUTBOX, MENU_LANE)
#: Telegram's per-chat limits.
PRIVATE_BURST = 3
PRIVATE_PER_SECOND = 1.0
GROUP_PER_MINUTE = 20
#: How long an answer in a group may wait for the group's minute to let it go; longer, and it is dropped.
GROUP_ANSWER_PATIENCE = 3.0
#: Added to the one-second window: the request's time here and its arrival at Telegram differ a little.
GUARD = 0.02
MAX_RETRIES = 5
#: How often a waiting request looks again when nothing woke it.
POLL = 0.05

JSONResult = Any
Callback = Callable[..., Coroutine[Any, Any, JSONResult]]


class GroupBusy(TelegramError):
    """An answer in a group was dropped: the group's minute is full (Telegram takes `GROUP_PER_MINUTE`) and its
    next slot is further away than `GROUP_ANSWER_PATIENCE`. Nothing was sent; the caller need not apologise
    (an apology to the same group would be dropped too)."""

    def __init__(self, chat_id: int, wait: float) -> None:
        super().__init__(f"group {chat_id} is busy for {wait:.0f} s more: answer dropped")
        self.chat_id = chat_id
        self.wait = wait


def counted(endpoint: str) -> bool:
    """Whether a Bot API method puts (or changes) a message in a chat, so Telegram's limits count it."""
    name = endpoint.lower()
    return name.startswith(("send", "edit", "copymessage", "forwardmessage"))


def chat_of(data: dict[str, Any]) -> int | None:
    try:
        return int(data["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


@dataclass
class _Bucket:
    """A private chat's allowance: `PRIVATE_BURST` at once, refilled at one a second."""

    tokens: float = PRIVATE_BURST
    at: float = 0.0

    def wait(self, now: float) -> float:
        self.tokens = self.tokens_at(now)
        self.at = now
        return self.wait_at(now)

    def tokens_at(self, now: float) -> float:
        return min(PRIVATE_BURST, self.tokens + (now - self.at) * PRIVATE_PER_SECOND)

    def wait_at(self, now: float) -> float:
        """Seconds from `now` until one send is allowed (nothing changed: a question, not a use)."""
        tokens = self.tokens_at(now)
        return 0.0 if tokens >= 1 else (1 - tokens) / PRIVATE_PER_SECOND


@dataclass
class _State:
    sent: deque[float] = field(default_factory=deque)  # bot-wide, the last second
    private: dict[int, _Bucket] = field(default_factory=dict)
    groups: dict[int, deque[float]] = field(default_factory=dict)  # the last minute, per group
    paused_until: dict[str, float] = field(default_factory=lambda: dict.fromkeys(LANES, 0.0))
    #: Refresh and outbox sends together are spaced evenly: never a burst that fills the window, so an answer
    #: finds a free slot within one spacing.
    next_background: float = 0.0
    #: Per chat, the outbox requests waiting, in the order they came: they are taken in that order (a chat's
    #: messages arrive in the order queued).
    queued: dict[int, deque[int]] = field(default_factory=dict)
    #: Per lane, the requests held only by the bot-wide window: later lanes let them have the next slot.
    ready: dict[str, set[int]] = field(default_factory=lambda: {lane: set() for lane in LANES})


class SendScheduler(BaseRateLimiter[str]):
    """PTB's rate limiter interface, implemented as the two-lane scheduler described above."""

    def __init__(self, rate: float, max_retries: int = MAX_RETRIES) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.max_retries = max_retries
        self.capacity = max(1, int(rate))
        self._state = _State()
        self._changed = asyncio.Event()
        #: Counters for the health view and the benchmarks: sends per lane, 429s per lane.
        self.stats: dict[str, int] = {f"{lane}_{what}": 0 for lane in LANES for what in ("sent", "429")}
        self.stats["interactive_dropped"] = 0  # answers in a busy group (`GroupBusy`)

    async def initialize(self) -> None:
        self._changed = asyncio.Event()

    async def shutdown(self) -> None:
        self._changed.set()

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> JSONResult:
        if not counted(endpoint) and rate_limit_args != MENU_LANE:
            return await callback(*args, **kwargs)
        lane = rate_limit_args if rate_limit_args in (REFRESH, OUTBOX, MENU_LANE) else INTERACTIVE
        chat = chat_of(data)
        for attempt in range(self.max_retries + 1):
            await self._acquire(lane, chat)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.stats[f"{lane}_429"] += 1
                self._pause(lane, exc)
                if attempt == self.max_retries:
                    raise
                continue
            self.stats[f"{lane}_sent"] += 1
            return result
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------------------------------ rules
    def delays(self, lane: str, chat: int | None, now: float) -> tuple[float, float]:
        """(bot-wide wait, this request's own wait: its lane's pause, spacing and its chat's limit) for a
        request of `lane` to `chat` at `now`; it may go when both are 0."""
        state = self._state
        while state.sent and state.sent[0] <= now - 1.0 - GUARD:
            state.sent.popleft()
        shared = 0.0
        if len(state.sent) >= self.capacity:
            shared = state.sent[-self.capacity] + 1.0 + GUARD - now
        own = [state.paused_until[lane] - now]
        if lane != INTERACTIVE:
            own.append(state.next_background - now)
        if chat is not None and chat > 0:
            if lane == OUTBOX:
                own.append(state.private.setdefault(chat, _Bucket(at=now)).wait(now))
        elif chat is not None:
            recent = state.groups.setdefault(chat, deque())
            while recent and recent[0] <= now - 60.0 - GUARD:
                recent.popleft()
            if len(recent) >= GROUP_PER_MINUTE:
                own.append(recent[-GROUP_PER_MINUTE] + 60.0 + GUARD - now)
        return max(0.0, shared), max(0.0, *own)

    def chat_wait(self, chat: int | None, now: float, ahead: int = 0, lane: str = OUTBOX) -> float:
        """Seconds from `now` until `chat`'s own Telegram limit lets one more send of `lane` go, after `ahead`
        sends to it that are on their way but may not have been counted yet (0: it may go now). Nothing is
        changed. The bot-wide window, the spacing and a lane's pause are the same for every chat and not
        counted: the sender asks this to give its slots to chats that may send, not to one that must wait
        (head-of-line blocking)."""
        state = self._state
        if chat is None:
            return 0.0
        if chat > 0:
            if lane != OUTBOX:
                return 0.0
            bucket = state.private.get(chat)
            tokens = (bucket.tokens_at(now) if bucket is not None else PRIVATE_BURST) - ahead
            return 0.0 if tokens >= 1 else (1 - tokens) / PRIVATE_PER_SECOND
        live = [moment for moment in state.groups.get(chat, ()) if moment > now - 60.0 - GUARD]
        over = len(live) + ahead - GROUP_PER_MINUTE  # this many must leave the minute first, and one more
        if over < 0:
            return 0.0
        if over >= len(live):
            return 60.0 + GUARD  # more on their way than the minute holds: a whole minute at least
        return max(0.0, live[over] + 60.0 + GUARD - now)

    def _take(self, lane: str, chat: int | None, now: float) -> None:
        state = self._state
        state.sent.append(now)
        if lane != INTERACTIVE:
            state.next_background = max(state.next_background, now) + 1.0 / self.rate
        if chat is not None and chat > 0:
            if lane == OUTBOX:
                state.private[chat].tokens -= 1
        elif chat is not None:
            state.groups[chat].append(now)
        if len(state.private) > 10_000:  # forget chats whose allowance is full again
            full = [c for c, b in state.private.items() if now - b.at > PRIVATE_BURST / PRIVATE_PER_SECOND]
            for c in full:
                del state.private[c]

    async def _acquire(self, lane: str, chat: int | None) -> None:
        loop = asyncio.get_running_loop()
        state = self._state
        me = id(asyncio.current_task())
        ahead = LANES[: LANES.index(lane)]
        key = chat if lane == OUTBOX else None  # whose outbox sends this one queues behind
        line = state.queued.setdefault(key, deque()) if key is not None else None
        if line is not None:
            line.append(me)
        try:
            while True:
                now = loop.time()
                shared, own = self.delays(lane, chat, now)
                if line is not None and line[0] != me:
                    own = max(own, POLL)  # an earlier send to the same chat goes first
                if own <= 0:
                    state.ready[lane].add(me)
                else:
                    state.ready[lane].discard(me)
                if lane == INTERACTIVE and chat is not None and chat < 0:
                    busy = self.chat_wait(chat, now)
                    if busy > GROUP_ANSWER_PATIENCE:
                        self.stats["interactive_dropped"] += 1
                        log.info("group=%s busy for %.0f s: an answer dropped", chat, busy)
                        raise GroupBusy(chat, busy)
                wait = max(shared, own)
                yields = any(state.ready[earlier] for earlier in ahead)
                if wait <= 0 and not yields:
                    self._take(lane, chat, now)
                    return
                self._changed.clear()
                try:
                    await asyncio.wait_for(self._changed.wait(), min(wait, POLL) if wait > 0 else POLL)
                except TimeoutError:
                    pass
        finally:
            if line is not None and key is not None:
                line.remove(me)
                if not line:
                    state.queued.pop(key, None)
                self._changed.set()
            if me in state.ready[lane]:
                state.ready[lane].discard(me)
                self._changed.set()

    def _pause(self, lane: str, exc: RetryAfter) -> None:
        seconds = (
            exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") else float(exc.retry_after)
        )
        until = asyncio.get_running_loop().time() + seconds
        lanes = LANES[LANES.index(lane) :]  # its own lane and those after it
        for paused in lanes:
            self._state.paused_until[paused] = max(self._state.paused_until[paused], until)
        log.info("429 on the %s lane: %s paused %.1f s", lane, "/".join(lanes), seconds)
