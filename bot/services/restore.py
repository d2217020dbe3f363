"""A checked restore: `python -m bot restore FILE`.

In order, holding the database's lock all along (`ops_lock`: refused while the bot runs, and the bot cannot
start meanwhile):

1. the backup is copied next to the database (`<name>.restoring`) and checked there: `PRAGMA integrity_check`,
   a Zhibu database at all, a schema version not newer than this code knows;
2. the copy is migrated to this code's schema;
3. the log of sent messages — the outbox of the database being replaced — is read into the copy
   (`reconcile`): deliveries the backup still had to send that the log shows reached an outcome take that
   outcome, and the reminders, alerts and summaries decided after the backup (which the sweep would decide
   again) are recorded as they went, so their unique keys are never queued twice;
4. the current database (and its -wal) is kept aside as `<name>-before-restore-<time>`, and the copy takes
   its place. Nothing is touched until steps 1–3 succeeded.

docs/RELIABILITY.md says exactly what can still repeat.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.services.ops_lock import DatabaseBusy, hold
from bot.store.db import Database, migrations

log = logging.getLogger(__name__)

#: Tables every Zhibu database has, whatever its version.
_OURS = {"members", "units", "outbox"}
_SIDE_FILES = ("", "-wal", "-shm")
#: A delivery's final states: it went (or will never go) and must not be sent again.
_FINAL = "('sent', 'failed', 'uncertain', 'cancelled')"


class RestoreRefused(Exception):
    """The restore did not happen; `key`/`params` say why (ops.toml), and nothing was changed."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Reconciled:
    log_read: bool = False  # the database being replaced could be read
    settled: int = 0  # deliveries pending in the backup that the log shows went (or failed) after it
    recorded: int = 0  # reminders/alerts/summaries decided after the backup, recorded as they went
    problem: str = ""


@dataclass(frozen=True)
class RestoreOutcome:
    version_from: int
    version_to: int
    aside: Path | None
    reconciled: Reconciled = field(default_factory=Reconciled)
    pending: int = 0  # deliveries that will be sent when the bot starts


def check_backup(path: Path) -> int:
    """The backup's schema version, after checking it; `RestoreRefused` when it is not fit to restore."""
    try:
        conn = sqlite3.connect(path)
        try:
            check = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused("ops.restore_corrupt", detail=str(exc)) from None
    if check != ["ok"]:
        raise RestoreRefused("ops.restore_corrupt", detail="; ".join(str(c) for c in check[:3]))
    if not _OURS <= tables:
        raise RestoreRefused("ops.restore_not_ours")
    known = len(migrations())
    if version > known:
        raise RestoreRefused("ops.restore_newer", version=version, known=known)
    return version


