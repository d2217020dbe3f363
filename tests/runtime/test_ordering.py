"""`ChatOrderedProcessor`: updates of different chats and people run at the same time; those sharing a chat or a
person run one after another, in the order they came (issue 30 item 1). Driven directly with updates whose
handling waits for the test's word."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Chat, Message, Update, User

from bot.runtime.ordering import ChatOrderedProcessor, keys_of
from tests.support.faults import until
from tests.support.harness import loop_turn

GROUP = -100500


def message(update_id: int, chat_id: int, user_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE if chat_id > 0 else Chat.SUPERGROUP)
    user = User(user_id, f"u{user_id}", is_bot=False)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="/help"))  # type: ignore[arg-type]


class Handling:
    """Each update's handling starts, then waits until released; the order of starts and ends is kept."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.ended: list[int] = []
        self.release: dict[int, asyncio.Event] = {}

    async def handle(self, update: Update) -> None:
        self.started.append(update.update_id)
        await self.release.setdefault(update.update_id, asyncio.Event()).wait()
        self.ended.append(update.update_id)

    def let_go(self, update_id: int) -> None:
        self.release.setdefault(update_id, asyncio.Event()).set()


async def feed(processor: ChatOrderedProcessor, handling: Handling, *updates: Update) -> list[asyncio.Task[Any]]:
    """As PTB does: one task per update, created in the order they came."""
    tasks = [asyncio.create_task(processor.process_update(u, handling.handle(u))) for u in updates]
    for _ in range(5):
        await loop_turn()
    return tasks


def test_an_update_waits_for_its_chat_and_its_person() -> None:
    assert keys_of(message(1, 42, 42)) == (42,)
    assert keys_of(message(2, GROUP, 42)) == (GROUP, 42)
    assert keys_of(object()) == ()


async def test_other_chats_go_on_while_one_chat_waits() -> None:
    processor, handling = ChatOrderedProcessor(), Handling()
    tasks = await feed(processor, handling, message(1, GROUP, 7), message(2, GROUP, 8), message(3, 42, 42))
    assert handling.started == [1, 3]  # the private chat did not wait for the group; the group's second did
    assert processor.waiting == 1
    handling.let_go(3)
    handling.let_go(2)
    await until(lambda: handling.ended == [3])
    handling.let_go(1)
    await asyncio.gather(*tasks)
    assert handling.started == [1, 3, 2] and handling.ended == [3, 1, 2]


async def test_a_persons_updates_keep_their_order_across_chats() -> None:
    processor, handling = ChatOrderedProcessor(), Handling()
    tasks = await feed(processor, handling, message(1, GROUP, 7), message(2, 7, 7), message(3, 99, 99))
    assert handling.started == [1, 3]  # their private message waits for their group message
    for update_id in (3, 2, 1):
        handling.let_go(update_id)
    await asyncio.gather(*tasks)
    assert handling.ended.index(1) < handling.ended.index(2)


async def test_an_update_waits_for_the_earlier_ones_of_both_its_keys() -> None:
    processor, handling = ChatOrderedProcessor(), Handling()
    tasks = await feed(
        processor, handling, message(1, 7, 7), message(2, GROUP, 8), message(3, GROUP, 7), message(4, 8, 8)
    )
    assert handling.started == [1, 2]  # 3 waits for 1 (its person) and 2 (its group); 4 waits for 2 (its person)
    handling.let_go(1)
    await until(lambda: handling.ended == [1])
    assert handling.started == [1, 2]  # 3 still waits for the group
    for update_id in (2, 3, 4):
        handling.let_go(update_id)
    await asyncio.gather(*tasks)
    assert handling.started == [1, 2, 3, 4] or handling.started == [1, 2, 4, 3]
    assert not processor._lines  # nothing left behind


async def test_an_update_cancelled_while_waiting_lets_the_next_one_go() -> None:
    processor, handling = ChatOrderedProcessor(), Handling()
    tasks = await feed(processor, handling, message(1, GROUP, 7), message(2, GROUP, 8), message(3, GROUP, 9))
    tasks[1].cancel()
    handling.let_go(1)
    handling.let_go(3)
    await asyncio.gather(tasks[0], tasks[2])
    assert handling.started == [1, 3]
    assert not processor._lines
