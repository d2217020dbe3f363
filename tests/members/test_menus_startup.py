"""The command menus at start-up (issue 31 item 4): published in the background once polling has started, and
only those that changed since they were last published — a restart with nothing changed calls Telegram for
none of them; a person who lost their menu of their own while the bot was down gets the default one back."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

import bot.app
from bot.app import MENU_TASK, running, services_of
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.store import Store
from tests.support.faults import until
from tests.support.harness import PATROL, PLAIN, SECRETARY, SMALL_ROSTER, Harness, build_app, load_roster

MENU_CALLS = ("setMyCommands", "deleteMyCommands")


def menu_of(emulator: BotApiEmulator, chat_id: int) -> list[str]:
    scope = {"chat_id": chat_id, "type": "chat"}
    return [c["command"] for c in emulator.commands.get((json.dumps(scope, sort_keys=True), ""), [])]


def menu_calls(emulator: BotApiEmulator) -> int:
    return sum(len(emulator.calls_of(method)) for method in MENU_CALLS)


async def start_and_publish(emulator: BotApiEmulator, store: Store, settings: Settings) -> int:
    """Start the bot, wait for its menus to be published, stop it; how many menu calls it made."""
    before = menu_calls(emulator)
    app = build_app(settings, store, emulator)
    async with running(app, poll_timeout=1):
        await asyncio.wait_for(asyncio.shield(services_of(app).state[MENU_TASK]), 30)
    return menu_calls(emulator) - before


async def test_a_restart_publishes_only_the_menus_that_changed(
    emulator: BotApiEmulator, store: Store, settings: Settings
) -> None:
    await load_roster(store, SMALL_ROSTER)
    secretary = await _link(store, "王书记", SECRETARY)
    await _link(store, "赵巡逻", PATROL)
    first = await start_and_publish(emulator, store, settings)
    assert first >= 4  # the default menu in two languages, the secretary's and the patrol's own
    assert {"notice", "members"} <= set(menu_of(emulator, SECRETARY)) and "patrol" in menu_of(emulator, PATROL)

    assert await start_and_publish(emulator, store, settings) == 0  # nothing changed: nothing published

    async with store.db.transaction() as conn:  # no longer secretary, while the bot was down
        await conn.execute("DELETE FROM member_roles WHERE member_id = ?", (secretary,))
        await conn.execute("DELETE FROM member_offices WHERE member_id = ?", (secretary,))
        await conn.execute("DELETE FROM committee_seats WHERE member_id = ?", (secretary,))
    third = await start_and_publish(emulator, store, settings)
    assert third == 1 and menu_of(emulator, SECRETARY) == []  # the default menu is theirs again
    assert await start_and_publish(emulator, store, settings) == 0


async def _link(store: Store, name: str, telegram_id: int) -> int:
    found = await store.members.named(name)
    assert len(found) == 1, name
    await store.members.link(found[0].id, telegram_id)
    return found[0].id


async def test_the_bot_answers_while_the_menus_are_still_being_published(
    harness_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = asyncio.Event()

    async def slow(*args: Any) -> int:
        await held.wait()
        return 0

    monkeypatch.setattr(bot.app, "publish_all", slow)
    harness: Harness = await harness_factory()
    member = harness.user(PLAIN)
    await member.send("/help")
    await member.expect("/status")
    task = services_of(harness.app).state[MENU_TASK]
    assert not task.done()  # polling and answers did not wait for the menus
    held.set()
    await asyncio.wait_for(asyncio.shield(task), 10)


async def test_a_member_writing_calls_telegram_for_a_menu_only_when_their_rights_changed(
    emulator: BotApiEmulator, store: Store, settings: Settings
) -> None:
    """After start-up the gate compares each writer's rights with the menu published: a linked member's message
    costs no menu call when the default menu is theirs; one named a liaison since gets theirs at once."""
    await load_roster(store, SMALL_ROSTER)
    plain = await _link(store, "周普通", PLAIN)
    member = emulator.add_user(PLAIN, "周普通")
    app = build_app(settings, store, emulator)
    async with running(app, poll_timeout=1):
        await asyncio.wait_for(asyncio.shield(services_of(app).state[MENU_TASK]), 30)
        before = menu_calls(emulator)
        await member.send("/help")
        await member.expect("/status")
        assert menu_calls(emulator) == before

        async with store.db.transaction() as conn:  # named a liaison while the bot runs
            await conn.execute("INSERT INTO member_roles (member_id, role) VALUES (?, 'liaison')", (plain,))
        await member.send("/help")
        await member.expect("/status")
        await until(lambda: menu_of(emulator, PLAIN))  # published in the background
        assert menu_calls(emulator) == before + 1
