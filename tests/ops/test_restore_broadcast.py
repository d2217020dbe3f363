"""A backup taken in the middle of a broadcast, restored after the broadcast finished (issue 16, item 2): nothing
is lost, and nothing the outbox knew was sent is sent twice — with the log of sent messages (the replaced
database) nothing at all is repeated; without it, only what was still waiting in the backup goes out again."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_application, running, services_of
from bot.config import Settings
from bot.emulator import BotApiEmulator, EmuUser
from bot.ops.backup import take_backup
from bot.ops.restore import restore
from bot.services import registry as core
from bot.store import Store
from tests.support.db import open_store
from tests.support.faults import NOTICE, SECRETARY_ID, meeting, messages_with, registered_community, send_notice, until
from tests.support.harness import make_settings, stop_sweep_job

#: The bot talks to the emulator over HTTP (a webhook, a process of its own, network faults).
pytestmark = [pytest.mark.http, pytest.mark.slow]  # slow: a 40-member broadcast backed up and restored

MEMBERS = 40


def deliveries(path: Path) -> dict[int, str]:
    """chat id → status of the notice's deliveries in a database file."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT chat_id, status FROM outbox WHERE kind = 'notice'").fetchall()
    conn.close()
    return {int(chat): str(status) for chat, status in rows}


def received(users: dict[int, EmuUser]) -> dict[int, int]:
    return {chat: len(messages_with(user, NOTICE)) for chat, user in users.items() if chat != SECRETARY_ID}


async def run_until_quiet(settings: Settings) -> None:
    """Start the bot on the database, sweep once (a summary or reminder it would decide again is decided now),
    let the sender drain everything, and stop."""
    store = await open_store(settings.database_path)
    try:
        app = build_application(settings, store)
        async with running(app, poll_timeout=1):
            stop_sweep_job(app)
            services = services_of(app)
            await core.sweep(store, settings, datetime.now(UTC))
            services.poke_sender()
            await until(_drained(store), within=20)
            assert services.sender is not None
            services.sender.idle.clear()
            services.poke_sender()
            await until(services.sender.idle.is_set, within=20)  # one more look at the outbox: nothing left
    finally:
        await store.close()


def _drained(store: Store) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await store.outbox.pending_count() == 0

    return check


async def test_a_backup_taken_mid_broadcast_restores_without_loss_or_repeats(
    tmp_path: Path,
    emulator: BotApiEmulator,
) -> None:
    database = tmp_path / "zhibu.sqlite3"
    users = await registered_community(database, emulator, MEMBERS)
    settings = make_settings(tmp_path, emulator, broadcast_rate=15)
    backup = tmp_path / "mid.sqlite3"

    store = await open_store(database)
    try:
        app = build_application(settings, store)
        async with running(app, poll_timeout=1):
            stop_sweep_job(app)
            await send_notice(emulator, meeting())
            await until(lambda: sum(received(users).values()) >= 3)
            taken = await take_backup(store, settings, datetime.now(UTC), target=backup)
            assert taken.record.ok
            await until(lambda: all(received(users).values()), within=30)  # the broadcast went on to its end
            await until(lambda: messages_with(users[SECRETARY_ID], "通知发送完毕"), within=10)  # and its summary
            await until(_drained(store), within=10)
    finally:
        await store.close()

    in_backup = deliveries(backup)
    sent_in_backup = {chat for chat, status in in_backup.items() if status == "sent"}
    waiting_in_backup = {chat for chat, status in in_backup.items() if status in ("pending", "sending")}
    assert sent_in_backup and waiting_in_backup  # really taken in the middle of it
    assert len(in_backup) == MEMBERS + 1  # the notice and all its deliveries (the secretary's own copy too) were one
    # transaction; the secretary's inbox also holds the preview, so the counts below are the members'
    assert set(received(users).values()) == {1}
    summaries = len(messages_with(users[SECRETARY_ID], "通知发送完毕"))

    # 1. restored with the log of sent messages (the database being replaced): nothing goes out again
    outcome = await restore(backup, database, datetime.now(UTC))
    assert outcome.reconciled.log_read and outcome.reconciled.settled == len(waiting_in_backup)
    assert outcome.reconciled.recorded >= 1  # the summary, decided after the backup
    assert outcome.pending == 0
    assert set(deliveries(database).values()) == {"sent"}
    await run_until_quiet(settings)
    assert set(received(users).values()) == {1}
    assert len(messages_with(users[SECRETARY_ID], "通知发送完毕")) == summaries

    # 2. the same backup restored with no log to read (the database was lost): what the backup knew was sent is
    #    not sent again; only what was still waiting in it goes out once more; nobody is left out
    for side in tmp_path.glob("zhibu.sqlite3*"):
        side.unlink()
    outcome = await restore(backup, database, datetime.now(UTC))
    assert not outcome.reconciled.log_read and outcome.aside is None
    assert outcome.pending == len(waiting_in_backup)
    await run_until_quiet(settings)
    counts = received(users)
    assert all(counts[chat] == 1 for chat in sent_in_backup - {SECRETARY_ID})
    assert all(counts[chat] == 2 for chat in waiting_in_backup - {SECRETARY_ID})