def reconcile(restored: Path, current: Path) -> Reconciled:
    """Bring what the log of sent messages (the outbox in `current`) knows into `restored`. Never fails: a log
    that cannot be read (the reason for a restore may be that it is broken) is reported, not fatal."""
    if not current.exists():
        return Reconciled(problem="no current database")
    conn = sqlite3.connect(restored, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS log", (str(current),))
        conn.execute("BEGIN IMMEDIATE")
        # Deliveries the backup still had to send (or had in flight) that went out, or failed, after it.
        settled = conn.execute(
            "UPDATE main.outbox AS o SET status = l.status, message_id = l.message_id, error = l.error, "
            "sent_at = l.sent_at, attempts = l.attempts FROM log.outbox AS l "
            "WHERE l.key = o.key AND l.chat_id = o.chat_id AND o.status IN ('pending', 'sending') "
            f"AND l.status IN {_FINAL}").rowcount
        # Decided after the backup by the sweep or an after-send hook, which would decide them again: recorded
        # as they went, when what they belong to is in the backup too (ids of things made after the backup are
        # given out again after the restore, so their keys would stand for something else).
        recorded = conn.execute(
            "INSERT OR IGNORE INTO main.outbox (key, kind, ref, member_id, chat_id, text, buttons, status, "
            "attempts, message_id, error, created_at, sent_at) "
            "SELECT l.key, l.kind, l.ref, l.member_id, l.chat_id, l.text, l.buttons, l.status, l.attempts, "
            "l.message_id, l.error, l.created_at, l.sent_at FROM log.outbox AS l "
            f"WHERE l.status IN {_FINAL} AND l.kind IN ('reminder', 'alert', 'summary') "
            "AND NOT EXISTS (SELECT 1 FROM main.outbox AS o WHERE o.key = l.key) "
            "AND (l.member_id IS NULL OR EXISTS (SELECT 1 FROM main.members AS m WHERE m.id = l.member_id)) "
            "AND CASE "
            "  WHEN l.ref LIKE 'meeting:%' THEN EXISTS (SELECT 1 FROM main.notices AS n "
            "       WHERE n.id = CAST(substr(l.ref, 9) AS INTEGER)) "
            "  WHEN l.ref LIKE 'notice-summary:%' THEN EXISTS (SELECT 1 FROM main.notices AS n "
            "       WHERE n.id = CAST(substr(l.ref, 16) AS INTEGER)) "
            "  WHEN l.ref LIKE 'notice:%' THEN EXISTS (SELECT 1 FROM main.notices AS n "
            "       WHERE n.id = CAST(substr(l.ref, 8) AS INTEGER)) "
            "  WHEN l.ref LIKE 'duty:%' THEN EXISTS (SELECT 1 FROM main.duty_logs AS d "
            "       WHERE d.id = CAST(substr(l.ref, 6) AS INTEGER)) "
            "  ELSE 1 END ORDER BY l.id").rowcount
        conn.execute("COMMIT")
        return Reconciled(True, settled, recorded)
    except sqlite3.DatabaseError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        log.warning("restore: the log of sent messages could not be read: %s", exc)
        return Reconciled(problem=f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def aside_name(database: Path, now: datetime) -> Path:
    return database.with_name(f"{database.name}-before-restore-{now.strftime('%Y%m%d-%H%M%S')}")


def _remove(path: Path) -> None:
    for suffix in _SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def restore(source: Path, database: Path, now: datetime) -> RestoreOutcome:
    """Restore `source` over `database` (see the module's docstring); `RestoreRefused` when it must not."""
    if not source.is_file():
        raise RestoreRefused("ops.restore_missing", path=str(source))
    if database.exists() and source.resolve() == database.resolve():
        raise RestoreRefused("ops.restore_same")
    try:
        with hold(database):
            return await _restore_locked(source, database, now)
    except DatabaseBusy:
        raise RestoreRefused("ops.restore_running") from None


async def _restore_locked(source: Path, database: Path, now: datetime) -> RestoreOutcome:
    work = database.with_name(database.name + ".restoring")
    _remove(work)
    fd = os.open(work, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        shutil.copyfile(source, work)
        os.chmod(work, 0o600)
        version = check_backup(work)
        db = await Database.open(work)  # applies the migrations newer than the backup
        try:
            to = await db.schema_version()
        finally:
            await db.close()
        reconciled = reconcile(work, database)
        with sqlite3.connect(work) as conn:
            pending = int(conn.execute(
                "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0])
        conn.close()
        aside = None
        if database.exists():
            aside = aside_name(database, now)
            for suffix in _SIDE_FILES:  # the -wal goes with its database, or its last commits would be lost
                side = Path(f"{database}{suffix}")
                if side.exists():
                    os.replace(side, Path(f"{aside}{suffix}"))
        os.replace(work, database)
        os.chmod(database, 0o600)
    finally:
        _remove(work)
    log.info("restored schema=%s->%s settled=%s recorded=%s pending=%s", version, to, reconciled.settled,
             reconciled.recorded, pending)
    return RestoreOutcome(version, to, aside, reconciled, pending)
