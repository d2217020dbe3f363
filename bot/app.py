"""`build_application(settings, store)`: the one place where the Telegram application is wired."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import warnings
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.config import Settings
from bot.handlers import appraisal as appraisal_handlers  # issue 26
from bot.handlers import (
    care,
    contact,
    development,
    dues,
    duty,
    duty_report,
    errors,
    export,
    gate,
    invite,
    notices,
    reports,
    start,
    status,
    transfers,
)
from bot.handlers import checkin as checkin_handlers  # issue 23
from bot.handlers import committees as committee_handlers  # issue 23
from bot.handlers import health as ops_health
from bot.handlers import households as household_handlers  # issue 15
from bot.handlers import ledger as ledger_handlers
from bot.handlers import minutes as minutes_handlers  # issue 13 item 6
from bot.handlers import openness as openness_handlers  # issue 28
from bot.handlers import requests as request_handlers  # issue 15
from bot.handlers.menu import MENUS, publish_all
from bot.runtime.context import Services, ZhibuApp, ZhibuContext, utc_now
from bot.runtime.delivery import Sender, sweep_job
from bot.runtime.ordering import ChatOrderedProcessor
from bot.runtime.persistence import SqlitePersistence
from bot.runtime.scheduler import SendScheduler
from bot.services import registry as core
from bot.store import Store

log = logging.getLogger(__name__)
# Conversations here are per user and chat on purpose; buttons belong to the conversation's last prompt.
warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)

#: Capability modules, each with `register(app)`. Order matters only for the fallback, added last.
MODULES = (
    start,
    invite,
    status,
    reports,
    contact,
    export,
    duty,
    duty_report,
    notices,
    ledger_handlers,  # after notices: its conversation takes the nudge's button first
    household_handlers,
    request_handlers,
    ops_health,
    care,
    minutes_handlers,
    development,
    dues,
    transfers,
    appraisal_handlers,
    checkin_handlers,
    committee_handlers,
    openness_handlers,
)


def build_application(
    settings: Settings, store: Store, *, request: Callable[[], BaseRequest] | None = None
) -> ZhibuApp:
    """The application, wired. `request` makes the bot's connections to the Bot API (by default HTTPX over the
    network; the tests pass the emulator's in-process one, `bot.emulator.inprocess.EmulatorRequest`)."""
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    limiter = SendScheduler(settings.broadcast_rate)
    app = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.api_base)
        .base_file_url(settings.file_base)
        .context_types(ContextTypes(context=ZhibuContext))
        .rate_limiter(limiter)
        # chats at the same time, each chat's and each person's updates in order (issue 30: a busy group no
        # longer holds up everyone)
        .concurrent_updates(ChatOrderedProcessor())
        .request(request() if request else HTTPXRequest(connection_pool_size=16, read_timeout=10, write_timeout=20))
        .get_updates_request(request() if request else HTTPXRequest(read_timeout=40))
        .persistence(
            SqlitePersistence(store, settings.persistence_seconds, timeouts={"duty": duty.CONVERSATION_TIMEOUT})
        )
        .build()
    )
    services = Services(settings=settings, store=store)
    if settings.clock_offset_seconds:
        offset = timedelta(seconds=settings.clock_offset_seconds)
        services.clock = lambda: utc_now() + offset
    app.bot_data["services"] = services
    gate.register(app)
    for module in MODULES:
        module.register(app)
    start.register_fallback(app)
    errors.register(app)
    return app


#: `Services.state` key: the start-up task publishing the command menus.
MENU_TASK = "menus_task"
#: `Services.state` key: the start-up task finishing the notices left publishing (issue 31).
RESUME_TASK = "resume_task"


async def resume_publishing(services: Services) -> None:
    """The notices whose publish stopped between chunks (the process stopped), published to their end."""
    try:
        if await core.resume_publishing(services.store, services.settings):
            services.poke_sender()
    except Exception:  # the sweep tries again
        log.exception("notices left publishing not resumed")


