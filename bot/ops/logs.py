"""Where the log goes: one line per event, to stderr by default, or with LOG_FILE set to a file rotated by size
(`logging.handlers.RotatingFileHandler`: LOG_MAX_BYTES a file, LOG_BACKUPS old files kept). What is logged is
unchanged either way: ids, counts and outcomes, never names, phone numbers or message text."""

from __future__ import annotations

import logging
import logging.handlers
import os

from bot.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Rotated by size; every file it opens (the first and each one after a rotation) is the owner's only, like
    the database: the log holds member ids."""

    def _open(self):  # type: ignore[no-untyped-def]  # typeshed's signature differs between Python versions
        fd = os.open(self.baseFilename, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        os.fchmod(fd, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)  # the handler closes it


def configure(settings: Settings | None, level: int, root: logging.Logger | None = None) -> logging.Handler:
    """Set up the root logger (or `root`; any handler set before is replaced); returns the handler."""
    handler: logging.Handler
    if settings is not None and settings.log_file is not None:
        settings.log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = PrivateRotatingFileHandler(
            settings.log_file, maxBytes=settings.log_max_bytes, backupCount=settings.log_backups, encoding="utf-8"
        )
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    root = root if root is not None else logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return handler
