"""Local Telegram Bot API emulator and in-process driver for tests and the sandbox.

Typical use::

    async with BotApiEmulator() as emu:
        alice = emu.add_user(1001, "Alice")
        bot = telegram.Bot("1:T", base_url=emu.base_url + "/bot", base_file_url=emu.base_url + "/file/bot")
        await alice.send("/start")
        reply = await alice.expect("欢迎")
        await alice.press("确认", reply)

Or in process, with no server: a bot built with ``request=EmulatorRequest(emu)`` from
:mod:`bot.emulator.inprocess` hands each call to the emulator's core directly.
"""

from .driver import EmuGroup, EmuUser
from .html import HtmlError, visible_text
from .models import ApiError, BotMessage, Button, StoredMessage
from .server import BotApiEmulator

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "BotMessage",
    "Button",
    "EmuGroup",
    "EmuUser",
    "HtmlError",
    "StoredMessage",
    "visible_text",
]
