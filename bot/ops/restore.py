"""A checked restore: `python -m bot restore FILE`.

In order, holding the database's lock all along (`bot.ops.lock`: refused while the bot runs, and the bot cannot
start meanwhile):

1. the backup is copied next to the database (`<name>.restoring`, through SQLite, so a hand-made copy of a
   database in WAL mode comes with its -wal) and checked there: `PRAGMA integrity_check`, a Zhibu database at
   all, a schema version from 1 to the newest this code knows, and exactly the schema this code's migrations make
   at that version — no table, index, trigger or view more, fewer or different (`schema_difference`: a file
   with the right version number but another schema, or with a trigger slipped in, is refused);
2. the copy is migrated to this code's schema, and compared with it again;
3. the log of sent messages — the outbox of the database being replaced — is read into the copy
   (`reconcile`): deliveries the backup still had to send that the log shows reached an outcome take that
   outcome, and the reminders, alerts and summaries decided after the backup (which the sweep would decide
   again) are recorded as they went, so their unique keys are never queued twice;
4. conversations in progress at the backup's time (drafts, the step someone was at) are forgotten: they are
   hours old and their buttons were answered since;
5. the current database (and its -wal) is kept aside as `<name>-before-restore-<time>`, and the copy takes
   its place. Nothing is touched until steps 1–4 succeeded.

docs/RELIABILITY.md says exactly what can still repeat.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.ops.lock import DatabaseBusy, hold
from bot.store.db import Database, migrations
from bot.store.ops_files import (
    Reconciled,
    UnreadableDatabase,
    copy_readonly,
    forget_conversations,
    inspect_database,
    reconcile,
    schema_difference,
    waiting,
)

log = logging.getLogger(__name__)

#: Tables every Zhibu database has, whatever its version.
_OURS = {"members", "units", "outbox"}
_SIDE_FILES = ("", "-wal", "-shm")


class RestoreRefused(Exception):
    """The restore did not happen; `key`/`params` say why (ops.toml), and nothing was changed."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class RestoreOutcome:
    version_from: int
    version_to: int
    aside: Path | None
    reconciled: Reconciled = field(default_factory=Reconciled)
    pending: int = 0  # deliveries that will be sent when the bot starts


def check_backup(path: Path) -> int:
    """The backup's schema version, after checking it; `RestoreRefused` when it is not fit to restore."""
    facts = inspect_database(path)
    if facts.error is not None:
        raise RestoreRefused("ops.restore_corrupt", detail=facts.error)
    if facts.integrity != ["ok"]:
        raise RestoreRefused("ops.restore_corrupt", detail="; ".join(facts.integrity[:3]))
    if not _OURS <= facts.tables:
        raise RestoreRefused("ops.restore_not_ours")
    known = len(migrations())
    if facts.version > known:
        raise RestoreRefused("ops.restore_newer", version=facts.version, known=known)
    if facts.version < 1:
        raise RestoreRefused("ops.restore_no_version", version=facts.version)
    _same_schema(path, facts.version)
    return facts.version


#: Names of schema objects listed in a refusal, at most, per kind of difference.
_LISTED = 5


def _listed(names: list[str]) -> str:
    return ", ".join(names[:_LISTED]) + (f" … (+{len(names) - _LISTED})" if len(names) > _LISTED else "") or "-"


def _same_schema(path: Path, version: int) -> None:
    """`RestoreRefused` unless the file's schema is exactly what the migrations up to `version` make."""
    difference = schema_difference(path, version)
    if difference:
        raise RestoreRefused(
            "ops.restore_schema",
            version=version,
            extra=_listed(difference.extra),
            missing=_listed(difference.missing),
            changed=_listed(difference.changed),
        )


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
        try:
            copy_readonly(source, work)
        except UnreadableDatabase as exc:
            raise RestoreRefused("ops.restore_corrupt", detail=str(exc)) from None
        os.chmod(work, 0o600)
        version = check_backup(work)
        try:
            db = await Database.open(work)  # applies the migrations newer than the backup
            try:
                to = await db.schema_version()
            finally:
                await db.close()
        except sqlite3.Error as exc:  # checked above, so not expected: refused all the same, never a traceback
            raise RestoreRefused("ops.restore_corrupt", detail=str(exc)) from None
        _same_schema(work, to)
        reconciled = reconcile(work, database)
        forget_conversations(work)
        pending = waiting(work)
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
    log.info(
        "restored schema=%s->%s settled=%s recorded=%s pending=%s",
        version,
        to,
        reconciled.settled,
        reconciled.recorded,
        pending,
    )
    return RestoreOutcome(version, to, aside, reconciled, pending)
