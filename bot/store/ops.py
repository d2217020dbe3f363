"""Operations records: backups taken, the last sweep, and the counts the health view shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.store.db import Database, iso
from bot.store.outbox import Outgoing, enqueue_in


@dataclass(frozen=True)
class BackupRecord:
    started_at: datetime
    finished_at: datetime
    file: str
    bytes: int | None
    ok: bool
    error: str | None = None


@dataclass(frozen=True)
class SweepRecord:
    at: datetime
    took_ms: int


@dataclass(frozen=True)
class OutboxCounts:
    """Outbox rows by state: waiting now, and failed / uncertain among those created since a moment."""

    pending: int
    failed: int
    uncertain: int


@dataclass(frozen=True)
class MemberCounts:
    linked: int
    not_linked: int


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


class OpsRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record_backup(self, record: BackupRecord, alerts: Iterable[Outgoing] = ()) -> int:
        """Record a backup; a failed one's alerts to the admins are queued in the same transaction."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO backups (started_at, finished_at, file, bytes, ok, error) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    iso(record.started_at),
                    iso(record.finished_at),
                    record.file,
                    record.bytes,
                    int(record.ok),
                    record.error,
                ),
            )
            return await enqueue_in(conn, alerts)

    async def last_backup(self) -> BackupRecord | None:
        row = await self.db.fetchone("SELECT * FROM backups ORDER BY started_at DESC, id DESC LIMIT 1")
        if row is None:
            return None
        return BackupRecord(
            _when(row["started_at"]),
            _when(row["finished_at"]),
            row["file"],
            row["bytes"],
            bool(row["ok"]),
            row["error"],
        )

    async def record_sweep(self, record: SweepRecord) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO sweep_runs (id, at, took_ms) VALUES (1, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET at = excluded.at, took_ms = excluded.took_ms",
                (iso(record.at), record.took_ms),
            )

    async def last_sweep(self) -> SweepRecord | None:
        row = await self.db.fetchone("SELECT at, took_ms FROM sweep_runs WHERE id = 1")
        return SweepRecord(_when(row["at"]), row["took_ms"]) if row else None

    async def outbox_counts(self, since: datetime) -> OutboxCounts:
        row = await self.db.fetchone(
            "SELECT (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')), "
            "(SELECT count(*) FROM outbox WHERE status = 'failed' AND created_at >= ?), "
            "(SELECT count(*) FROM outbox WHERE status = 'uncertain' AND created_at >= ?)",
            (iso(since), iso(since)),
        )
        assert row is not None
        return OutboxCounts(int(row[0]), int(row[1]), int(row[2]))

    async def member_counts(self) -> MemberCounts:
        row = await self.db.fetchone(
            "SELECT count(*) FILTER (WHERE linked_at IS NOT NULL AND telegram_id IS NOT NULL), "
            "count(*) FILTER (WHERE linked_at IS NULL OR telegram_id IS NULL) FROM members WHERE active"
        )
        assert row is not None
        return MemberCounts(int(row[0] or 0), int(row[1] or 0))
