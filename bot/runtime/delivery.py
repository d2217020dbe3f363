"""The sender: drains the outbox to Telegram through the scheduler's outbox lane, and runs the reminder sweep.

Outcomes follow docs/PRODUCT.md §8: sent (with Telegram's message id); 403 → failed and the member marked
unreachable, no retry; a time-out after the request went out → uncertain, not resent; 429 → waited out
by the rate limiter and retried; "message is not modified" is success.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes, ExtBot

from bot.runtime.context import Services
from bot.runtime.pacing import Lineup
from bot.runtime.scheduler import OUTBOX, PRIVATE_BURST, SendScheduler
from bot.services import registry as core
from bot.store.outbox import OutboxRow

log = logging.getLogger(__name__)

BATCH = 50
CONCURRENCY = 8  # sends in flight at once (each waits for its slot in the scheduler's outbox lane)
#: Claimed rows held at most: rows of chats being paced wait there without taking a slot.
MAX_HELD = 1000
#: Rows of one chat taken by one claim: a private chat's burst (more would only wait for its pace).
PER_CHAT = PRIVATE_BURST
#: How long the sender waits, at most, before it looks at the outbox again when nothing woke it.
IDLE_LOOK = 1.0
STOP_GRACE = 2.0


def markup(buttons: list[list[dict[str, str]]] | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b["text"], url=b["url"])
                if "url" in b
                else InlineKeyboardButton(b["text"], callback_data=b["data"])
                for b in row
            ]
            for row in buttons
        ]
    )


class Sender:
    """One per application: a background task that sends what the outbox holds."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
        self.app = app
        self.services = services
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.idle = asyncio.Event()
        #: Read time-out of outbox sends (None: the request's default). Past it a send is "uncertain".
        self.send_timeout: float | None = None
        #: On stop, how long sends already on their way may take to be answered and recorded.
        self.stop_grace = STOP_GRACE
        self.stopping = False
        self._sending: set[asyncio.Task[None]] = set()
        self.lineup: Lineup[OutboxRow] = Lineup(self._chat_wait)
        #: Set when a send finishes or the sender is poked: the loop waiting for a slot's use looks again.
        self._progress = asyncio.Event()
        #: Whether a claim may find rows (cleared by a claim that found none; set by a poke or a finished send).
        self._more = True

    async def start(self) -> None:
        recovered = await self.services.store.outbox.recover()
        if recovered:
            log.info("outbox recovered=%s in-flight rows", recovered)
        self.stopping = False
        self.lineup = Lineup(self._chat_wait)  # rows held before are 'pending' again (recovered)
        self.task = asyncio.create_task(self._run(), name="outbox-sender")
        self.wake.set()

    async def stop(self) -> None:
        """No new sends; those already on their way get `stop_grace` seconds to be answered and recorded
        (so a graceful restart does not send them twice); rows not finished go out again at the next start."""
        self.stopping = True
        if self._sending:
            await asyncio.wait(set(self._sending), timeout=self.stop_grace)
        if self.task is not None:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass
            self.task = None

    def poke(self) -> None:
        self._more = True
        self._progress.set()
        self.wake.set()

    async def _run(self) -> None:
        # Not `while True`: Python 3.11's wait_for can swallow the cancel from `stop` when what it waits for
        # is done at the same moment, and the loop must end all the same.
        while not self.stopping:
            try:
                sent_any = await self.drain_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox drain failed")
                sent_any = False
            if not sent_any:
                self.idle.set()
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=1.0)
                except TimeoutError:
                    pass
                self.idle.clear()

    async def drain_once(self) -> bool:
        """Send what the outbox holds until nothing is left to claim. Rows are claimed oldest first, at most
        one per chat at a time (so each chat's messages go in the order they were queued), and each free slot
        goes to the oldest claimed row whose chat may send now: a chat that Telegram's per-chat limit is
        pacing keeps its row in `lineup`, without a slot, while everyone else's messages go ahead. More rows
        are claimed while the last ones are still in flight, so a long broadcast keeps its pace."""
        if self.stopping:
            return False
        loop = asyncio.get_running_loop()
        lineup = self.lineup
        slots = asyncio.Semaphore(CONCURRENCY)
        tasks: set[asyncio.Task[None]] = set()
        sent_any = False
        self._more = True
        looked = loop.time()  # when the outbox was last looked at
        try:
            while not self.stopping:
                await slots.acquire()
                self._progress.clear()  # before looking: whatever happens after wakes the wait below
                now = loop.time()
                if now - looked >= IDLE_LOOK:
                    self._more = True  # now and then whatever happened, as when idle (rows queued unpoked)
                row = lineup.next(now)
                if row is None and self._more and len(lineup) < MAX_HELD:
                    # nothing held may go: claim more (the sends in flight keep the pace meanwhile)
                    self._more = False  # a send finishing or a poke meanwhile sets it again
                    looked = now
                    rows = await self.services.store.outbox.claim(BATCH, skip=lineup.busy, per_chat=PER_CHAT)
                    self._more = self._more or bool(rows)
                    now = loop.time()
                    for claimed in rows:
                        lineup.add(claimed, now)
                    row = lineup.next(now)
                if row is None:
                    slots.release()
                    if not tasks and not len(lineup) and not self._more:
                        break
                    first = lineup.next_at()
                    timeout = IDLE_LOOK if first is None else min(IDLE_LOOK, max(0.0, first - now))
                    try:
                        await asyncio.wait_for(self._progress.wait(), timeout)
                    except TimeoutError:
                        pass
                    continue
                sent_any = True
                task = asyncio.create_task(self._one(row, slots))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return sent_any

    def _chat_wait(self, chat: int, now: float, ahead: int) -> float:
        limiter = self.app.bot.rate_limiter if isinstance(self.app.bot, ExtBot) else None
        return limiter.chat_wait(chat, now, ahead) if isinstance(limiter, SendScheduler) else 0.0

    async def _one(self, row: OutboxRow, slots: asyncio.Semaphore) -> None:
        task = asyncio.current_task()
        try:
            if self.stopping or task is None:
                return  # left 'sending': the next start sends it (`recover`)
            self._sending.add(task)
            await self.send(row)
        except Exception:
            log.exception("outbox=%s send failed unexpectedly", row.id)
        finally:
            if task is not None:
                self._sending.discard(task)
            self._answered(row)  # if not already (a send cancelled or failed unexpectedly)
            slots.release()

    def _answered(self, row: OutboxRow) -> None:
        """Telegram answered the send of `row` (or it is given up): the chat's next row may go."""
        self.lineup.done(row, asyncio.get_running_loop().time())
        self._more = True  # the chat's next row may be claimed now
        self._progress.set()

    async def _again(self, row: OutboxRow, error: str, after: float) -> None:
        """The send did not reach Telegram or must wait: tried again after `after` seconds, before the rows of
        its chat held behind it. The slot is kept meanwhile, as a brake when Telegram cannot be reached."""
        await self.services.store.outbox.note(row.id, error)
        await asyncio.sleep(after)
        self.lineup.retry(row, asyncio.get_running_loop().time())
        self._progress.set()

    async def send(self, row: OutboxRow) -> None:
        outbox = self.services.store.outbox
        try:
            timeouts = {} if self.send_timeout is None else {"read_timeout": self.send_timeout}
            message = await self.app.bot.send_message(
                row.chat_id,
                row.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(row.buttons),
                rate_limit_args=OUTBOX,
                **timeouts,
            )
        except Forbidden as exc:
            self._answered(row)
            await outbox.finish(row.id, "failed", error=f"403 {exc.message}")
            if row.member_id is not None:
                await self.services.store.members.mark_unreachable(row.member_id)
            log.info("outbox=%s member=%s failed 403", row.id, row.member_id)
            status = "failed"
        except RetryAfter as exc:  # the scheduler gave up retrying: try again later
            await self._again(
                row,
                f"429 retry after {exc.retry_after}",
                float(exc.retry_after)
                if not hasattr(exc.retry_after, "total_seconds")
                else exc.retry_after.total_seconds(),
            )
            return
        except TimedOut as exc:
            if isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout):  # it never left: resend
                await self._again(row, "time-out before the request went out", 1.0)
                return
            self._answered(row)
            await outbox.finish(row.id, "uncertain", error="timed out after the request went out")
            log.warning("outbox=%s member=%s uncertain (time-out)", row.id, row.member_id)
            status = "uncertain"
        except BadRequest as exc:
            self._answered(row)
            await outbox.finish(row.id, "failed", error=f"400 {exc.message}")
            log.warning("outbox=%s failed 400 %s", row.id, exc.message)
            status = "failed"
        except NetworkError as exc:  # the request did not go out: try again
            await self._again(row, f"network {exc.message}", 1.0)
            return
        else:
            self._answered(row)
            await outbox.finish(row.id, "sent", message_id=message.message_id)
            status = "sent"
        for hook in core.AFTER_SEND:
            try:
                if await hook(self.services.store, self.services.settings, row, status):
                    self.poke()
            except Exception:
                log.exception("after-send hook failed for outbox=%s", row.id)


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one repeating job: derive due reminders from the database and queue them."""
    services: Services = context.application.bot_data["services"]
    began = time.monotonic()
    queued = await core.sweep(services.store, services.settings, services.now())
    log.info("sweep queued=%s took=%.0fms", queued, (time.monotonic() - began) * 1000)
    if queued:
        services.poke_sender()
