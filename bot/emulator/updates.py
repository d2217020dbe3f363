"""Update queue of the emulator: getUpdates long polling, webhook settings, redelivery.

Semantics follow Telegram: ``offset`` confirms (forgets) every update with a smaller id, a
negative offset keeps only the last ``-offset`` updates, ``timeout`` holds the request until an
update is queued, a newer getUpdates terminates a waiting one with 409, and getUpdates is
refused with 409 while a webhook is set. ``redeliver`` re-queues an earlier update under the
same ``update_id`` and hands it out once more whatever the offset (it is forgotten by the
next getUpdates whose offset is above its id), which is what a bot sees after crashing
between handling an update and confirming it.
"""

from __future__ import annotations

import asyncio
import copy
import time
from dataclasses import dataclass
from typing import Any

from .models import ApiError, Params, p_bool, p_int, p_json, p_str

__all__ = ["UpdateQueue"]

_LOG_CAP = 10_000


@dataclass
class _Pending:
    update_id: int
    payload: dict[str, Any]
    forced: bool = False  # redelivered: exempt from offset confirmation until handed out once
    handed: bool = False

    @property
    def type(self) -> str:
        return next(k for k in self.payload if k != "update_id")


class UpdateQueue:
    """Pending updates plus the getUpdates/webhook Bot API methods."""

    def __init__(self) -> None:
        self.webhook_url = ""
        self.allowed_updates: list[str] | None = None
        self.updates_sent = 0  # updates handed to the bot in getUpdates results
        self.updates_queued = 0  # updates created by users (redeliveries not counted)
        self._pending: list[_Pending] = []
        self._log: dict[int, dict[str, Any]] = {}
        # Like Telegram's, ids only grow, also across runs: a bot that keeps its database (and its
        # record of applied updates) sees new ids after the emulator restarts.
        self._next_update_id = time.time_ns() // 1000  # microseconds: below 2**53, safe in JSON
        self._waiters: set[asyncio.Future[str]] = set()
        self._closing = False
        self._poll_started = asyncio.Event()

    @property
    def polls_waiting(self) -> int:
        """How many getUpdates calls are waiting for an update right now."""
        return len(self._waiters)

    async def poll_started(self) -> None:
        """Wait until a getUpdates call is waiting for an update (for tests that send only then)."""
        while not self._waiters:
            self._poll_started.clear()
            await self._poll_started.wait()

    def queue_update(self, body: dict[str, Any]) -> int:
        """Queue ``{"update_id": <new id>, **body}``, wake long polls, return the update_id."""
        update_id = self._next_update_id
        self._next_update_id += 1
        update = {"update_id": update_id, **body}
        self._log[update_id] = update
        if len(self._log) > _LOG_CAP:
            del self._log[next(iter(self._log))]
        self._pending.append(_Pending(update_id, copy.deepcopy(update)))
        self.updates_queued += 1
        self._wake("update")
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Queue a copy of an earlier update with the SAME update_id (delivered once more)."""
        if update_id not in self._log:
            raise KeyError(f"no update {update_id} was ever queued (or it is older than the log)")
        self._pending.append(_Pending(update_id, copy.deepcopy(self._log[update_id]), forced=True))
        self._wake("update")

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by an offset (copies)."""
        return [copy.deepcopy(p.payload) for p in self._pending]

    def _wake(self, reason: str) -> None:
        for fut in self._waiters:
            if not fut.done():
                fut.set_result(reason)
        self._waiters.clear()

    def wake_all_pollers(self) -> None:
        """Answer every waiting getUpdates now (used when the server stops)."""
        self._closing = True
        self._wake("closing")

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = {id(p) for p in [p for p in self._pending if not p.forced][offset:]}
            self._pending = [p for p in self._pending if p.forced or id(p) in keep]
        elif offset > 0:
            self._pending = [p for p in self._pending if (p.forced and not p.handed) or p.update_id >= offset]
        if self.allowed_updates:
            self._pending = [p for p in self._pending if p.type in self.allowed_updates]

    async def api_getupdates(self, params: Params) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p_int(params, "offset") or 0
        limit = min(100, max(1, p_int(params, "limit") or 100))
        timeout = max(0.0, float(params.get("timeout") or 0))
        allowed = p_json(params, "allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed] or None
        self._wake("conflict")  # a newer request terminates the older one, as on Telegram
        self._confirm(offset)
        if not self._pending and timeout > 0 and not self._closing:
            fut: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            self._waiters.add(fut)
            self._poll_started.set()
            try:
                await asyncio.wait({fut}, timeout=timeout)
            finally:
                self._waiters.discard(fut)
            if fut.done() and fut.result() == "conflict":
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            self._confirm(offset)
        batch = sorted(self._pending, key=lambda p: p.update_id)[:limit]
        for p in batch:
            p.handed = True
        self.updates_sent += len(batch)
        return [copy.deepcopy(p.payload) for p in batch]

    async def api_setwebhook(self, params: Params) -> Any:
        self.webhook_url = p_str(params, "url") or ""
        if p_bool(params, "drop_pending_updates"):
            self._pending.clear()
        self._wake("conflict")
        return True

    async def api_deletewebhook(self, params: Params) -> Any:
        self.webhook_url = ""
        if p_bool(params, "drop_pending_updates"):
            self._pending.clear()
        return True

    async def api_getwebhookinfo(self, params: Params) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info
