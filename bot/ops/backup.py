"""Backups: a consistent, checked copy of the database, taken daily by the running bot, and which to keep.

The copy itself (`bot.store.ops_files.copy_database`) runs in a worker thread on a connection of its own, so the
event loop is never blocked and the bot goes on writing meanwhile; a file with a backup's name is always a
complete, checked, owner-only backup.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.i18n import t
from bot.ops.folders import UnsafeFolder, backup_folder
from bot.services.kernel import dates
from bot.services.members.people import admin_chats
from bot.store import Store
from bot.store.ops import BackupRecord, OpsRepo
from bot.store.ops_files import copy_database
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)

#: How long the monthly backups (the first backup of each month) are kept.
MONTHS_KEPT = 12
_STAMP = "%Y%m%d-%H%M%S"


# ------------------------------------------------------------------------------------------- pure rules


def backup_name(stem: str, local: datetime) -> str:
    """`zhibu-20261130-030000.sqlite3`: the database's name and the local time the backup was taken."""
    return f"{stem}-{local.strftime(_STAMP)}.sqlite3"


def taken_at(stem: str, name: str) -> datetime | None:
    """The local time in a backup's file name, or None for any other file."""
    match = re.fullmatch(re.escape(stem) + r"-(\d{8}-\d{6})\.sqlite3", name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), _STAMP)
    except ValueError:
        return None


def _months(day: date) -> int:
    return day.year * 12 + day.month


def to_keep(taken: Iterable[datetime], today: date, keep: int) -> set[datetime]:
    """Which backups (by local time taken) to keep: the newest of each of the last `keep` days that have one,
    and the first of each month for the last `MONTHS_KEPT` months (this one included)."""
    moments = sorted(set(taken))
    newest_of_day: dict[date, datetime] = {}
    first_of_month: dict[int, datetime] = {}
    for moment in moments:
        newest_of_day[moment.date()] = moment
        first_of_month.setdefault(_months(moment.date()), moment)
    days = sorted(newest_of_day, reverse=True)[:keep]
    kept = {newest_of_day[day] for day in days}
    kept |= {moment for month, moment in first_of_month.items() if 0 <= _months(today) - month < MONTHS_KEPT}
    return kept


# --------------------------------------------------------------------------------------------- the copy


def prune(directory: Path, stem: str, today: date, keep: int) -> list[Path]:
    """Delete the backups in `directory` that `to_keep` does not keep; other files are left alone."""
    found = {}
    for path in directory.iterdir():
        moment = taken_at(stem, path.name)
        if moment is not None and path.is_file():
            found[moment] = path
    kept = to_keep(found, today, keep)
    removed = []
    for moment, path in found.items():
        if moment not in kept:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


# ------------------------------------------------------------------------------------------- use cases


@dataclass(frozen=True)
class BackupOutcome:
    record: BackupRecord
    path: Path
    queued: int = 0
    removed: int = 0


def describe(exc: BaseException) -> str:
    """An error as it is recorded and shown: its kind and SQLite's or the OS's words (never database content)."""
    return f"{type(exc).__name__}: {exc}"[:300]


async def take_backup(
    store: Store,
    settings: Settings,
    now: datetime,
    target: Path | None = None,
) -> BackupOutcome:
    """Take a backup now, into BACKUP_DIR under its dated name (then prune BACKUP_DIR), or into `target` (a file
    someone named by hand), and record it. A failed backup into BACKUP_DIR queues one alert a day to the admins
    (unique outbox key per local day); one by hand is answered where it was asked."""
    local = now.astimezone(settings.tz)
    source = store.db.path
    scheduled = target is None
    if target is None:
        target = settings.backups / backup_name(source.stem, local)
    began = time.monotonic()
    size: int | None = None
    error: str | None = None
    try:
        if scheduled:
            backup_folder(target.parent)  # created owner-only, or checked as it is: never changed silently
        else:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        size = await asyncio.to_thread(copy_database, source, target)
    except UnsafeFolder as exc:  # BACKUP_DIR is not fit for personal data: said in words, as any failure
        error = exc.words(settings.default_language)
        log.error("backup refused: %s", error)
    except Exception as exc:  # anything at all: recorded, logged, told; the bot goes on
        error = describe(exc)
        log.error("backup failed: %s", error)
    finished = now + timedelta(seconds=time.monotonic() - began)
    record = BackupRecord(now, finished, target.name, size, error is None, error)
    alerts = await failure_alerts(store, settings, local, error) if error is not None and scheduled else []
    queued = await OpsRepo(store.db).record_backup(record, alerts)
    removed = 0
    if error is None:
        log.info("backup file=%s bytes=%s took=%.1fs", target.name, size, (finished - now).total_seconds())
        if scheduled:
            removed = len(
                await asyncio.to_thread(prune, target.parent, source.stem, local.date(), settings.backup_keep)
            )
    return BackupOutcome(record, target, queued, removed)


async def failure_alerts(store: Store, settings: Settings, local: datetime, error: str) -> list[Outgoing]:
    lang = settings.default_language
    text = t(lang, "ops.backup_failed_alert", time=dates.moment(lang, local), error=error)
    day = local.date().isoformat()
    return [
        Outgoing(key=f"backup:failed:{day}:{chat}", kind="alert", chat_id=chat, text=text, ref="backup")
        for chat in await admin_chats(store, settings.admin_ids)
    ]
