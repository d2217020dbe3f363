"""The time zone exports are written in: `export_files` sets it, exporters format with `local()`."""

from __future__ import annotations

import contextvars
from datetime import datetime
from zoneinfo import ZoneInfo

export_tz: contextvars.ContextVar[ZoneInfo] = contextvars.ContextVar("export_tz", default=ZoneInfo("Asia/Shanghai"))  # noqa: B039 (ZoneInfo is immutable)


def local(moment: datetime | None) -> str:
    """A timestamp as local `YYYY-MM-DD HH:MM` for the spreadsheet."""
    return moment.astimezone(export_tz.get()).strftime("%Y-%m-%d %H:%M") if moment else ""
