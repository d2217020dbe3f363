"""Webhook mode (`WEBHOOK_URL`): Telegram's calls carry the secret; others are refused; a retried
update changes nothing."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from pathlib import Path

import httpx
import pytest

import bot.app
from bot.app import ZhibuApp, build_application, serve, webhook_secret
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import PLAIN, SMALL_ROSTER, load_roster, make_settings
from tests.support.silence import nothing_more

#: The bot talks to the emulator over HTTP (a webhook, a process of its own, network faults).
pytestmark = pytest.mark.http


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Listening(logging.Handler):
    """Set once `serve` logs that the webhook server takes connections (after `start_webhook` returns)."""

    def __init__(self) -> None:
        super().__init__()
        self.ready = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("webhook listening"):
            self.ready.set()


def start_update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    sender = {"id": user_id, "is_bot": False, "first_name": "周", "language_code": "zh"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 100000,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": sender,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_webhook_mode_takes_updates_with_the_secret_only(
    tmp_path: Path, emulator: BotApiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[ZhibuApp] = []

    def build(settings: Settings, store: Store) -> ZhibuApp:
        """The application `serve` builds, kept to know when it has nothing left to do."""
        built.append(build_application(settings, store))
        return built[-1]

    monkeypatch.setattr(bot.app, "build_application", build)
    port = free_port()
    settings = make_settings(tmp_path, emulator, webhook_url="https://bot.example.org/zhibu", webhook_port=port)
    store = await open_store(settings.database_path)
    try:
        await load_roster(store, SMALL_ROSTER)
    finally:
        await store.close()
    member = emulator.add_user(PLAIN, "周")
    member.started = True
    stop = asyncio.Event()
    listening = Listening()
    logger = logging.getLogger("bot.app")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(listening)
    task = asyncio.create_task(serve(settings, stop))
    try:
        # The webhook is registered before its server takes connections: wait for the server itself.
        await asyncio.wait_for(listening.ready.wait(), 15)
        registered = emulator.calls_of("setWebhook")[-1]
        assert registered["url"] == "https://bot.example.org/zhibu/telegram"
        assert registered["secret_token"] == webhook_secret(settings)
        url = f"http://127.0.0.1:{port}/telegram"
        async with httpx.AsyncClient() as client:
            forged = await client.post(
                url, json=start_update(41, PLAIN, "/start"), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            assert forged.status_code == 403
            await nothing_more(built[0], emulator, member)
            headers = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret(settings)}
            real = await client.post(url, json=start_update(42, PLAIN, "/start"), headers=headers)
            assert real.status_code == 200
            await member.expect("周普通")
            retry = await client.post(url, json=start_update(42, PLAIN, "/start"), headers=headers)
            assert retry.status_code == 200
            await nothing_more(built[0], emulator, member)
    finally:
        logger.removeHandler(listening)
        logger.setLevel(level)
        stop.set()
        await asyncio.wait_for(task, 15)
