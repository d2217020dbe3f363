"""Where the log goes: one line per event, to stderr by default, or with LOG_FILE set to a file rotated by size
(`logging.handlers.RotatingFileHandler`: LOG_MAX_BYTES a file, LOG_BACKUPS old files kept). What is logged is
unchanged either way: ids, counts and outcomes, never names, phone numbers or message text."""

from __future__ import annotations

import logging
import logging.handlers
import os

from bot.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(settings: Settings | None, level: int, root: logging.Logger | None = None) -> logging.Handler:
    """Set up the root logger (or `root`; any handler set before is replaced); returns the handler."""
    handler: logging.Handler
    if settings is not None and settings.log_file is not None:
        settings.log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            settings.log_file, maxBytes=settings.log_max_bytes, backupCount=settings.log_backups, encoding="utf-8")
        os.chmod(settings.log_file, 0o600)  # ids of members are in it: the owner's only, like the database
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
