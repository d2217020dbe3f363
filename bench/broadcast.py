"""Broadcast bench: one meeting notice to N recipients against the emulator, which enforces the rate.

Run: `.venv/bin/python bench/broadcast.py [--recipients 1000] [--rate 200]`. Builds a branch of N linked
members (the secretary included) in a temporary database, starts the real application against the
Bot API emulator with `rate_limit` = BROADCAST_RATE = `--rate`, has the secretary send `/notice` and
press Send, and times from the press until every delivery is recorded as sent. Prints the time against
the ideal N / rate (target ≤ 1.1×) and the 429 answers the emulator gave (target ≤ 1 % of N).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_application, running
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.services.roster import apply_roster, parse_roster
from bot.store import Store

SECRETARY_ID = 1
FIRST_MEMBER_ID = 100_001


def roster(recipients: int) -> str:
    lines = ["name,branch,roles,telegram_id", f"书记,基准村党支部,secretary,{SECRETARY_ID}"]
    lines += [f"党员{i:05d},基准村党支部,,{FIRST_MEMBER_ID + i}" for i in range(recipients - 1)]
    return "\n".join(lines) + "\n"


async def tick() -> None:
    """A short wait while polling for the broadcast's progress."""
    await asyncio.sleep(0.01)


async def sent(store: Store) -> int:
    row = await store.db.fetchone("SELECT count(*) FROM outbox WHERE kind = 'notice' AND status = 'sent'")
    return int(row[0]) if row else 0


async def bench(recipients: int, rate: float) -> None:
    async with BotApiEmulator(rate_limit=rate) as emu:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None, bot_token="123456:BENCH", database_path=Path(folder) / "bench.sqlite3",
                telegram_api_base_url=emu.base_url, broadcast_rate=rate, reminder_sweep_seconds=3600,
                quiet_hours="", community_name="基准社区党委",
            )
            store = await Store.open(settings.database_path)
            rows, errors = parse_roster(roster(recipients))
            assert not errors, errors
            await apply_roster(store, rows, settings.community_name)
            async with store.db.transaction() as conn:  # everyone has written to the bot once
                await conn.execute("UPDATE members SET linked_at = ?", (datetime.now(UTC).isoformat(),))
            for member in await store.members.all():
                assert member.telegram_id is not None
                emu.add_user(member.telegram_id, member.name).started = True
            try:
                app = build_application(settings, store)
                async with running(app, poll_timeout=1):
                    secretary = emu.users[SECRETARY_ID]
                    await secretary.send("/notice 党课 | 明天 15:00 | 村委会礼堂 | 学习党章")
                    preview = await secretary.expect("预览", timeout=30)
                    refused_before = emu.stats["429"]
                    started = time.monotonic()
                    await secretary.press("发送", preview)
                    while await sent(store) < recipients:
                        await tick()
                    elapsed = time.monotonic() - started
                    refused = emu.stats["429"] - refused_before
                    while not (done := [m for m in secretary.received if "通知发送完毕" in m.text]):
                        await tick()
                    summary = done[0]
            finally:
                await store.close()
    ideal = recipients / rate
    print(f"recipients {recipients}, BROADCAST_RATE {rate:g}/s (emulator enforcing {rate:g}/s)")
    print(f"time {elapsed:.2f} s; ideal {ideal:.2f} s; ratio {elapsed / ideal:.3f} (target <= 1.1)")
    print(f"429 answers {refused} ({100 * refused / recipients:.2f} %, target <= 1 %)")
    print("summary: " + summary.text.splitlines()[-2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(bench(args.recipients, args.rate))


if __name__ == "__main__":
    main()
