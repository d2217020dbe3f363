"""Reminder sweep over 10 000 members with a year of history: how long the database work takes.

Run: `.venv/bin/python bench/sweep.py [--members 10000]`. Builds a database in a temporary folder
(10 000 members across 10 branches, a third of them mobile with monthly or quarterly reports, a year
of thought reports, status reports and contacts, and a year of sent reminders in the outbox), then
times the sweep's queries (the goal: ≤ 50 ms of database work) and a whole sweep.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services import core
from bot.services.reports import report_reminders
from bot.store import Store

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 10, tzinfo=TZ)


async def build(store: Store, members: int) -> None:
    rng = random.Random(7)
    now = datetime.now(UTC).isoformat()
    conn = store.db.conn
    await conn.execute("BEGIN")
    await conn.execute("INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '社区党委')")
    for b in range(10):
        await conn.execute("INSERT INTO units (id, parent_id, kind, name) VALUES (?, 1, 'branch', ?)",
                           (b + 2, f"第{b + 1}村党支部"))
    rows = []
    for i in range(1, members + 1):
        unit = 2 + i % 10
        migrant = i % 3 == 0
        rows.append((i, f"党员{i}", unit, "migrant" if migrant else "resident",
                     ("quarterly" if i % 9 == 0 else "monthly") if migrant else None,
                     "2025-06-01" if migrant else None, 100000 + i, now, now, now,
                     (i - 1) if migrant and i > 1 else None))
    await conn.executemany(
        "INSERT INTO members (id, name, unit_id, category, report_cadence, migrant_since, telegram_id, "
        "linked_at, created_at, updated_at, liaison_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    await conn.executemany("INSERT INTO member_roles (member_id, role) VALUES (?, 'secretary')",
                           [(i,) for i in range(1, 11)])
    thoughts, statuses, contacts, outbox = [], [], [], []
    for i in range(3, members + 1, 3):
        for month in range(1, 12):
            if rng.random() < 0.8:
                at = datetime(2026, month, 20, tzinfo=TZ).isoformat()
                thoughts.append((i, f"2026-{month:02d}", "思想汇报" * 10, at))
                outbox.append((f"report:before:{i}:2026-{month:02d}", "reminder", i, 100000 + i, "x", now))
            statuses.append((i, "away_work", "东莞", datetime(2026, month, 5, tzinfo=TZ).isoformat()))
            if month % 2:
                contacts.append((i, i - 1, "电话", datetime(2026, month, 9, tzinfo=TZ).isoformat()))
    await conn.executemany("INSERT INTO thought_reports (member_id, period, text, submitted_at) VALUES (?, ?, ?, ?)",
                           thoughts)
    await conn.executemany("INSERT INTO status_reports (member_id, state, location, at) VALUES (?, ?, ?, ?)",
                           statuses)
    await conn.executemany("INSERT INTO contacts (member_id, liaison_id, note, at) VALUES (?, ?, ?, ?)", contacts)
    await conn.executemany("INSERT INTO outbox (key, kind, member_id, chat_id, text, created_at, status) "
                           "VALUES (?, ?, ?, ?, ?, ?, 'sent')", outbox)
    await conn.execute("UPDATE members SET last_seen_at = (SELECT max(at) FROM ("
                       "SELECT max(at) AS at FROM contacts WHERE member_id = members.id UNION ALL "
                       "SELECT max(at) FROM status_reports WHERE member_id = members.id UNION ALL "
                       "SELECT max(submitted_at) FROM thought_reports WHERE member_id = members.id))")
    await conn.execute("COMMIT")
    await conn.execute("ANALYZE")
    print(f"built: {members} members, {len(thoughts)} thought reports, {len(statuses)} status reports, "
          f"{len(contacts)} contacts, {len(outbox)} outbox rows")


async def timed(label: str, runs: int, work) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    print(f"{label:<48} median {median:7.1f} ms   min {min(samples):7.1f} ms")
    return median


async def main(members: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(Path(tmp) / "bench.sqlite3")
        settings = Settings(_env_file=None, bot_token="1:x", quiet_hours="")  # type: ignore[call-arg]
        await build(store, members)
        reports = store.reports

        async def queries() -> None:
            await reports.mobile_members(since_year=NOW.year - 1)
            await reports.people_index()
            await reports.secretaries()

        db = await timed("sweep queries (mobile members, people, secretaries)", 7, queries)
        due = await report_reminders(store, settings, NOW)
        keys = [d.message.key for d in due]

        async def dedup() -> None:
            await store.outbox.existing_keys(keys)

        dd = await timed(f"sent-log look-up of {len(keys)} due keys", 7, dedup)
        await timed("rules in Python (report_reminders, incl. queries)", 5,
                    lambda: report_reminders(store, settings, NOW))
        first = time.perf_counter()
        queued = await core.sweep(store, settings, NOW)
        print(f"first sweep queued {queued} in {(time.perf_counter() - first) * 1000:.1f} ms")
        await timed("steady sweep (nothing new due)", 5, lambda: core.sweep(store, settings, NOW))
        print(f"database work per sweep: {db + dd:.1f} ms (goal ≤ 50 ms)")
        await store.close()
    _ = date, timedelta


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().members))
