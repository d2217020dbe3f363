"""Group flood bench: a busy group does not hold up a secretary's private answer (issue 30 item 1).

Run: `.venv/bin/python bench/group_flood.py [--flood 30] [--quiet-runs 5] [--skip-before]`.

The real application against the Bot API emulator (in this process, with Telegram's per-chat limits: a group
takes 20 messages a minute), a fresh database with a branch secretary and a plain member. First the secretary's
private `/help` is timed with nothing else going on (`--quiet-runs` times, the median is the *quiet* time). Then
two floods, each in a fresh group:

* **one member** sends `/help` `--flood` times in the group;
* **strangers**: 26 people not on the roster send `/help` once each in the group;

and right after the flood the secretary sends `/help` in the private chat. Timed: from that private `/help`
being queued in the emulator until its answer is in the secretary's inbox (the *flood* time), and the ratio
flood / quiet, measured in the same run. Also shown: what the group got and how many answers were dropped.

Each is run twice: **before**, updates one at a time and a group answer waiting for its slot however long
(python-telegram-bot's default and the scheduler as it was), and **now** (`ChatOrderedProcessor`, answers a
group's minute cannot take dropped). `--skip-before` runs only *now* (*before* takes a minute per flood).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram.ext import BaseUpdateProcessor, SimpleUpdateProcessor

import bot.app
from bot.app import build_application, running
from bot.config import Settings
from bot.emulator import BotApiEmulator, EmuUser
from bot.runtime import scheduler as scheduler_module
from bot.runtime.ordering import ChatOrderedProcessor
from bot.runtime.scheduler import SendScheduler
from bot.services.members.roster import apply_roster, parse_roster
from bot.store import Store

SECRETARY = 1001
MEMBER = 1002
STRANGERS = 26
ROSTER = (
    "name,branch,category,roles,telegram_id\n王书记,基准村党支部,在家,secretary,1001\n周普通,基准村党支部,在家,,1002\n"
)
PATIENCE = scheduler_module.GROUP_ANSWER_PATIENCE


def before_mode() -> Callable[[], None]:
    """Updates one at a time, group answers wait for their slot however long; returns the undo."""

    def sequential(*_: Any) -> BaseUpdateProcessor:
        return SimpleUpdateProcessor(1)

    bot.app.ChatOrderedProcessor = sequential  # type: ignore[attr-defined,assignment]
    scheduler_module.GROUP_ANSWER_PATIENCE = 1e9

    def undo() -> None:
        bot.app.ChatOrderedProcessor = ChatOrderedProcessor  # type: ignore[attr-defined]
        scheduler_module.GROUP_ANSWER_PATIENCE = PATIENCE

    return undo


async def timed_help(emu: BotApiEmulator, secretary: EmuUser) -> float:
    """Seconds from the secretary's private /help being queued until its answer arrives. A pause first: the
    emulator holds private chats to Telegram's pace (a burst of 3, then one a second), answers included."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(3.0)
    secretary.drain()
    began = loop.time()
    await secretary.send("/help")
    await secretary.expect("/notice", timeout=180)
    return loop.time() - began


async def run(mode: str, flood: int, quiet_runs: int) -> dict[str, Any]:
    undo = before_mode() if mode == "before" else (lambda: None)
    try:
        async with BotApiEmulator(chat_limits=True) as emu:
            with tempfile.TemporaryDirectory() as folder:
                settings = Settings(  # type: ignore[call-arg]
                    _env_file=None,
                    bot_token=SecretStr("123456:BENCH"),
                    database_path=Path(folder) / "bench.sqlite3",
                    telegram_api_base_url=emu.base_url,
                    broadcast_rate=30,
                    reminder_sweep_seconds=3600,
                    quiet_hours="",
                    community_name="基准社区党委",
                )
                store = await Store.open(settings.database_path)
                try:
                    rows, errors = parse_roster(ROSTER)
                    assert not errors, errors
                    await apply_roster(store, rows, settings.community_name)
                    app = build_application(settings, store)
                    async with running(app, poll_timeout=1):
                        limiter = app.bot.rate_limiter
                        assert isinstance(limiter, SendScheduler)
                        secretary = emu.add_user(SECRETARY, "王书记")
                        member = emu.add_user(MEMBER, "周普通")
                        await secretary.send("/start")
                        await secretary.next_message()
                        quiet = statistics.median([await timed_help(emu, secretary) for _ in range(quiet_runs)])
                        out: dict[str, Any] = {"quiet": quiet}
                        for name, chat_id in (("one member", -100_001), ("strangers", -100_002)):
                            group = emu.add_group(chat_id, f"{name}的群")
                            dropped = limiter.stats["interactive_dropped"]
                            if name == "one member":
                                for _ in range(flood):
                                    await member.send("/help", chat=group)
                            else:
                                for i in range(STRANGERS):
                                    await emu.add_user(900_000 + i, f"路人{i}").send("/help", chat=group)
                            took = await timed_help(emu, secretary)
                            got_then = len(group.received)
                            out[name] = {
                                "private": took,
                                "ratio": took / quiet,
                                "group_then": got_then,
                                "dropped": limiter.stats["interactive_dropped"] - dropped,
                            }
                            # let the group's last answers out (or dropped) before the next flood
                            await asyncio.sleep(61 if mode == "before" else 3)
                            out[name]["group_all"] = len(group.received)
                            out[name]["dropped"] = limiter.stats["interactive_dropped"] - dropped
                        out["429"] = emu.stats.get("429", 0)
                        return out
                finally:
                    await store.close()
    finally:
        undo()


async def bench(flood: int, quiet_runs: int, skip_before: bool) -> None:
    print(f"{flood} /help from one member, then {STRANGERS} strangers once each; the secretary's /help after each")
    for mode in ("now",) if skip_before else ("before", "now"):
        out = await run(mode, flood, quiet_runs)
        print(f"{mode}: quiet private answer {out['quiet'] * 1000:.0f} ms (median of {quiet_runs}); 429s {out['429']}")
        for name in ("one member", "strangers"):
            figures = out[name]
            print(
                f"  {name:10} private answer {figures['private'] * 1000:8.0f} ms"
                f"  ratio to quiet {figures['ratio']:7.1f}"
                f"  group had {figures['group_then']} answers then, {figures['group_all']} in all,"
                f" {figures['dropped']} dropped"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--flood", type=int, default=30)
    parser.add_argument("--quiet-runs", type=int, default=5)
    parser.add_argument("--skip-before", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(bench(args.flood, args.quiet_runs, args.skip_before))


if __name__ == "__main__":
    main()
