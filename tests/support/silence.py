""" "Nothing more was sent", proven rather than waited for: wait until the bot has nothing left to do, then look.

The bot has nothing left to do when

- every update the emulator queued reached it: the emulator forgets an update only when the bot's next getUpdates
  confirms it, which the bot sends after putting the update in its queue;
- every update in the application's queue was handled to its end (`update_queue.join()`: PTB marks an update done
  after its handlers ran; a webhook's updates go through the same queue);
- no notice is being redrawn in the background (the edits after a press), nor seated (after Send);
- the outbox holds no pending or sending row, and the sender is idle and not woken.

Then whatever the bot was going to send is in the inboxes, and an empty inbox means nothing was sent — on a slow
machine as on a fast one, and without a fixed pause.
"""

from __future__ import annotations

import asyncio

from bot.app import ZhibuApp, services_of
from bot.emulator import BotApiEmulator
from bot.emulator.driver import Inbox
from bot.handlers.notices_replies import GROUP_EDITS, PENDING_EDITS, SEATING

#: How often the conditions are looked at again while the bot is busy.
LOOK = 0.01


async def _idle(app: ZhibuApp, emulator: BotApiEmulator, deadline: float) -> bool:
    if emulator.pending_updates() and not emulator.webhook_url:
        return False
    try:  # every update taken in was handled to its end
        await asyncio.wait_for(app.update_queue.join(), max(0.0, deadline - asyncio.get_running_loop().time()))
    except TimeoutError:
        return False
    services = services_of(app)
    if services.state.get(PENDING_EDITS) or services.state.get(GROUP_EDITS) or services.state.get(SEATING):
        return False
    sender = services.sender
    if sender is not None and (not sender.idle.is_set() or sender.wake.is_set()):
        return False
    return await services.store.outbox.pending_count() == 0


async def settled(app: ZhibuApp, emulator: BotApiEmulator, within: float = 10.0) -> None:
    """Wait until the bot has nothing left to do (see the module's docstring); fail after `within` seconds. Two
    looks in a row must agree, so that a row queued by the last send's after-send hook is seen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    agreed = 0
    while agreed < 2:
        if await _idle(app, emulator, deadline):
            agreed += 1
            await asyncio.sleep(0)
            continue
        agreed = 0
        if loop.time() > deadline:
            raise AssertionError(f"the bot was still busy after {within} s")
        await asyncio.sleep(LOOK)


def assert_silent(*chats: Inbox) -> None:
    """Each chat's inbox is empty (what was there is named)."""
    for chat in chats:
        left = chat.drain()
        assert not left, f"{chat.label}: expected nothing more from the bot, got {[str(m) for m in left]}"


async def nothing_more(app: ZhibuApp, emulator: BotApiEmulator, *chats: Inbox, within: float = 10.0) -> None:
    """Once the bot has nothing left to do, the bot has sent nothing more to these chats."""
    await settled(app, emulator, within)
    assert_silent(*chats)
