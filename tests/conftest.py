"""Fixtures: the local Bot API emulator, a fresh database with a small roster, and the real
`Application` polling the emulator."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from bot.app import running
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import (
    SMALL_ROSTER,
    Harness,
    build_app,
    load_roster,
    make_settings,
    stop_sweep_job,
)

#: Fixtures shared by the modules of one capability: `current` (a database of today's version) for the restores.
pytest_plugins = ["tests.support.restore", "tests.support.township"]

# CI runs hypothesis derandomised: the same examples every run, so a red build is reproducible. No deadline in
# either profile: how long an example takes is a benchmark's business (bench/), not a test's, and on a shared
# two-core machine a slow second is no failure.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
async def emulator(request: pytest.FixtureRequest) -> AsyncIterator[BotApiEmulator]:
    """The Bot API emulator, reached in process (`bot.emulator.inprocess`); serving HTTP on loopback for a test
    marked `http` (a webhook, a bot process of its own, faults of the network)."""
    emu = BotApiEmulator()
    if request.node.get_closest_marker("http") is not None:
        await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(tmp_path / "zhibu.sqlite3")
    yield opened
    await opened.close()


@pytest.fixture
def settings(tmp_path: Path, emulator: BotApiEmulator) -> Settings:
    return make_settings(tmp_path, emulator)


@pytest.fixture
async def harness_factory(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Any]:
    """Start the bot on `tmp_path/zhibu.sqlite3` when the test is ready (after preparing the database)."""
    stack = AsyncExitStack()

    async def start(load: bool = True, **overrides: Any) -> Harness:
        store = await open_store(tmp_path / "zhibu.sqlite3")
        stack.push_async_callback(store.close)
        if load:
            await load_roster(store, SMALL_ROSTER)
        settings = make_settings(tmp_path, emulator, **overrides)
        app = build_app(settings, store, emulator)
        await stack.enter_async_context(running(app, poll_timeout=1))
        stop_sweep_job(app)
        return Harness(emulator, store, settings, app)

    async with stack:
        yield start


@pytest.fixture
async def harness(emulator: BotApiEmulator, store: Store, settings: Settings) -> AsyncIterator[Harness]:
    await load_roster(store, SMALL_ROSTER)
    app = build_app(settings, store, emulator)
    async with running(app, poll_timeout=1):
        stop_sweep_job(app)
        yield Harness(emulator, store, settings, app)
