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
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_application, running
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.services.members.roster import apply_roster, parse_roster
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
                _env_file=None,
                bot_token="123456:BENCH",
                database_path=Path(folder) / "bench.sqlite3",
                telegram_api_base_url=emu.base_url,
                broadcast_rate=rate,
                reminder_sweep_seconds=3600,
                quiet_hours="",
                community_name="基准社区党委",
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


async def status_latency(emu: BotApiEmulator, telegram_id: int) -> float:
    """Seconds from a member's `/status home` to the bot's answer arriving."""
    user = emu.users[telegram_id]
    user.drain()
    began = time.monotonic()
    await user.send("/status home")
    await user.expect("已报备", timeout=30)
    return time.monotonic() - began


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def busy(recipients: int, rate: float, telegram_rate: float) -> None:
    async with BotApiEmulator(rate_limit=telegram_rate, chat_limits=True) as emu:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                bot_token="123456:BENCH",
                database_path=Path(folder) / "bench.sqlite3",
                telegram_api_base_url=emu.base_url,
                broadcast_rate=rate,
                reminder_sweep_seconds=3600,
                quiet_hours="",
                community_name="基准社区党委",
            )
            store = await Store.open(settings.database_path)
            others = [f"报告人{i:02d},邻村党支部,,{FIRST_MEMBER_ID + recipients + i}" for i in range(40)]
            rows, errors = parse_roster(roster(recipients) + "\n".join(others) + "\n")
            assert not errors, errors
            await apply_roster(store, rows, settings.community_name)
            async with store.db.transaction() as conn:
                await conn.execute("UPDATE members SET linked_at = ?", (datetime.now(UTC).isoformat(),))
            for member in await store.members.all():
                assert member.telegram_id is not None
                emu.add_user(member.telegram_id, member.name).started = True
            ids = sorted(emu.users)
            reporters_idle, reporters_busy = ids[-40:-20], ids[-20:]
            # the 40 reporters are in another branch: not invited
            pressers = set(ids[1 : recipients // 2 + 1]) if not os.environ.get("NOPRESS") else set()
            try:
                app = build_application(settings, store)
                async with running(app, poll_timeout=1):
                    idle = [await status_latency(emu, i) for i in reporters_idle]
                    secretary = emu.users[SECRETARY_ID]
                    await secretary.send("/notice 党课 | 明天 15:00 | 村委会礼堂 | 学习党章")
                    preview = await secretary.expect("预览", timeout=30)
                    refused_before = emu.stats["429"]
                    started = time.monotonic()
                    await secretary.press("发送", preview)
                    pressed: set[int] = set()

                    async def press_when_delivered() -> None:
                        while len(pressed) < len(pressers):
                            for telegram_id in pressers - pressed:
                                notices = [m for m in emu.users[telegram_id].received if "会议通知" in m.text]
                                if notices:
                                    pressed.add(telegram_id)
                                    await emu.users[telegram_id].press("参加", notices[0])
                            await tick()

                    presses = asyncio.create_task(press_when_delivered())
                    during: list[float] = []
                    for telegram_id in reporters_busy:
                        during.append(await status_latency(emu, telegram_id))
                        await asyncio.sleep(recipients / rate / 25)  # spread over the broadcast
                    while await sent(store) < recipients:
                        await tick()
                    elapsed = time.monotonic() - started
                    await presses
                    while await edits_done(emu, pressers) < len(pressers):
                        await tick()
                    refused = emu.stats["429"] - refused_before
            finally:
                await store.close()
    interactive = len(pressers) + len(reporters_busy)
    ideal = (recipients + interactive) / rate
    print(f"recipients {recipients}, BROADCAST_RATE {rate:g}/s, emulator {telegram_rate:g}/s with per-chat limits")
    print(f"presses {len(pressers)} (each edits the member's copy), /status during the broadcast {len(during)}")
    print(f"429 answers {refused} (goal 0)")
    print(
        f"/status p95 idle {1000 * p95(idle):.0f} ms, during {1000 * p95(during):.0f} ms "
        f"(goal <= {1000 * (2 * p95(idle) + 0.1):.0f} ms)"
    )
    print(
        f"broadcast time {elapsed:.2f} s; (sends + interactive) / rate = {ideal:.2f} s; "
        f"ratio {elapsed / ideal:.3f} (goal <= 1.1)"
    )


async def edits_done(emu: BotApiEmulator, pressers: set[int]) -> int:
    return sum(1 for i in pressers if any(m.kind == "edit" and "参加" in m.text for m in emu.users[i].received))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=None, help="BROADCAST_RATE (default 200; 25 with --busy)")
    parser.add_argument("--busy", action="store_true", help="presses and /status during the broadcast")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.busy:
        asyncio.run(busy(args.recipients, args.rate or 25, 30))
    else:
        asyncio.run(bench(args.recipients, args.rate or 200))


if __name__ == "__main__":
    main()
