"""`python -m bot.emulator [--port 8081] [--rate N] [--chat-limits]`: the Bot API emulator on its own, on loopback.

Point the bot at it with `TELEGRAM_API_BASE_URL=http://127.0.0.1:8081` and act as users through the
control routes (see `bot/emulator/control.py`).
"""

from __future__ import annotations

import argparse
import asyncio

from .control import install
from .server import BotApiEmulator


async def serve(port: int, rate: float | None, chat_limits: bool) -> None:
    emu = BotApiEmulator(rate_limit=rate, chat_limits=chat_limits)
    install(emu)
    await emu.start(port=port)
    print(f"Bot API emulator on {emu.base_url} (control routes under /_emu/)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emu.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--rate", type=float, default=None, help="messages per second before 429s")
    parser.add_argument(
        "--chat-limits",
        action="store_true",
        help="also Telegram's per-chat limits (private: a burst, then 1/s; group: 20/min)",
    )
    args = parser.parse_args()
    try:
        asyncio.run(serve(args.port, args.rate, args.chat_limits))
    except KeyboardInterrupt:
        pass


main()
