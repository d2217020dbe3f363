"""`/health` for admins, and the operations jobs of the running bot: the timed record of each reminder sweep
and the daily backup at BACKUP_TIME."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.common import actor, command, render
from bot.ops.backup import BackupOutcome, take_backup
from bot.ops.common import record_sweep
from bot.ops.health import Runtime, show_health
from bot.runtime.context import Services, ZhibuApp, ZhibuContext

log = logging.getLogger(__name__)

#: Where the running process keeps its `Runtime` in `Services.state`.
RUNTIME = "ops_runtime"

Job = Callable[[ZhibuContext], Coroutine[Any, Any, None]]


def runtime_of(services: Services) -> Runtime:
    runtime = services.state.get(RUNTIME)
    if not isinstance(runtime, Runtime):
        runtime = services.state[RUNTIME] = Runtime.now()
    return runtime


@command("health")
async def cmd_health(update: Update, context: ZhibuContext) -> None:
    result = await show_health(
        actor(context),
        context.store,
        context.settings,
        context.services.now(),
        context.lang,
        runtime_of(context.services),
    )
    await render(update, context, result)


def recorded(sweep: Job) -> Job:
    """The sweep job, with when it ran and how long it took recorded (in memory and in the database)."""

    async def job(context: ZhibuContext) -> None:
        services = context.services
        at = services.now()
        began = time.monotonic()
        await sweep(context)
        took = timedelta(seconds=time.monotonic() - began)
        runtime_of(services).last_sweep = await record_sweep(services.store, at, took)

    return job


async def backup_job(context: ZhibuContext) -> BackupOutcome | None:
    """The daily backup. Never raises: a failure is recorded, logged and told to the admins by `take_backup`;
    anything beyond that (the database itself failing) is logged here."""
    services = context.services
    try:
        outcome = await take_backup(services.store, services.settings, services.now())
    except Exception:
        log.exception("backup job failed")
        return None
    if outcome.queued:
        services.poke_sender()
    return outcome


def schedule(app: ZhibuApp, services: Services) -> None:
    """At start-up: the uptime starts, and the daily backup is scheduled (unless BACKUP_TIME is off)."""
    runtime_of(services)
    at = services.settings.backup_at
    if at is None or app.job_queue is None:
        log.info("automatic backups off")
        return
    app.job_queue.run_daily(backup_job, time=at.replace(tzinfo=services.settings.tz), name="backup")


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("health", cmd_health))
