"""Small operations use cases: recording each reminder sweep (when, how long) for the health view."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store import Store
from bot.store.ops import OpsRepo, SweepRecord


async def record_sweep(store: Store, at: datetime, took: timedelta) -> SweepRecord:
    """One row, updated in place: a separate process (`python -m bot health`) reads it."""
    record = SweepRecord(at, round(took.total_seconds() * 1000))
    await OpsRepo(store.db).record_sweep(record)
    return record
