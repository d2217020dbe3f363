"""Health: what an admin (through `/health`) or a monitoring cron (`python -m bot health`) needs to know.

Version, uptime, database size, the last backup and its result, the outbox (waiting now; failed and uncertain
in the last day), the last reminder sweep and how long it took, members linked / not linked — and the
problems a cron must be woken for: a sweep older than 5 × REMINDER_SWEEP_SECONDS, or a failed last backup.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot import version
from bot.config import Settings
from bot.domain.results import Result, say, shown
from bot.domain.rights import Actor
from bot.i18n import t
from bot.services.kernel import dates
from bot.store import Store
from bot.store.ops import BackupRecord, MemberCounts, OpsRepo, OutboxCounts, SweepRecord

#: The sweep is late when its last run is older than this many sweep intervals.
SWEEP_LATE_AFTER = 5


@dataclass
class Runtime:
    """What only the running process knows: when it started, and its last sweep (kept in memory too, so
    `/health` needs no query for it)."""

    started: float  # time.monotonic() at start
    last_sweep: SweepRecord | None = None

    @classmethod
    def now(cls) -> Runtime:
        return cls(time.monotonic())

    def uptime(self) -> timedelta:
        return timedelta(seconds=int(time.monotonic() - self.started))


@dataclass(frozen=True)
class Health:
    version: str
    uptime: timedelta | None  # None: asked from outside the running process
    database_bytes: int
    backup: BackupRecord | None
    outbox: OutboxCounts
    sweep: SweepRecord | None
    members: MemberCounts
    sweep_late: bool
    backup_failed: bool

    @property
    def healthy(self) -> bool:
        return not (self.sweep_late or self.backup_failed)


def database_bytes(path: Path) -> int:
    """The database with its WAL: what it takes on disk."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def sweep_late(sweep: SweepRecord | None, now: datetime, interval: float, uptime: timedelta | None = None) -> bool:
    """Late when the last sweep is older than 5 intervals; with none recorded at all, late unless the bot
    (asked from inside, `uptime` known) started less than 5 intervals ago."""
    limit = timedelta(seconds=SWEEP_LATE_AFTER * interval)
    if sweep is None:
        return uptime is None or uptime > limit
    return now - sweep.at > limit


async def health(store: Store, settings: Settings, now: datetime, runtime: Runtime | None = None) -> Health:
    ops = OpsRepo(store.db)
    sweep = runtime.last_sweep if runtime is not None and runtime.last_sweep is not None else await ops.last_sweep()
    backup = await ops.last_backup()
    uptime = runtime.uptime() if runtime is not None else None
    return Health(
        version=version(),
        uptime=uptime,
        database_bytes=database_bytes(store.db.path),
        backup=backup,
        outbox=await ops.outbox_counts(now - timedelta(days=1)),
        sweep=sweep,
        members=await ops.member_counts(),
        sweep_late=sweep_late(sweep, now, settings.reminder_sweep_seconds, uptime),
        backup_failed=backup is not None and not backup.ok,
    )


def _duration(lang: str, span: timedelta) -> str:
    """`02:03:04`, or `3 天 02:03:04` past a day."""
    days, rest = divmod(int(span.total_seconds()), 86400)
    clock = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return t(lang, "ops.health.days", days=days, clock=clock) if days else clock


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    value = count / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def render(lang: str, report: Health, settings: Settings) -> str:
    """The report as HTML in `lang` (the CLI strips the tags)."""
    tz = settings.tz

    def when(moment: datetime) -> str:
        return dates.moment_in(lang, moment, tz)

    lines = [t(lang, "ops.health.title"), t(lang, "ops.health.version", version=report.version)]
    if report.uptime is not None:
        lines.append(t(lang, "ops.health.uptime", uptime=_duration(lang, report.uptime)))
    lines.append(t(lang, "ops.health.database", size=_size(report.database_bytes)))
    backup = report.backup
    if backup is None:
        lines.append(t(lang, "ops.health.backup_none"))
    elif backup.ok:
        lines.append(
            t(
                lang,
                "ops.health.backup_ok",
                time=when(backup.started_at),
                file=backup.file,
                size=_size(backup.bytes or 0),
            )
        )
    else:
        lines.append(t(lang, "ops.health.backup_failed", time=when(backup.started_at), error=backup.error or ""))
    lines.append(
        t(
            lang,
            "ops.health.outbox",
            pending=report.outbox.pending,
            failed=report.outbox.failed,
            uncertain=report.outbox.uncertain,
        )
    )
    sweep = report.sweep
    if sweep is None:
        lines.append(t(lang, "ops.health.sweep_none"))
    else:
        lines.append(t(lang, "ops.health.sweep", time=when(sweep.at), ms=sweep.took_ms))
    lines.append(t(lang, "ops.health.members", linked=report.members.linked, not_linked=report.members.not_linked))
    if report.sweep_late:
        lines.append(
            t(
                lang,
                "ops.health.sweep_late",
                limit=_duration(lang, timedelta(seconds=SWEEP_LATE_AFTER * settings.reminder_sweep_seconds)),
            )
        )
    if report.backup_failed:
        lines.append(t(lang, "ops.health.backup_problem"))
    lines.append(t(lang, "ops.health.verdict_ok" if report.healthy else "ops.health.verdict_bad"))
    return "\n".join(lines)


async def show_health(
    person: Actor, store: Store, settings: Settings, now: datetime, lang: str, runtime: Runtime | None
) -> Result:
    """`/health`: admins only (the command table's guard refuses everyone else before this runs)."""
    if not person.admin:
        return Result.of(say("common.refused", what="/health", who=t(lang, "ops.who_admin")))
    report = await health(store, settings, now, runtime)
    return Result.of(shown(render(lang, report, settings)))
