"""Fairness bench: many messages to a few chats do not hold back the messages to everyone else.

Run: `.venv/bin/python bench/fairness.py [--few 4] [--per-few 40] [--many 600] [--rate 200] [--layout first]`.
Queues `--per-few` messages to each of `--few` chats (alerts to the same few liaisons) and one to each of
`--many` other chats, straight into the outbox of a fresh database (`--layout first`: the few chats' messages
first, the worst case; `mixed`: interleaved, as a sweep writes them), then starts the real application against
the Bot API emulator (in this process; its rate limit = BROADCAST_RATE = `--rate`, with Telegram's per-chat
limits) and times from the sender's wake-up until every message to the many chats is recorded as sent. The
same run is made twice: with the sender as it was (rows oldest first, 8 slots, whatever the chat — kept here
as `FifoSender`) and with the sender as it is, and the ratio of the two times is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

import bot.app
from bot.app import build_application, running, services_of
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.runtime.delivery import BATCH, CONCURRENCY, Sender
from bot.store import Store
from bot.store.outbox import Outgoing

FEW_BASE = 500_000
MANY_BASE = 600_000


class FifoSender(Sender):
    """The sender before head-of-line blocking was fixed: rows oldest first into 8 slots, whatever the chat."""

    async def drain_once(self) -> bool:
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


def messages(few: int, per_few: int, many: int, layout: str) -> list[Outgoing]:
    alerts = [
        Outgoing(key=f"alert:{c}:{n}", kind="bench", chat_id=FEW_BASE + c, text=f"提醒 {n}")
        for n in range(per_few)
        for c in range(few)
    ]
    others = [Outgoing(key=f"other:{c}", kind="bench", chat_id=MANY_BASE + c, text="会议提醒") for c in range(many)]
    if layout == "first":
        return alerts + others
    mixed: list[Outgoing] = []
    step = max(1, many // max(1, len(alerts)))
    for i, alert in enumerate(alerts):
        mixed += [alert, *others[i * step : (i + 1) * step]]
    return mixed + others[len(alerts) * step :]


async def tick() -> None:
    """A short wait while polling for the drain's progress."""
    await asyncio.sleep(0.02)


async def count(store: Store, low: int, high: int) -> int:
    row = await store.db.fetchone(
        "SELECT count(*) FROM outbox WHERE status = 'sent' AND chat_id >= ? AND chat_id < ?", (low, high)
    )
    return int(row[0]) if row else 0


async def once(
    sender: type[Sender], few: int, per_few: int, many: int, rate: float, layout: str
) -> tuple[float, int, int]:
    """(seconds until the many chats had theirs, the few chats' messages sent by then, 429 answers)."""
    bot.app.Sender = sender  # type: ignore[attr-defined]  # startup() builds the sender from this name
    async with BotApiEmulator(rate_limit=rate, chat_limits=True) as emu:
        for chat in [*range(FEW_BASE, FEW_BASE + few), *range(MANY_BASE, MANY_BASE + many)]:
            emu.add_user(chat, f"党员{chat}").started = True
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                bot_token=SecretStr("123456:BENCH"),
                database_path=Path(folder) / "bench.sqlite3",
                telegram_api_base_url=emu.base_url,
                broadcast_rate=rate,
                reminder_sweep_seconds=3600,
                quiet_hours="",
                community_name="基准社区党委",
            )
            store = await Store.open(settings.database_path)
            try:
                app = build_application(settings, store)
                async with running(app, poll_timeout=1):
                    await asyncio.sleep(0.5)  # start-up sends (command menus) out of the way
                    await store.outbox.enqueue(messages(few, per_few, many, layout))
                    started = time.monotonic()
                    services_of(app).poke_sender()
                    while await count(store, MANY_BASE, MANY_BASE + many) < many:
                        await tick()
                    elapsed = time.monotonic() - started
                    few_sent = await count(store, FEW_BASE, FEW_BASE + few)
            finally:
                await store.close()
                bot.app.Sender = Sender  # type: ignore[attr-defined]
            return elapsed, few_sent, emu.stats["429"]


async def bench(few: int, per_few: int, many: int, rate: float, layout: str) -> None:
    print(
        f"{few} chats x {per_few} messages, then {many} chats x 1 ({layout}); BROADCAST_RATE {rate:g}/s, "
        f"emulator {rate:g}/s with per-chat limits"
    )
    results = {}
    for name, sender in (("oldest first (before)", FifoSender), ("paced chats wait (now)", Sender)):
        elapsed, few_sent, refused = await once(sender, few, per_few, many, rate, layout)
        results[name] = elapsed
        print(
            f"{name:24} the {many} chats drained in {elapsed:6.2f} s (ideal {many / rate:.2f} s); "
            f"by then {few_sent}/{few * per_few} to the few chats; 429 answers {refused}"
        )
    before, after = results.values()
    print(f"ratio now / before: {after / before:.3f} ({before / after:.1f}x faster for the many chats)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--few", type=int, default=4)
    parser.add_argument("--per-few", type=int, default=40)
    parser.add_argument("--many", type=int, default=600)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--layout", choices=("first", "mixed"), default="first")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(bench(args.few, args.per_few, args.many, args.rate, args.layout))


if __name__ == "__main__":
    main()