async def publish_commands(app: ZhibuApp) -> None:
    """The command menus: every member's by default, and their own for those with more rights (only those that
    changed since they were last published)."""
    services = services_of(app)
    try:
        calls = await publish_all(app.bot, services.store, services.settings, services.state.setdefault(MENUS, {}))
    except Exception:  # a menu is a convenience: the bot runs without it
        log.exception("command menus not published")
        return
    log.info("command menus published: %s calls", calls)


def services_of(app: ZhibuApp) -> Services:
    services = app.bot_data["services"]
    assert isinstance(services, Services)
    return services


async def startup(app: ZhibuApp) -> None:
    """Once the bot is initialised and started: the command menu, the outbox sender, the sweep job."""
    services = services_of(app)
    # in the background: at 100 000 members, thousands of menus held polling back for minutes
    services.state[MENU_TASK] = asyncio.create_task(publish_commands(app), name="command-menus")
    sender = Sender(app, services)
    services.sender = sender
    await sender.start()
    services.state[RESUME_TASK] = asyncio.create_task(resume_publishing(services), name="resume-publishing")
    assert app.job_queue is not None
    interval = services.settings.reminder_sweep_seconds
    app.job_queue.run_repeating(
        ops_health.recorded(sweep_job), interval=interval, first=min(interval, 10.0), name="reminder-sweep"
    )
    ops_health.schedule(app, services)  # uptime, daily backup (issue 16)
    app.job_queue.run_repeating(prune_job, interval=24 * 3600, first=60, name="prune")


async def shutdown(app: ZhibuApp) -> None:
    services = services_of(app)
    for key in (MENU_TASK, RESUME_TASK):
        task = services.state.pop(key, None)
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])
    if services.sender is not None:
        await services.sender.stop()
        services.sender = None


async def prune_job(context: ZhibuContext) -> None:
    services = context.services
    await services.store.updates.prune()
    await services.store.updates.prune_pointers(services.now().astimezone(services.settings.tz).date())


@asynccontextmanager
async def lifecycle(app: ZhibuApp) -> AsyncIterator[ZhibuApp]:
    """The one start/stop lifecycle of polling and webhook alike: initialised, started, the sender and the
    sweep running; on the way out — whatever happened — updates stop first, then the sender (sends in
    flight get their grace), then the application."""
    async with app:
        await app.start()
        try:
            await startup(app)
            yield app
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            await shutdown(app)
            if app.running:
                await app.stop()


@asynccontextmanager
async def running(app: ZhibuApp, *, poll_interval: float = 0.0, poll_timeout: int = 10) -> AsyncIterator[ZhibuApp]:
    """The application in its lifecycle and polling; stopped cleanly on exit."""
    async with lifecycle(app):
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=poll_interval,
            timeout=poll_timeout,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
        yield app


def _settled() -> None:
    """Start-up is done: what it made (modules, the application, its handlers: hundreds of thousands of objects) is
    moved out of the collector's generations, so that a full collection later walks only what the bot made since.
    Such a pass over everything held the event loop 30–75 ms at a time (issue 31, `bench/sweep.py --sources`)."""
    gc.collect()
    gc.freeze()


def webhook_secret(settings: Settings) -> str:
    """Telegram sends it back with every webhook call, so updates from anyone else are refused."""
    assert settings.bot_token is not None
    return hashlib.sha256(b"zhibu-webhook:" + settings.bot_token.get_secret_value().encode()).hexdigest()[:48]


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Run the bot until `stop` is set: long polling, or a webhook when WEBHOOK_URL is set."""
    store = await Store.open(settings.database_path)
    try:
        app = build_application(settings, store)
        if not settings.webhook_url:
            async with running(app, poll_timeout=30):
                log.info("polling %s", settings.api_base)
                _settled()
                await stop.wait()
            return
        async with lifecycle(app):
            assert app.updater is not None
            await app.updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path="telegram",
                webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
                allowed_updates=Update.ALL_TYPES,
                secret_token=webhook_secret(settings),
            )
            log.info("webhook listening on %s:%s", settings.webhook_listen, settings.webhook_port)
            _settled()
            await stop.wait()
    finally:
        await store.close()
