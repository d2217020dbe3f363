"""Folders the bot writes personal data into, handled safely (issue 30 item 5).

`python -m bot export DIR` writes every file into a fresh private folder it creates inside DIR (a random name,
owner-only, so nothing planted beforehand can be in it) and then moves each file into place with a rename,
which replaces whatever entry has the file's name — a link included — without following it: a link planted as
`DIR/members.csv` is replaced, its target untouched; one planted as `DIR/.xlsx-rows` is never looked at. DIR
itself must be a folder (not a link) that the user running the command owns and that nobody else may write
into; otherwise nothing is written and the person is told why.

`BACKUP_DIR` is created owner-only when missing; one that exists is used as it is — never changed silently —
and refused (the backup fails, and says why) when it is not a folder the bot's user owns, or when others may
write into it.
"""

from __future__ import annotations

import html
import os
import pwd
import secrets
import shutil
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.i18n import t


class UnsafeFolder(Exception):
    """Nothing was written: `key`/`params` (ops.toml) say why, in words for the person who asked."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key} {params}")
        self.key = key
        self.params = params

    def words(self, lang: str) -> str:
        """Why, as plain text (for a terminal, a log, or a value in another message)."""
        return html.unescape(t(lang, self.key, **self.params))


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def check_folder(path: Path, facts: os.stat_result) -> None:
    """A folder fit for personal data: a directory, owned by this process's user, writable by nobody else."""
    if not stat.S_ISDIR(facts.st_mode):
        raise UnsafeFolder("ops.folder_not_folder", path=str(path))
    me = os.geteuid()
    if facts.st_uid != me:
        raise UnsafeFolder("ops.folder_not_owner", path=str(path), owner=_user_name(facts.st_uid), user=_user_name(me))
    if facts.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeFolder("ops.folder_writable", path=str(path), mode=f"{stat.S_IMODE(facts.st_mode):o}")


def backup_folder(path: Path) -> None:
    """`BACKUP_DIR` ready for a backup: created owner-only when missing, else checked (never changed)."""
    try:
        facts = os.stat(path)
    except FileNotFoundError:
        path.mkdir(parents=True, mode=0o700)
        os.chmod(path, 0o700)  # mkdir's mode is narrowed by the umask, never widened: this one is ours
        return
    check_folder(path, facts)


def open_target(path: Path) -> int:
    """A descriptor of the folder `path` (created owner-only when missing), checked, never through a link."""
    if not os.path.lexists(path):
        path.mkdir(parents=True, mode=0o700)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except PermissionError:
        raise
    except OSError:  # a link (ELOOP) or a file (ENOTDIR)
        raise UnsafeFolder("ops.folder_not_folder", path=str(path)) from None
    try:
        check_folder(path, os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    return fd


async def write_into(target: Path, write: Callable[[Path], Awaitable[list[Path]]]) -> list[Path]:
    """Let `write` fill a fresh private folder inside `target` (the files directly in it), then move each file
    into `target`, replacing an entry of the same name without following it. Nothing is moved unless every
    file can be. The fresh folder is removed whatever happens. Returns the files' paths in `target`."""
    fd = open_target(target)
    try:
        name = f".zhibu-export-{secrets.token_hex(8)}"
        os.mkdir(name, 0o700, dir_fd=fd)
        scratch = target / name
        try:
            written = await write(scratch)
            for path in written:
                if path.parent != scratch:
                    raise ValueError(f"{path} is not directly in {scratch}")
                try:
                    there = os.stat(path.name, dir_fd=fd, follow_symlinks=False)
                except FileNotFoundError:
                    continue
                if stat.S_ISDIR(there.st_mode):
                    raise UnsafeFolder("ops.export_clash", path=str(target), name=path.name)
            scratch_fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            try:
                for path in written:
                    os.replace(path.name, path.name, src_dir_fd=scratch_fd, dst_dir_fd=fd)
            finally:
                os.close(scratch_fd)
            return [target / path.name for path in written]
        finally:
            shutil.rmtree(name, dir_fd=fd, ignore_errors=True)
    finally:
        os.close(fd)
