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
from telegram.ext import Application, ContextTypes

from bot.context import Services
from bot.scheduler import OUTBOX
from bot.services import core
from bot.store.outbox import OutboxRow

log = logging.getLogger(__name__)

BATCH = 50
CONCURRENCY = 8  # sends in flight at once (each waits for its slot in the scheduler's outbox lane)
STOP_GRACE = 2.0


def markup(buttons: list[list[dict[str, str]]] | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(b["text"], url=b["url"]) if "url" in b
         else InlineKeyboardButton(b["text"], callback_data=b["data"]) for b in row]
        for row in buttons
    ])


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

    async def start(self) -> None:
        recovered = await self.services.store.outbox.recover()
        if recovered:
            log.info("outbox recovered=%s in-flight rows", recovered)
        self.stopping = False
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
        self.wake.set()

    async def _run(self) -> None:
        while True:
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
        """Send everything pending. The next rows are claimed while the last of a batch are still in
        flight, so a long broadcast keeps its pace across batches."""
        if self.stopping:
            return False
        rows = await self.services.store.outbox.claim(BATCH)
        if not rows:
            return False
        limit = asyncio.Semaphore(CONCURRENCY)
        tasks: set[asyncio.Task[None]] = set()
        try:
            while rows and not self.stopping:
                for row in rows:
                    await limit.acquire()
                    task = asyncio.create_task(self._one(row, limit))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                rows = await self.services.store.outbox.claim(BATCH)
            if tasks:
                await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return True

    async def _one(self, row: OutboxRow, limit: asyncio.Semaphore) -> None:
        task = asyncio.current_task()
        try:
            if self.stopping or task is None:
                return
            self._sending.add(task)
            await self.send(row)
        except Exception:
            log.exception("outbox=%s send failed unexpectedly", row.id)
        finally:
            if task is not None:
                self._sending.discard(task)
            limit.release()

    async def send(self, row: OutboxRow) -> None:
        outbox = self.services.store.outbox
        try:
            timeouts = {} if self.send_timeout is None else {"read_timeout": self.send_timeout}
            message = await self.app.bot.send_message(
                row.chat_id, row.text, parse_mode=ParseMode.HTML, reply_markup=markup(row.buttons),
                rate_limit_args=OUTBOX, **timeouts,
            )
        except Forbidden as exc:
            await outbox.finish(row.id, "failed", error=f"403 {exc.message}")
            if row.member_id is not None:
                await self.services.store.members.mark_unreachable(row.member_id)
            log.info("outbox=%s member=%s failed 403", row.id, row.member_id)
            status = "failed"
        except RetryAfter as exc:  # the scheduler gave up retrying: try again later
            await outbox.release(row.id, error=f"429 retry after {exc.retry_after}")
            await asyncio.sleep(float(exc.retry_after) if not hasattr(exc.retry_after, "total_seconds")
                                else exc.retry_after.total_seconds())
            return
        except TimedOut as exc:
            if isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout):  # it never left: resend
                await outbox.release(row.id, error="time-out before the request went out")
                await asyncio.sleep(1.0)
                return
            await outbox.finish(row.id, "uncertain", error="timed out after the request went out")
            log.warning("outbox=%s member=%s uncertain (time-out)", row.id, row.member_id)
            status = "uncertain"
        except BadRequest as exc:
            await outbox.finish(row.id, "failed", error=f"400 {exc.message}")
            log.warning("outbox=%s failed 400 %s", row.id, exc.message)
            status = "failed"
        except NetworkError as exc:  # the request did not go out: try again
            await outbox.release(row.id, error=f"network {exc.message}")
            await asyncio.sleep(1.0)
            return
        else:
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
