"""The emulator run on its own is driven over HTTP: the real bot answers a user acting through it."""

from __future__ import annotations

import httpx

from bot.app import build_application, running
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.emulator.control import install
from bot.store import Store
from tests.support.harness import PLAIN, SMALL_ROSTER, load_roster


async def test_control_routes_send_press_and_read(emulator: BotApiEmulator, store: Store, settings: Settings) -> None:
    await emulator.stop()
    install(emulator)
    await emulator.start()
    settings = settings.model_copy(update={"telegram_api_base_url": emulator.base_url})
    await load_roster(store, SMALL_ROSTER)
    async with running(build_application(settings, store), poll_timeout=1), httpx.AsyncClient() as client:
        base = f"{emulator.base_url}/_emu/users/{PLAIN}"
        sent = await client.post(f"{base}/send", json={"text": "/status", "name": "周"})
        assert sent.status_code == 200 and sent.json()["update_id"] > 0
        await emulator.users[PLAIN].expect("请选择")
        pressed = await client.post(f"{base}/press", json={"label": "在家"})
        assert pressed.status_code == 200
        await emulator.users[PLAIN].expect("补充")
        missing = await client.post(f"{base}/press", json={"label": "没有这个按钮"})
        assert missing.status_code == 404
        listed = (await client.get(f"{base}/messages")).json()
        assert [m["kind"] for m in listed][:2] == ["message", "message"]
        assert "在家" in listed[0]["buttons"]


async def test_update_ids_keep_growing_across_emulator_runs() -> None:
    async with BotApiEmulator() as first:
        last = await first.add_user(1, "a").send("/start")
    async with BotApiEmulator() as second:
        assert await second.add_user(1, "a").send("/start") > last
