"""The running bot's claim on its database: an exclusive `flock` on `<database>.lock`, held while it runs.

Why a lock and not a heartbeat row or a PID file: the kernel drops the lock when the process ends, however it
ends (SIGKILL, a power cut, an out-of-memory kill), so there is never a stale claim to clean up by hand, and no
clock is involved. `python -m bot restore` takes the same lock (and holds it while it swaps the files), so it
refuses while the bot runs, and a bot started during a restore refuses to start. Two bots started by mistake on
one database refuse the same way. (flock does not reach across machines: keep the database on a local disk,
as SQLite itself asks.)
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class DatabaseBusy(Exception):
    """Another process (the bot, or a restore) holds the database."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextmanager
def hold(database: Path) -> Iterator[None]:
    """Hold the database's lock for the block; `DatabaseBusy` at once (no waiting) when someone else has it."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseBusy(str(path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for a person looking; the lock itself is what counts
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def in_use(database: Path) -> bool:
    """Whether a process holds the database now (the answer may change right after; `hold` to act on it)."""
    if not lock_path(database).exists():
        return False
    try:
        with hold(database):
            return False
    except DatabaseBusy:
        return True
